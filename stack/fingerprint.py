"""Content fingerprint of everything that shapes the trained Rasa model."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from stack import paths

FINGERPRINT_LENGTH = 16


def model_inputs() -> list[Path]:
    """Files whose content decides the model: config, domain, training data, custom component code."""
    files: list[Path] = [paths.CONFIG_FILE, paths.REPO_ROOT / "requirements" / "rasa.txt"]
    for directory in (paths.DOMAIN_DIR, *paths.TRAINING_DATA_DIRS):
        files.extend(sorted(p for p in directory.rglob("*") if p.suffix in {".yml", ".yaml"}))
    files.extend(sorted((paths.REPO_ROOT / "bot" / "components").rglob("*.py")))
    return [f for f in files if f.is_file()]


def fingerprint_files(files: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:FINGERPRINT_LENGTH]


def model_fingerprint() -> str:
    return fingerprint_files(model_inputs(), paths.REPO_ROOT)
