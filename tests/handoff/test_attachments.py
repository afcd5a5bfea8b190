"""Customers' files on the real handoff app: the bot's channel hands one in, the service checks it by its
bytes, keeps it for the ticket, and an agent who may read the transcript downloads it (never inline)."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

from aiohttp.test_utils import TestClient

from handoff.privacy_store import CustomerKey, PrivacyStore
from handoff.state import DATABASE, SETTINGS, STORE
from handoff.users import hash_password
from tests.handoff.conftest import AUTH, handoff_body, make_settings
from tests.handoff.test_console import PASSWORD, log_in


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))


async def upload(client: TestClient, conversation: str, data: bytes, name: str, **query: str):
    params = {"channel": "telegram", "name": name, **query}
    return await client.post(
        f"/api/conversations/{conversation}/attachments", data=data, params=params, headers=AUTH
    )


async def test_a_file_sent_before_the_handoff_is_on_the_ticket_and_downloads_as_an_attachment(
    client: TestClient,
) -> None:
    png = tiny_png()
    stored = await upload(client, "conv-files", png, "screen shot.png")
    assert stored.status == 201
    item = (await stored.json())["attachment"]
    assert item["content_type"] == "image/png" and item["size"] == len(png) and item["ticket_id"] is None

    ticket = await (await client.post("/api/handoffs", json=handoff_body("conv-files"), headers=AUTH)).json()
    store = client.app[STORE]
    await store.create_user("nina", "Nina", hash_password(PASSWORD), "agent", ["network"])
    assert await log_in(client, "nina")
    detail = await (await client.get(f"/console/api/tickets/{ticket['ticket_id']}")).json()
    [listed] = detail["attachments"]
    assert listed["name"] == "screen shot.png" and listed["id"] == item["id"]

    file = await client.get(f"/console/tickets/{ticket['ticket_id']}/files/{item['id']}")
    assert file.status == 200 and await file.read() == png
    assert file.headers["Content-Type"] == "image/png"
    assert file.headers["Content-Disposition"].startswith("attachment;")
    assert file.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in file.headers["Content-Security-Policy"]


async def test_disguised_empty_and_oversized_files_are_refused(client: TestClient) -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    refused = await upload(client, "conv-x", program, "photo.png")
    assert refused.status == 415 and "PNG" in (await refused.json())["error"]
    assert (await upload(client, "conv-x", b"", "empty.txt")).status == 415
    too_big = await upload(client, "conv-x", b"a" * (10 * 1024 * 1024 + 1), "big.txt")
    assert too_big.status == 413 and "10 MB" in (await too_big.json())["error"]
    no_token = await client.post("/api/conversations/conv-x/attachments?channel=slack&name=a", data=b"hi")
    assert no_token.status == 401


async def test_only_agents_who_may_read_the_transcript_download_the_file(client: TestClient) -> None:
    ticket = await (await client.post("/api/handoffs", json=handoff_body("conv-y"), headers=AUTH)).json()
    item = (await (await upload(client, "conv-y", b"error 0x80070005\n", "error.exe")).json())["attachment"]
    assert item["ticket_id"] == ticket["ticket_id"] and item["name"] == "error.exe.txt"
    path = f"/console/tickets/{ticket['ticket_id']}/files/{item['id']}"
    anonymous = await client.get(path, allow_redirects=False)
    assert anonymous.status in (302, 401)
    await client.app[STORE].create_user("olga", "Olga", hash_password(PASSWORD), "agent", ["account"])
    assert await log_in(client, "olga")  # works general and account; the ticket is in network
    assert (await client.get(path)).status == 403
    other = await client.get(f"/console/tickets/{ticket['ticket_id']}/files/{'x' * 24}")
    assert other.status in (403, 404)


async def test_erasing_the_customer_deletes_their_files_from_disk(client: TestClient) -> None:
    await client.post("/api/handoffs", json=handoff_body("conv-z"), headers=AUTH)
    item = (await (await upload(client, "conv-z", tiny_png(), "me.png")).json())["attachment"]
    settings = client.app[SETTINGS]
    on_disk = settings.files_dir / item["id"]
    assert on_disk.is_file()
    store = PrivacyStore(client.app[DATABASE], None, settings.files_dir)
    counts = await store.erase(CustomerKey("socketio", "conv-z"), "test")
    assert counts["files"] == 1 and counts["attachments"] == 1
    assert not on_disk.exists()


async def test_the_retention_purge_deletes_an_old_tickets_files(client: TestClient) -> None:
    created = await client.post("/api/handoffs", json=handoff_body("conv-old"), headers=AUTH)
    ticket_id = (await created.json())["ticket_id"]
    item = (await (await upload(client, "conv-old", tiny_png(), "old.png")).json())["attachment"]
    await client.post(f"/api/handoffs/{ticket_id}/cancel", headers=AUTH)
    database = client.app[DATABASE]
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=200)).isoformat()
    # retention counts from when the ticket ended (its cancel time), so both are 200 days back
    await database.execute(
        "UPDATE tickets SET handoff_time = ?, resolution_time = ? WHERE id = ?", (old, old, ticket_id)
    )
    on_disk = client.app[SETTINGS].files_dir / item["id"]
    assert on_disk.is_file()
    counts = await PrivacyStore(database, None, client.app[SETTINGS].files_dir).purge_older_than(90, "test")
    assert counts["files"] == 1 and counts["attachments"] == 1 and not on_disk.exists()
    assert await client.app[STORE].get_attachment(item["id"]) is None


def test_the_files_folder_is_next_to_the_sqlite_file_or_var_attachments_on_postgresql(tmp_path: Path) -> None:
    assert make_settings(tmp_path).files_dir == tmp_path / "attachments"
    on_postgres = make_settings(tmp_path, database_url="postgresql://u:p@127.0.0.1:5432/handoff")
    assert on_postgres.files_dir == Path("var/attachments")
    chosen = make_settings(tmp_path, database_url="postgresql://u:p@h/d", attachments_dir=tmp_path / "f")
    assert chosen.files_dir == tmp_path / "f"
