"""Customers' files on disk: one file per attachment under the attachments folder, named by a random id
(never by anything the customer chose), readable by the service's user only. Writes happen in a worker
thread and go through a temporary name, so a half-written file is never served."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from pathlib import Path

_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


class AttachmentFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(18)

    def path(self, attachment_id: str) -> Path:
        if not _ID.fullmatch(attachment_id):
            raise ValueError("not an attachment id")
        return self.folder / attachment_id

    async def write(self, attachment_id: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.path(attachment_id), data)

    def _write(self, target: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(target.name + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)

    async def delete(self, attachment_id: str) -> None:
        await asyncio.to_thread(self.path(attachment_id).unlink, missing_ok=True)
