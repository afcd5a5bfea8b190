from __future__ import annotations

from pathlib import Path

import pytest

from actions.diagnostics.catalog import REPO_ROOT, kb_titles, load_scripts
from actions.diagnostics.engine import Engine

SCRIPTS = REPO_ROOT / "data" / "diagnostics"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(load_scripts(SCRIPTS), kb_titles(REPO_ROOT / "data" / "kb"))


@pytest.fixture
def scripts_dir() -> Path:
    return SCRIPTS
