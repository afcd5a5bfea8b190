"""Bad messages over the website chat's socket.io channel get an answer in the chat, and the chat goes on.

The widget itself never sends these (its box takes at most 4,000 characters), but anything can talk to the
public socket.io endpoint, so the test speaks to it from the page with the same socket.io client.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from stack.services import Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# Sends each message after the reply to the one before; resolves with the first reply to each.
SEND_IN_TURN = """
([rasaUrl, sessionId, messages]) => new Promise((resolve, reject) => {
  const socket = window.io(rasaUrl, { path: "/socket.io", transports: ["websocket"] });
  const replies = [];
  let next = 0;
  // "<half>" becomes an unpaired surrogate, which JSON carries as the escape \\ud800.
  const texts = messages.map((m) => m.replace("<half>", String.fromCharCode(0xd800)));
  const sendNext = () => socket.emit("user_uttered", { message: texts[next++], session_id: sessionId });
  socket.on("connect", () => socket.emit("session_request", { session_id: sessionId }));
  socket.on("session_confirm", sendNext);
  socket.on("bot_uttered", (reply) => {
    if (replies.length >= next) { return; }  // a second bubble of the same answer
    replies.push(reply.text || "");
    if (next < messages.length) { sendNext(); } else { socket.close(); resolve(replies); }
  });
  setTimeout(() => reject(new Error("no reply after 60 s; got " + JSON.stringify(replies))), 60000);
})
"""


# One message with a given session id and metadata; resolves with the reply.
SEND_ONE = """
([rasaUrl, sessionId, metadata]) => new Promise((resolve, reject) => {
  const socket = window.io(rasaUrl, { path: "/socket.io", transports: ["websocket"] });
  const message = { message: "hello", session_id: sessionId, metadata: metadata };
  socket.on("connect", () => socket.emit("user_uttered", message));
  socket.on("bot_uttered", (reply) => { socket.close(); resolve(reply.text || ""); });
  setTimeout(() => reject(new Error("no reply after 30 s")), 30000);
})
"""


def test_bad_socket_messages_are_answered_in_the_chat_and_the_bot_still_works(
    stack: Stack, browser: Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{stack.handoff_url}/demo")
    page.get_by_role("button", name="Chat with IT support").click()
    page.wait_for_function("typeof window.io === 'function'")
    session_id = "socket-probe-" + page.evaluate("Math.random().toString(36).slice(2)")
    messages = ["printer <half> jam", "   ", "my laptop is broken " * 300, "are you a bot?"]
    replies = page.evaluate(SEND_IN_TURN, [stack.rasa_url, session_id, messages])
    wrong_ids = [page.evaluate(SEND_ONE, [stack.rasa_url, bad, None]) for bad in (42, "", None)]
    wrong_metadata = [
        page.evaluate(SEND_ONE, [stack.rasa_url, session_id, bad]) for bad in ("{not json", 7, "[1]")
    ]
    context.close()

    # A missing or non-string session id reaches no conversation, and the sender is told so.
    assert all("session id" in reply for reply in wrong_ids)
    assert all("metadata must be a JSON object" in reply for reply in wrong_metadata)

    assert "broken character" in replies[0]
    assert "empty" in replies[1]
    assert "at most 4000" in replies[2]
    assert "bot" in replies[3].lower() and "broken" not in replies[3]
    # Only the good message reached the bot; the refused ones left no trace in the conversation.
    user_texts = [e.get("text") for e in stack.tracker(session_id)["events"] if e["event"] == "user"]
    assert user_texts == ["are you a bot?"]
