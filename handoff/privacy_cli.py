"""`python -m handoff privacy ...`: export or erase one customer's data, purge old data, read the audit log.

    python -m handoff privacy export --customer rest:alice [--out alice.json]
    python -m handoff privacy erase --customer rest:alice --yes
    python -m handoff privacy purge [--days 90]
    python -m handoff privacy audit

The handoff DB is the service's own ($HANDOFF_DATABASE_URL, else $HANDOFF_DB, var/handoff.db); Rasa's tracker DB is --tracker-db, else
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
from handoff.settings import StorageSettings, load_storage_settings

DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    raw = os.environ.get("HANDOFF_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"HANDOFF_RETENTION_DAYS must be a whole number of days, at least 1 (got {raw!r})")
    return int(raw)


def tracker_db(given: str | None = None) -> Path | str:
    """Rasa's tracker store: a SQLite file, or the postgresql:// URL Rasa itself uses in the cluster."""
    value = (
        given or os.environ.get("HANDOFF_TRACKER_DB") or os.environ.get("TRACKER_DB") or "var/rasa_tracker.db"
    )
    return value if value.startswith(("postgresql://", "postgres://")) else Path(value)


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


def run(args: argparse.Namespace) -> str:
    return asyncio.run(_run(args, load_storage_settings()))


async def _run(args: argparse.Namespace, storage: StorageSettings) -> str:
    database = await db.open_database(storage)
    try:
        store = PrivacyStore(database, tracker_db(getattr(args, "tracker_db", None)), storage.files_dir)
        return await _command(args, store)
    finally:
        await database.close()


async def _command(args: argparse.Namespace, store: PrivacyStore) -> str:
    if args.privacy_command == "export":
        customer = CustomerKey.parse(args.customer)
        data = json.dumps(await store.export(customer, args.actor), indent=2, ensure_ascii=False)
        if args.out is None:
            return data
        args.out.write_text(data + "\n", encoding="utf-8")
        return f"wrote {args.out}"
    if args.privacy_command == "erase":
        customer = CustomerKey.parse(args.customer)
        if not args.yes:
            raise ConfigError("erasing cannot be undone: add --yes to confirm")
        counts = await store.erase(customer, args.actor)
        removed = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or "nothing was held"
        return f"erased {customer.channel}:{customer.user_id}: {removed}"
    if args.privacy_command == "purge":
        days = args.days if args.days is not None else retention_days()
        counts = await store.purge_older_than(days, actor="retention command")
        return f"purged data older than {days} days: " + (
            ", ".join(f"{n} {what}" for what, n in counts.items()) or "nothing that old"
        )
    return "\n".join(
        f"{row['at']}\t{row['action']}\t{row['actor']}\t{row['customer_hash'] or '-'}\t{row['details']}"
        for row in await store.audit_log()
    )
