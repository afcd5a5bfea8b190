"""Request types and the fields each one needs, read from data/requests/*.yml (not code)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from handoff.models import QUEUES

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "requests"
FIELDS_FILE = "_fields.yml"


class RequestField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slot: str = Field(pattern=r"^request_[a-z_]+$")
    label: str = Field(min_length=1, max_length=100)
    ask: str = Field(min_length=1, max_length=300)


class RequestType(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1, max_length=100)
    queue: str
    fulfilment_hours: int = Field(ge=1, le=24 * 60)
    keywords: tuple[str, ...] = Field(min_length=1)
    fields: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_queue(self) -> RequestType:
        if self.queue not in QUEUES:
            raise ValueError(f"queue {self.queue!r} is not a handoff queue ({', '.join(QUEUES)})")
        return self

    def score(self, text: str) -> int:
        """How strongly `text` names this type: the letters of the keywords it contains (phrases weigh more)."""
        lowered = text.lower()
        return sum(len(k) for k in self.keywords if _contains(lowered, k.lower()))


def _contains(text: str, keyword: str) -> bool:
    if not keyword[0].isalnum():
        return keyword in text
    return re.search(rf"\b{re.escape(keyword)}", text) is not None


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    fields: dict[str, RequestField]
    types: dict[str, RequestType]

    @model_validator(mode="after")
    def _fields_exist(self) -> Catalogue:
        for kind in self.types.values():
            unknown = [f for f in kind.fields if f not in self.fields]
            if unknown:
                raise ValueError(f"request type {kind.id}: unknown fields {unknown} (see {FIELDS_FILE})")
        return self

    def classify(self, text: str) -> RequestType | None:
        """The request type `text` names most strongly, or None when it names none."""
        scored = [(kind.score(text), kind.id) for kind in self.types.values()]
        best, kind_id = max(scored, default=(0, ""))
        return self.types[kind_id] if best > 0 else None

    def slots_for(self, kind: RequestType) -> list[str]:
        return [self.fields[f].slot for f in kind.fields]

    def field_of_slot(self, slot: str) -> RequestField | None:
        return next((f for f in self.fields.values() if f.slot == slot), None)


def load(directory: Path) -> Catalogue:
    """Read and check every request type file; a broken file raises ValueError naming it."""
    fields_path = directory / FIELDS_FILE
    try:
        fields = {k: RequestField(**v) for k, v in (yaml.safe_load(fields_path.read_text()) or {}).items()}
        types: dict[str, RequestType] = {}
        for path in sorted(directory.glob("*.yml")):
            if path.name == FIELDS_FILE:
                continue
            kind = RequestType(**(yaml.safe_load(path.read_text()) or {}))
            if kind.id in types:
                raise ValueError(f"{path.name}: request type {kind.id!r} is defined twice")
            types[kind.id] = kind
    except (OSError, yaml.YAMLError, TypeError, ValueError) as exc:
        raise ValueError(f"request types in {directory}: {exc}") from exc
    if not types:
        raise ValueError(f"no request types in {directory}")
    return Catalogue(fields=fields, types=types)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load(Path(os.environ.get("REQUEST_TYPES_DIR", DEFAULT_DIR)))
