"""Handoff service configuration, read once from the environment at the entry point."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handoff.errors import ConfigError


class BusinessHours(BaseModel):
    """When people answer. Days are 0=Monday .. 6=Sunday; times are local to `timezone`."""

    model_config = {"frozen": True}

    timezone: str = "UTC"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    open: dt.time = dt.time(9, 0)
    close: dt.time = dt.time(17, 0)
    holidays: tuple[dt.date, ...] = ()
    always_open: bool = True  # no hours configured: staffed whenever an agent is online

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("days")
    @classmethod
    def _valid_days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(day < 0 or day > 6 for day in value):
            raise ValueError("days must be 0 (Monday) to 6 (Sunday)")
        return value


class ServiceLevels(BaseModel):
    """Target minutes to a first answer, per priority, in business time."""

    model_config = {"frozen": True}

    first_response_minutes_normal: int = Field(default=30, ge=1)
    first_response_minutes_high: int = Field(default=10, ge=1)
    offline_response_hours: int = Field(default=4, ge=1)
    minutes_per_conversation: int = Field(default=6, ge=1)


_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class StorageSettings(BaseSettings):
    """Where tickets and live state are kept. Unset URLs: the SQLite file `db` and this process's memory
    (one process, the default). `database_url` PostgreSQL and `redis_url` Redis: several processes can
    serve the same desk (docs/handoff-cluster.md)."""

    model_config = SettingsConfigDict(
        env_prefix="HANDOFF_", env_nested_delimiter="__", frozen=True, extra="ignore", populate_by_name=True
    )

    db: Path = Path("var/handoff.db")
    database_url: SecretStr | None = None  # HANDOFF_DATABASE_URL=postgresql://user:password@host:5432/name
    database_pool_size: int = Field(default=10, ge=2, le=200)
    database_timeout_seconds: float = Field(default=5.0, gt=0, le=300)  # connect / query, then 503
    database_wait_seconds: float = Field(
        default=30.0, ge=0, le=3600
    )  # at start, for a database still booting
    redis_url: SecretStr | None = None  # HANDOFF_REDIS_URL=redis://host:6379/0
    presence_ttl_seconds: float = Field(default=30.0, ge=2, le=3600)  # a dead process's consoles expire
    # Customers' files (a photo of an error), HANDOFF_ATTACHMENTS_DIR. Unset: "attachments" next to the
    # SQLite file, or var/attachments on PostgreSQL (there is no file). Every handoff process must share
    # this folder (the table says which files exist, the bytes are here): on several machines, a shared
    # mount. The privacy commands delete files here too, so they need the same value.
    attachments_dir: Path | None = None

    @property
    def files_dir(self) -> Path:
        if self.attachments_dir is not None:
            return self.attachments_dir
        return Path("var/attachments") if self.database_url is not None else self.db.parent / "attachments"

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(_POSTGRES_SCHEMES):
            raise ValueError("must be a PostgreSQL URL, postgresql://user:password@host:port/database")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(_REDIS_SCHEMES):
            raise ValueError("must be a Redis URL, redis://host:port/db (rediss:// for TLS)")
        return value


class Settings(StorageSettings):
    """All settings of the handoff service. `HANDOFF_` prefix; Rasa settings are shared names."""

    host: str = "127.0.0.1"
    port: int = Field(default=8300, ge=0, le=65535)
    api_token: SecretStr = Field(min_length=16)
    session_secret: SecretStr | None = Field(default=None, min_length=16)
    rasa_url: str = Field(
        default="http://127.0.0.1:5005", validation_alias=AliasChoices("RASA_URL", "HANDOFF_RASA_URL")
    )
    rasa_auth_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("RASA_AUTH_TOKEN", "HANDOFF_RASA_AUTH_TOKEN")
    )
    rasa_timeout_seconds: float = Field(default=10.0, gt=0)
    tracker_poll_seconds: float = Field(default=1.0, gt=0)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    hours: BusinessHours = BusinessHours()
    service_levels: ServiceLevels = ServiceLevels()
    public_rasa_url: str | None = None  # Rasa as the customer's browser reaches it (default: rasa_url)
    kb_dir: Path = Path("data/kb")  # the articles served as help pages at /help (the KB index's source)
    # The diagnostic scripts' handouts (`python -m actions.diagnostics handouts`), served at /help/scripts.
    handouts_dir: Path = Path("var/handouts")
    # The latest `python -m analytics report` output, linked for supervisors (HANDOFF_REPORT_FILE).
    report_file: Path = Path(__file__).resolve().parents[1] / "var" / "report.html"

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.hours.timezone)


def load_settings() -> Settings:
    """Read the environment; a missing or bad value raises ConfigError with a one-line message."""
    return _load(Settings)


def load_storage_settings() -> StorageSettings:
    """Only where the data is (the account and privacy commands need no service secrets)."""
    return _load(StorageSettings)


def _load(kind: type[StorageSettings]) -> Any:
    try:
        return kind()
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            loc = "__".join(str(part) for part in error["loc"]).upper()
            name = loc if loc.startswith(("RASA_", "HANDOFF_")) else f"HANDOFF_{loc}"
            problems.append(f"{name}: {error['msg']}")
        raise ConfigError("invalid handoff settings: " + "; ".join(problems)) from None
