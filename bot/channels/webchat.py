"""Website chat over socket.io, with messages from people marked as such.

Rasa's socket.io output sends only the text. When the handoff service records an agent's message
(a bot event whose metadata carries ``handoff_role``), the widget must show who is speaking, so this
output adds ``{"sender": "agent"|"system", "agent_name": ...}`` to the emitted message. The channel keeps
the name ``socketio`` so ``output_channel=latest`` finds it for conversations that started here.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput

ROLE_KEY = "handoff_role"


class WebChatOutput(SocketIOOutput):
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        role = kwargs.get(ROLE_KEY)
        if not role:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        sender = {"sender": str(role), "agent_name": kwargs.get("agent_name")}
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": sender})


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt)
