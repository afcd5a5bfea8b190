"""Titles and tags of the knowledge base's Markdown articles (the same folder the help pages serve)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.DOTALL)


def article_texts(kb_dir: Path) -> dict[str, str]:
    """doc id -> 'title. tags' for every .md article; a folder that does not exist gives none."""
    found: dict[str, str] = {}
    if not kb_dir.is_dir():
        return found
    for path in sorted(kb_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        match = _FRONT.match(text)
        meta = {}
        if match:
            try:
                meta = yaml.safe_load(match.group(1)) or {}
            except yaml.YAMLError:
                meta = {}
        if not isinstance(meta, dict):
            meta = {}
        title = str(meta.get("title") or path.stem.replace("-", " "))
        tags = meta.get("tags") or []
        found[path.stem] = f"{title}. {', '.join(map(str, tags)) if isinstance(tags, list) else tags}"
    return found
