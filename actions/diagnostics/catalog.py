"""Where scripts and KB articles live, and cached loaders for them."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import yaml

from actions.diagnostics.engine import Engine
from actions.diagnostics.errors import ScriptError
from actions.diagnostics.schema import Script, load_script

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS_DIR_ENV = "DIAGNOSTICS_DIR"
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def scripts_dir() -> Path:
    return Path(os.environ.get(SCRIPTS_DIR_ENV) or REPO_ROOT / "data" / "diagnostics")


def kb_dir() -> Path:
    return REPO_ROOT / "data" / "kb"


def load_scripts(directory: Path) -> dict[str, Script]:
    """All `*.yml`/`*.yaml` scripts of a directory, by id."""
    if not directory.is_dir():
        raise ScriptError(f"{directory}: not a directory")
    scripts: dict[str, Script] = {}
    for path in sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")]):
        script = load_script(path)
        if script.id in scripts:
            raise ScriptError(f"{path}: duplicate script id {script.id!r}")
        scripts[script.id] = script
    return scripts


def kb_titles(directory: Path) -> dict[str, str]:
    """KB article id (file name without extension) -> title, for help links and lint."""
    titles: dict[str, str] = {}
    if not directory.is_dir():
        return titles
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in (".md", ".markdown", ".html", ".txt", ".pdf"):
            continue
        title = path.stem.replace("-", " ").capitalize()
        if path.suffix.lower() in (".md", ".markdown"):
            try:
                match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
                meta = yaml.safe_load(match.group(1)) if match else None
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                meta = None
            if isinstance(meta, dict) and meta.get("title"):
                title = str(meta["title"])
        titles[path.stem] = title
    return titles


@functools.cache
def get_engine() -> Engine:
    """The engine over the repository's scripts, loaded once (tests may call get_engine.cache_clear())."""
    from actions.diagnostics.answers import get_answer_model

    return Engine(load_scripts(scripts_dir()), kb_titles(kb_dir()), answer_model=get_answer_model)
