"""Where the stores are and how the desk works: the same environment variables the services read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handoff.settings import BusinessHours, ServiceLevels

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class AnalyticsError(Exception):
    """A problem the user can fix (bad setting, missing database, bad date); printed as one line."""


class Targets(BaseSettings):
    """What the desk aims for; the KPI table compares against these (ANALYTICS_TARGETS__...)."""

    model_config = SettingsConfigDict(frozen=True)

    assistant_resolution_share: float = 0.40
    handoff_share_max: float = 0.40
    first_contact_resolution: float = 0.70
    reopen_rate_max: float = 0.05
    within_service_level: float = 0.90
    satisfaction_mean: float = 4.2
    satisfaction_share_4_5: float = 0.80
    survey_response_rate: float = 0.30
    resolution_hours_median: float = 8.0


class AnalyticsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_nested_delimiter="__", frozen=True, extra="ignore", env_ignore_empty=True
    )

    handoff_db: Path = Field(default=Path("var/handoff.db"), validation_alias=AliasChoices("HANDOFF_DB"))
    # The handoff service on PostgreSQL (docs/handoff-cluster.md): tickets are read from there instead.
    handoff_database_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("HANDOFF_DATABASE_URL")
    )
    # Rasa's tracker store, named as the handoff service's privacy commands name it (handoff/privacy_cli.py):
    # HANDOFF_TRACKER_DB, else Rasa's own TRACKER_DB. A SQLite file, or a postgresql:// URL (the cluster).
    tracker_db: Path | str = Field(
        default=Path("var/rasa_tracker.db"), validation_alias=AliasChoices("HANDOFF_TRACKER_DB", "TRACKER_DB")
    )
    kb_dir: Path = Field(default=Path("data/kb"), validation_alias=AliasChoices("HANDOFF_KB_DIR"))
    hours: BusinessHours = Field(default=BusinessHours(), validation_alias=AliasChoices("HANDOFF_HOURS"))
    service_levels: ServiceLevels = Field(
        default=ServiceLevels(), validation_alias=AliasChoices("HANDOFF_SERVICE_LEVELS")
    )
    targets: Targets = Field(default_factory=Targets, validation_alias=AliasChoices("ANALYTICS_TARGETS"))

    @field_validator("tracker_db", mode="before")
    @classmethod
    def _path_or_url(cls, value: Any) -> Path | str:
        """A postgresql:// URL stays a string (a Path would fold its '//'); anything else is a file."""
        text = str(value).strip()
        if text.startswith(POSTGRES_SCHEMES):
            return text
        if "://" in text:
            raise ValueError("must be a SQLite file or a PostgreSQL URL, postgresql://user:password@host/db")
        return Path(text)

    @field_validator("handoff_database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(POSTGRES_SCHEMES):
            raise ValueError("must be a PostgreSQL URL, postgresql://user:password@host:port/database")
        return value


def load_settings() -> AnalyticsSettings:
    try:
        return AnalyticsSettings()
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)
        ]
        raise AnalyticsError("invalid settings: " + "; ".join(problems)) from None
