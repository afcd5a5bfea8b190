"""`python -m handoff privacy ...`: export or erase one customer's data, purge old data, read the audit log.

    python -m handoff privacy export --customer rest:alice [--out alice.json]
    python -m handoff privacy erase --customer rest:alice --yes
    python -m handoff privacy purge [--days 90]
    python -m handoff privacy audit

The handoff DB is $HANDOFF_DB (var/handoff.db); Rasa's tracker DB is --tracker-db, else
$HANDOFF_TRACKER_DB, else $TRACKER_DB, else var/rasa_tracker.db.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
from pathlib import Path

from handoff import db
from handoff.errors import ConfigError
from handoff.privacy_store import CustomerKey, PrivacyStore

DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    raw = os.environ.get("HANDOFF_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"HANDOFF_RETENTION_DAYS must be a whole number of days, at least 1 (got {raw!r})")
    return int(raw)


def tracker_db(given: str | None = None) -> Path:
    return Path(
        given or os.environ.get("HANDOFF_TRACKER_DB") or os.environ.get("TRACKER_DB") or "var/rasa_tracker.db"
    )


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    privacy = commands.add_parser("privacy", help="export, erase or purge customer data")
    sub = privacy.add_subparsers(dest="privacy_command", required=True)
    for name, text in (("export", "write everything held about a customer as JSON"),
                       ("erase", "remove everything held about a customer from every store")):  # fmt: skip
        command = sub.add_parser(name, help=text)
        command.add_argument("--customer", required=True, metavar="CHANNEL:USER_ID", help="e.g. rest:alice")
        command.add_argument("--tracker-db", help="Rasa's SQLite tracker store")
        command.add_argument("--actor", default=getpass.getuser(), help="who asked (for the audit log)")
        if name == "export":
            command.add_argument("--out", type=Path, help="file to write (default: standard output)")
        else:
            command.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    purge = sub.add_parser("purge", help="purge conversations and tickets older than the retention period")
    purge.add_argument(
        "--days", type=int, help=f"default $HANDOFF_RETENTION_DAYS or {DEFAULT_RETENTION_DAYS}"
    )
    purge.add_argument("--tracker-db")
    sub.add_parser("audit", help="list exports, erasures and purges")


async def _migrated(path: Path) -> None:
    conn = await db.connect(path)
    await conn.close()


def run(args: argparse.Namespace) -> str:
    handoff_db = Path(os.environ.get("HANDOFF_DB", "var/handoff.db"))
    asyncio.run(_migrated(handoff_db))
    files = os.environ.get("HANDOFF_ATTACHMENTS_DIR")
    store = PrivacyStore(
        handoff_db, tracker_db(getattr(args, "tracker_db", None)), Path(files) if files else None
    )
    if args.privacy_command == "export":
        data = json.dumps(
            store.export(CustomerKey.parse(args.customer), args.actor), indent=2, ensure_ascii=False
        )
        if args.out is None:
            return data
        args.out.write_text(data + "\n", encoding="utf-8")
        return f"wrote {args.out}"
    if args.privacy_command == "erase":
        customer = CustomerKey.parse(args.customer)
        if not args.yes:
            raise ConfigError("erasing cannot be undone: add --yes to confirm")
        counts = store.erase(customer, args.actor)
        removed = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or "nothing was held"
        return f"erased {customer.channel}:{customer.user_id}: {removed}"
    if args.privacy_command == "purge":
        days = args.days if args.days is not None else retention_days()
        counts = store.purge_older_than(days, actor="retention command")
        return f"purged data older than {days} days: " + (
            ", ".join(f"{n} {what}" for what, n in counts.items()) or "nothing that old"
        )
    return "\n".join(
        f"{row['at']}\t{row['action']}\t{row['actor']}\t{row['customer_hash'] or '-'}\t{row['details']}"
        for row in store.audit_log()
    )
