"""The one interface the store runs on, whichever database holds the tickets.

Statements use `?` placeholders (SQLite's); the PostgreSQL implementation translates them. Rows can be read
by column name or position (sqlite3.Row and asyncpg.Record both allow that). Driver errors come out as
`DatabaseUnavailable` (the database is down: a 503 for the caller) or `UniqueViolation`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar, Literal, Protocol

Params = Sequence[Any]
Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Any: ...


class Queries(ABC):
    """Statements on one connection (inside a transaction) or on the database (each on its own)."""

    @abstractmethod
    async def fetch(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT into a table with an `id` key; the new row's id."""


class Database(Queries):
    dialect: ClassVar[Dialect]

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        """All statements in the block commit together, or none does."""

    @abstractmethod
    def exclusive(self, name: str) -> AbstractAsyncContextManager[bool]:
        """True inside the block when no other process holds `name` (work that one process must do at a
        time, e.g. copying Rasa's messages into tickets); False when another one does."""

    @abstractmethod
    async def migrate(self) -> int:
        """Apply the numbered migrations not applied yet; the schema version."""

    @abstractmethod
    async def table_columns(self) -> dict[str, set[str]]:
        """Every table of the schema and its columns (privacy export and erasure find related rows)."""

    @abstractmethod
    async def close(self) -> None: ...
