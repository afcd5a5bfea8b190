"""SMS numbers that sent STOP: nothing more is sent to them until they send START (kept in a JSON file so a
restart does not forget; SMS_OPT_OUT_FILE, default var/sms_opt_out.json)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})


def keyword(text: str | None) -> str | None:
    """'stop', 'STOP ' and 'Stop.' are STOP; 'stop the printer' is a sentence, not a keyword."""
    word = (text or "").strip().rstrip(".!").upper()
    return word if word in STOP_WORDS | START_WORDS | HELP_WORDS else None


class OptOutList:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._numbers = set(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            self._numbers = set()

    @classmethod
    def from_env(cls) -> OptOutList:
        return cls(Path(os.environ.get("SMS_OPT_OUT_FILE") or "var/sms_opt_out.json"))

    def opted_out(self, number: str) -> bool:
        return number in self._numbers

    def set(self, number: str, opted_out: bool) -> None:
        with self._lock:
            (self._numbers.add if opted_out else self._numbers.discard)(number)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(sorted(self._numbers)), encoding="utf-8")
            temporary.replace(self.path)
