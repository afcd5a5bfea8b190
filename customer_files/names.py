"""The name a customer's file is stored and downloaded under: no path, no control characters, at most
120 characters, ending in an extension of its checked kind (a PNG named "run.exe" downloads as
"run.exe.png", so no program ever starts from it)."""

from __future__ import annotations

import re
import unicodedata

from customer_files.kinds import FileKind

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(given: str | None, kind: FileKind) -> str:
    name = unicodedata.normalize("NFC", given or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    base = name[:MAX_NAME_CHARS] or "file"
    if not base.lower().endswith(kind.extensions):
        base = base[: MAX_NAME_CHARS - len(kind.extensions[0])] + kind.extensions[0]
    return base
