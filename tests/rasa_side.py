"""Run Python in the Rasa venv from a test (the app venv cannot import Rasa) and read the JSON it prints last."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from stack import paths


def run_in_rasa(argv: Sequence[str], env: Mapping[str, str], timeout: float | None = None) -> Any:
    """The Rasa venv's python with `argv` ("-c", SCRIPT, args or "-m", module, args) in the repository, with `env`
    as its whole environment and the repository on PYTHONPATH; the JSON its last line of output holds. A non-zero
    exit fails the test with the end of its stderr."""
    done = subprocess.run(
        [str(paths.RASA_PYTHON), *argv],
        cwd=paths.REPO_ROOT,
        env={**env, "PYTHONPATH": str(paths.REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
