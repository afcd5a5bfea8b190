"""Fixtures for the NLU component tests: the real exported ONNX model (exported once, reused if valid)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def onnx_dir() -> Path:
    from bot.onnx.export import export

    out = REPO / "var" / "models" / "minilm-onnx"
    export(out)
    return out
