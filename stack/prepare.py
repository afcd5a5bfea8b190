"""Build what the servers need, only when its inputs changed.

Each step is idempotent and cheap when nothing changed, so `make run` and the test fixtures can call them
every time.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack import paths
from stack.fingerprint import model_fingerprint

logger = logging.getLogger(__name__)


class PrepareError(RuntimeError):
    """A build step failed; the message says which and where its log is."""


def offline_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for child processes: offline model loading, repo importable, quiet TensorFlow."""
    env = dict(os.environ)
    env.update(
        {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(paths.REPO_ROOT),
            "PYTHONUNBUFFERED": "1",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TQDM_DISABLE": "1",
            # Rasa reports usage and crashes to its servers (Segment, Sentry) unless told not to.
            "RASA_TELEMETRY_ENABLED": "false",
        }
    )
    env.setdefault("MINILM_ONNX_DIR", str(paths.ONNX_MODEL_DIR))
    if extra:
        env.update(extra)
    return env


@contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Serialise a build step across processes (parallel test sessions share models/)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_step(name: str, command: list[str], log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w", encoding="utf-8") as log:
        result = subprocess.run(
            command, cwd=paths.REPO_ROOT, env=offline_env(), stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        tail = "\n".join(log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise PrepareError(f"{name} failed (exit {result.returncode}); full log: {log_file}\n{tail}")


def ensure_onnx_model() -> Path:
    """Export MiniLM to ONNX for the Rasa runtime (the exporter itself skips a valid existing export)."""
    with file_lock(paths.VAR_DIR / "locks" / "onnx.lock"):
        run_step(
            "ONNX export of all-MiniLM-L6-v2",
            [str(paths.APP_PYTHON), "-m", "bot.onnx.export", "--out", str(paths.ONNX_MODEL_DIR)],
            paths.LOG_DIR / "onnx-export.log",
        )
    return paths.ONNX_MODEL_DIR


def ensure_kb_index(index_dir: Path, source_dir: Path = paths.KB_SOURCE_DIR) -> Path:
    """Build or incrementally update the FAISS index (only changed articles are re-embedded)."""
    with file_lock(paths.VAR_DIR / "locks" / f"kb-{index_dir.name}.lock"):
        run_step(
            "Knowledge base build",
            [
                str(paths.APP_PYTHON),
                "-m",
                "knowledge_base",
                "build",
                "--source",
                str(source_dir),
                "--index",
                str(index_dir),
            ],
            paths.LOG_DIR / "kb-build.log",
        )
    return index_dir


def ensure_handouts(folder: Path = paths.HANDOUTS_DIR) -> Path:
    """Write every diagnostic script's handout (a second, cheap: done every time)."""
    with file_lock(paths.VAR_DIR / "locks" / "handouts.lock"):
        run_step(
            "Script handouts",
            [str(paths.APP_PYTHON), "-m", "actions.diagnostics", "handouts", "--out", str(folder)],
            paths.LOG_DIR / "handouts.log",
        )
    return folder


def ensure_model() -> Path:
    """Return models/<fingerprint>.tar.gz, training it only if no model has this fingerprint."""
    fingerprint = model_fingerprint()
    model_path = paths.MODELS_DIR / f"{fingerprint}.tar.gz"
    with file_lock(paths.MODELS_DIR / ".train.lock"):
        if model_path.exists():
            logger.info("Rasa model %s is up to date", model_path.name)
            return model_path
        logger.info("Training the Rasa model (data, domain or config changed): %s", model_path.name)
        run_step(
            "Rasa training",
            [
                str(paths.RASA_BIN),
                "train",
                "--config",
                str(paths.CONFIG_FILE),
                "--domain",
                str(paths.DOMAIN_DIR),
                "--data",
                *[str(d) for d in paths.TRAINING_DATA_DIRS],
                "--out",
                str(paths.MODELS_DIR),
                "--fixed-model-name",
                fingerprint,
            ],
            paths.LOG_DIR / "rasa-train.log",
        )
    if not model_path.exists():
        raise PrepareError(f"Rasa training finished but {model_path} is missing; see var/logs/rasa-train.log")
    return model_path
