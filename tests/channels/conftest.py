"""One real stack (Rasa + action server + handoff) for every messaging app, each app's API faked locally."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aiohttp
import pytest

from stack import isolated_config, start_stack
from stack.services import Stack
from tests.channels.fakes.graph_api import FakeGraph
from tests.channels.fakes.server import FakeApi
from tests.channels.fakes.slack_api import FakeSlack
from tests.channels.fakes.telegram_api import FakeTelegram
from tests.channels.fakes.twilio_api import FakeTwilio
from tests.integration.test_handoff import PASSWORD, Console


@dataclass
class ChannelStack:
    stack: Stack
    fakes: dict[str, FakeApi]
    secrets: dict[str, str]


@pytest.fixture(scope="session")
def channel_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelStack]:
    workdir = tmp_path_factory.mktemp("channel_stack")
    keys = {
        "telegram": secrets.token_urlsafe(24),
        "slack": secrets.token_hex(16),
        "twilio": secrets.token_hex(16),
        "facebook": secrets.token_hex(16),
    }
    keys["twilio_whatsapp"] = keys["twilio"]
    telegram_token, slack_token, page_token = "123456:test-token", "xoxb-test", "EAAtest"
    twilio = FakeTwilio("AC" + "1" * 32, keys["twilio"]).start()
    fakes: dict[str, FakeApi] = {
        "telegram": FakeTelegram(telegram_token).start(),
        "slack": FakeSlack(slack_token).start(),
        "twilio": twilio,
        "twilio_whatsapp": twilio,
        "facebook": FakeGraph(page_token).start(),
    }
    env = {
        "HANDOFF_HOURS__ALWAYS_OPEN": "true",
        "TELEGRAM_BOT_TOKEN": telegram_token,
        "TELEGRAM_WEBHOOK_SECRET": keys["telegram"],
        "TELEGRAM_API_URL": fakes["telegram"].base_url,
        "SLACK_BOT_TOKEN": slack_token,
        "SLACK_SIGNING_SECRET": keys["slack"],
        "SLACK_API_URL": fakes["slack"].base_url,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": keys["twilio"],
        "TWILIO_SMS_NUMBER": "+15550000001",
        "TWILIO_WHATSAPP_NUMBER": "+15550000002",
        "TWILIO_API_URL": twilio.base_url,
        "SMS_OPT_OUT_FILE": str(workdir / "sms_opt_out.json"),
        "MESSENGER_PAGE_ACCESS_TOKEN": page_token,
        "MESSENGER_APP_SECRET": keys["facebook"],
        "MESSENGER_VERIFY_TOKEN": "verify-me",
        "MESSENGER_GRAPH_URL": fakes["facebook"].base_url + "/v19.0",
    }
    running = start_stack(isolated_config(workdir, extra_env=env))
    try:
        yield ChannelStack(running, fakes, keys)
    finally:
        running.stop()
        for fake in {id(f): f for f in fakes.values()}.values():
            fake.stop()


@pytest.fixture
async def console(channel_stack: ChannelStack) -> AsyncIterator[Console]:
    stack = channel_stack.stack
    username = f"agent{secrets.token_hex(3)}"
    stack.create_agent(username, PASSWORD, name="Sam")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await (await http.get(f"{stack.handoff_url}/console/login")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = {"username": username, "password": PASSWORD, "csrf": csrf}
        async with http.post(f"{stack.handoff_url}/console/login", data=form) as response:
            token = re.search(r'name="csrf-token" content="([^"]+)"', await response.text())
        ws = await http.ws_connect(f"{stack.handoff_url}/console/ws", origin=stack.handoff_url)
        yield Console(http, stack.handoff_url, token.group(1), ws)  # type: ignore[union-attr]
        await ws.close()
