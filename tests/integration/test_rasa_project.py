"""The Rasa project itself: training data validates, and the HTTP API is protected by the token."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from stack import paths
from stack.prepare import ensure_model, offline_env
from stack.services import Stack


def run_rasa(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the Rasa CLI of .venv-rasa from the repo root, as `make run` would."""
    return subprocess.run(
        [str(paths.RASA_BIN), *args],
        cwd=paths.REPO_ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_rasa_data_validate_passes() -> None:
    data = [str(d) for d in paths.TRAINING_DATA_DIRS]
    result = run_rasa(
        "data", "validate", "--fail-on-warnings", "--config", str(paths.CONFIG_FILE),
        "--domain", str(paths.DOMAIN_DIR), "--data", *data,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.mark.integration
def test_http_api_refuses_requests_without_the_token(stack: Stack) -> None:
    without = httpx.get(f"{stack.rasa_url}/status", timeout=10.0)
    wrong = httpx.get(f"{stack.rasa_url}/status", params={"token": "not-the-token"}, timeout=10.0)
    right = httpx.get(f"{stack.rasa_url}/status", params={"token": stack.rasa_token}, timeout=10.0)
    assert without.status_code == 401
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert right.json()["model_file"].endswith(".tar.gz")


@pytest.mark.integration
def test_custom_actions_run_on_the_rasa_sdk_server(stack: Stack) -> None:
    """rasa-sdk 3.21 (Python 3.11) serves the Rasa 3.6 server: the action server lists our actions."""
    reply = httpx.get(f"{stack.action_url}/actions", timeout=10.0)
    assert reply.status_code == 200
    names = {action["name"] for action in reply.json()}
    assert {"action_answer_from_kb", "action_request_human"} <= names


@pytest.mark.slow
def test_rasa_test_stories_for_every_uncertainty_path_pass(tmp_path: Path) -> None:
    """`rasa test core` on data/tests/: the customer's words go through the trained NLU, and every path
    (fallback → KB, complaint → apology + person, ask for a person, ...) predicts the expected actions."""
    model = ensure_model()
    stories = paths.REPO_ROOT / "data" / "tests"
    result = run_rasa(
        "test", "core", "--model", str(model), "--stories", str(stories), "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "None of the test stories failed" in report, report[-4000:]
