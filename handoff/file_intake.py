"""A customer's file arriving from a messaging-app channel: checked again here (size, and the kind read
from its first bytes: the service never trusts the caller's word), stripped of its metadata (a photo's GPS
position), written to disk, recorded with the conversation's open ticket (or kept for the ticket the
conversation opens later) and shown live in the consoles."""

from __future__ import annotations

import asyncio
import hashlib
import logging

from customer_files.kinds import ACCEPTED_LABEL, MAX_FILE_BYTES, MAX_FILE_LABEL, kind_of
from customer_files.metadata import without_metadata
from customer_files.names import safe_name
from handoff.attachment_files import AttachmentFiles
from handoff.hub import Hub
from handoff.models import Attachment, utc_now
from handoff.privacy_text import redacted
from handoff.store import Store

log = logging.getLogger(__name__)


class FileRefused(Exception):
    """The file is not one we store; `status` is the HTTP answer (413 too big, 415 wrong kind)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


TOO_BIG = f"the file is larger than {MAX_FILE_LABEL}"
WRONG_KIND = f"only {ACCEPTED_LABEL} (UTF-8) are accepted"


async def receive_file(
    store: Store, files: AttachmentFiles, hub: Hub, conversation_id: str, channel: str, name: str, data: bytes
) -> Attachment:
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(413, TOO_BIG)
    # A big text file takes tens of milliseconds to check: not on the event loop.
    kind = await asyncio.to_thread(kind_of, data) if len(data) > 256 * 1024 else kind_of(data)
    if kind is None:
        raise FileRefused(415, WRONG_KIND)
    data = await asyncio.to_thread(without_metadata, data, kind)  # GPS position and the like never stored
    ticket = await store.open_ticket_for_conversation(conversation_id)
    item = Attachment(
        id=files.new_id(),
        name=safe_name(redacted(name) or "", kind),  # a file name can hold an email or a card number
        content_type=kind.content_type,
        size=len(data),
        received_at=utc_now(),
        ticket_id=ticket.ticket_id if ticket else None,
    )
    await files.write(item.id, data)
    digest = await asyncio.to_thread(lambda: hashlib.sha256(data).hexdigest())
    try:
        await store.add_attachment(conversation_id, channel, item, digest)
    except Exception:
        await files.delete(item.id)  # no file on disk without its row
        raise
    if ticket is None:
        # A ticket opened (on this or another handoff process) between the look-up and the insert linked
        # the conversation's files before this row existed: link it now.
        ticket = await store.open_ticket_for_conversation(conversation_id)
        if ticket is not None:
            await store.link_attachments(conversation_id, ticket.ticket_id)
            item = item.model_copy(update={"ticket_id": ticket.ticket_id})
    log.info(
        "conversation %s: stored a %s of %d bytes (%s)",
        conversation_id,
        kind.label,
        item.size,
        f"ticket {ticket.ticket_id}" if ticket else "no ticket yet",
    )
    if ticket is not None:
        await hub.tell_about(
            ticket,
            {"type": "attachment", "ticket_id": ticket.ticket_id, "attachment": item.model_dump(mode="json")},
        )
    return item
