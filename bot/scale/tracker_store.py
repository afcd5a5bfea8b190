"""Where conversations are stored: ``TRACKER_DB`` is a SQLite file (one instance, ``make run``) or a
``postgresql://user:password@host:port/database`` URL (several Rasa instances share it).

This is Rasa's ``SQLTrackerStore`` with two changes that matter once the database is a server:
- every connection taken from the pool is checked first (``pool_pre_ping``), so after PostgreSQL restarts
  the first message is answered instead of failing on a dead pooled connection;
- connecting gives up after ``connect_timeout`` (5 s unless the URL says otherwise), since the queries run
  inside Rasa's event loop and a hanging connect would stall every conversation of the instance.
A failed read or write is never hidden: see ``bot/scale/tracker_failures.py``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5


class TrackerStoreConfigError(RuntimeError):
    """TRACKER_DB names neither a SQLite file nor a PostgreSQL database. Not an ImportError or
    AttributeError on purpose: Rasa answers those by silently keeping conversations in memory."""


def postgres_url(value: str) -> str:
    """``value`` as an SQLAlchemy PostgreSQL URL with a connect timeout; ``TrackerStoreConfigError`` if it
    is not one."""
    parts = urlsplit(value)
    scheme = {"postgres": "postgresql", "postgresql": "postgresql", "postgresql+psycopg2": "postgresql"}.get(
        parts.scheme
    )
    if scheme is None:
        raise TrackerStoreConfigError(
            f"TRACKER_DB must be a SQLite file path or a postgresql:// URL, not a {parts.scheme}:// URL"
        )
    if not parts.hostname or not parts.path.strip("/"):
        raise TrackerStoreConfigError(
            "TRACKER_DB must name the host and the database: postgresql://user:password@host:5432/database"
        )
    query = dict(parse_qsl(parts.query))
    query.setdefault("connect_timeout", str(CONNECT_TIMEOUT_SECONDS))
    return urlunsplit((scheme, parts.netloc, parts.path, urlencode(query), ""))


class ClusterSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` on the database ``TRACKER_DB`` names (passed by endpoints.yml as ``db``)."""

    def __init__(self, db: str = "", host: str | None = None, **kwargs: Any) -> None:
        db = (db or "").strip()
        if not db:
            raise TrackerStoreConfigError(
                "TRACKER_DB is empty: give a SQLite file path or a postgresql:// URL"
            )
        kwargs.pop("dialect", None)
        if "://" not in db:
            super().__init__(dialect="sqlite", db=db, **kwargs)
            return
        url = postgres_url(db)
        # A full URL in `host` is used as it is (SQLTrackerStore.get_db_url).
        super().__init__(host=url, **kwargs)
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        log.info(
            "Conversations are stored in PostgreSQL at %s",
            self.engine.url.render_as_string(hide_password=True),
        )
