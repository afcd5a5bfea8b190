"""Command line: start the service, or manage agent accounts in the same database."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys

from aiohttp import web

from handoff import db
from handoff.app import create_app
from handoff.errors import ConfigError, DatabaseUnavailable, DuplicateUser, LiveStateUnavailable, UserNotFound
from handoff.models import QUEUES
from handoff.privacy_cli import add_parser as add_privacy_parser
from handoff.privacy_cli import run as run_privacy
from handoff.routing import unknown_skills
from handoff.settings import load_settings, load_storage_settings
from handoff.store import Store
from handoff.users import ROLES, hash_password


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m handoff", description="Human handoff service")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the service (the default)")
    users = commands.add_parser("users", help="manage agent accounts").add_subparsers(dest="users_command")
    create = users.add_parser("create", help="create an agent account")
    create.add_argument("username")
    create.add_argument("--name", help="name customers see (default: the user name)")
    create.add_argument("--role", choices=ROLES, default="agent")
    create.add_argument(
        "--skills",
        default="",
        help="comma-separated queues the agent works, e.g. network,account (default: every queue)",
    )
    create.add_argument(
        "--password-env", metavar="VAR", help="read the password from this environment variable (else prompt)"
    )
    passwd = users.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    passwd.add_argument("--password-env", metavar="VAR")
    skills = users.add_parser("skills", help="set the queues an agent works (empty: every queue)")
    skills.add_argument("username")
    skills.add_argument("skills", help=f"comma-separated, from: {', '.join(QUEUES)}")
    users.add_parser("list", help="list agent accounts")
    add_privacy_parser(commands)
    return parser


def _skills(raw: str) -> list[str]:
    skills = [s.strip() for s in raw.split(",") if s.strip()]
    if unknown := unknown_skills(skills):
        raise ConfigError(f"unknown queue {', '.join(unknown)}; use {', '.join(QUEUES)}")
    return skills


def _password(var: str | None) -> str:
    if var:
        value = os.environ.get(var)
        if not value:
            raise ConfigError(f"environment variable {var} is empty or not set")
        return value
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise ConfigError("passwords do not match")
    return first


async def _users(args: argparse.Namespace) -> str:
    database = await db.open_database(load_storage_settings())
    try:
        store = Store(database)
        if args.users_command == "create":
            skills = _skills(args.skills)
            agent = await store.create_user(
                args.username,
                args.name or args.username,
                hash_password(_password(args.password_env)),
                args.role,
                skills,
            )
            return f"created {agent.role} {agent.username} (id {agent.id})"
        if args.users_command == "passwd":
            agent = await store.find_user(args.username)
            await store.set_password(agent.id, hash_password(_password(args.password_env)))
            return f"password changed for {agent.username}"
        if args.users_command == "skills":
            agent = await store.find_user(args.username)
            await store.set_skills(agent.id, _skills(args.skills))
            return f"{agent.username} works: {args.skills.strip() or 'every queue'}"
        return "\n".join(
            f"{a.username}\t{a.role}\t{a.display_name}\t{','.join(a.skills) or '*'}"
            for a in await store.list_users()
        )
    finally:
        await database.close()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("HANDOFF_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "users":
            # Account management needs only the database, not the service's secrets.
            print(asyncio.run(_users(args)))
            return 0
        if args.command == "privacy":
            print(run_privacy(args))
            return 0
        settings = load_settings()
    except (ConfigError, ValueError, DuplicateUser, UserNotFound, DatabaseUnavailable) as exc:
        message = (
            str(exc) if not isinstance(exc, DuplicateUser | UserNotFound) else f"{type(exc).__name__}: {exc}"
        )
        print(f"handoff: {message}", file=sys.stderr)
        return 2
    try:
        web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    except (DatabaseUnavailable, LiveStateUnavailable) as exc:
        print(f"handoff: cannot start: {exc}", file=sys.stderr)
        return 3
    return 0
