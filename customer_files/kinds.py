"""What a file really is, read from its content (magic numbers), never from the name or the app's word.

Accepted: PNG, JPEG, GIF, WebP, PDF, and plain text that is valid UTF-8 without control bytes. Anything
else (an .exe renamed .png, HTML, archives, videos) is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILE_LABEL = "10 MB"
ACCEPTED_LABEL = "pictures (PNG, JPEG, GIF, WebP), PDF or plain text files"
# Bytes a binary signature needs (WebP: "RIFF" + 4 size bytes + "WEBP").
SIGNATURE_BYTES = 12
# Control characters a text file may not hold (tab, line feed, form feed and carriage return are fine).
# One regular-expression scan: a 10 MB file is checked in milliseconds, not a second of event loop.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]  # the first one is added to a download name that has none of them
    label: str


PNG = FileKind("image/png", (".png",), "PNG picture")
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"), "JPEG picture")
GIF = FileKind("image/gif", (".gif",), "GIF picture")
WEBP = FileKind("image/webp", (".webp",), "WebP picture")
PDF = FileKind("application/pdf", (".pdf",), "PDF document")
TEXT = FileKind("text/plain; charset=utf-8", (".txt", ".log"), "text file")
KINDS: tuple[FileKind, ...] = (PNG, JPEG, GIF, WEBP, PDF, TEXT)


def binary_kind(head: bytes) -> FileKind | None:
    """The picture or PDF kind the first bytes announce, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


def kind_of(data: bytes) -> FileKind | None:
    """The accepted kind of a whole file, or None when it is not one we take (or is empty)."""
    if not data:
        return None
    return binary_kind(data[:SIGNATURE_BYTES]) or (TEXT if is_plain_text(data) else None)


def might_be_accepted(head: bytes) -> bool:
    """Whether the first bytes can still turn out acceptable (lets a download stop early)."""
    if binary_kind(head[:SIGNATURE_BYTES]) is not None:
        return True
    # Text: the first bytes must decode, allowing a multi-byte character cut at the end.
    return any(is_plain_text(head[: len(head) - cut] if cut else head) for cut in range(4))
