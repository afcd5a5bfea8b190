"""Settings read from `KB_`-prefixed environment variables, once, at the entry point."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOURCE_DIR = Path("data/kb")
DEFAULT_INDEX_DIR = Path("var/kb_index")
DEFAULT_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class KBSettings:
    source_dir: Path = DEFAULT_SOURCE_DIR
    index_dir: Path = DEFAULT_INDEX_DIR
    model: str = DEFAULT_MODEL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KBSettings:
        env = os.environ if environ is None else environ
        return cls(
            source_dir=Path(env.get("KB_SOURCE_DIR") or DEFAULT_SOURCE_DIR),
            index_dir=Path(env.get("KB_INDEX_DIR") or DEFAULT_INDEX_DIR),
            model=env.get("KB_MODEL") or DEFAULT_MODEL,
        )
