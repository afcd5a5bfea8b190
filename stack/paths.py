"""Fixed locations inside the repository."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
LOG_DIR = VAR_DIR / "logs"
MODELS_DIR = REPO_ROOT / "models"
RASA_VENV = REPO_ROOT / ".venv-rasa"
APP_VENV = REPO_ROOT / ".venv"
RASA_BIN = RASA_VENV / "bin" / "rasa"
RASA_PYTHON = RASA_VENV / "bin" / "python"
APP_PYTHON = APP_VENV / "bin" / "python"

CONFIG_FILE = REPO_ROOT / "config.yml"
DOMAIN_DIR = REPO_ROOT / "bot" / "domain"
ENDPOINTS_FILE = REPO_ROOT / "bot" / "endpoints.yml"
CREDENTIALS_FILE = REPO_ROOT / "bot" / "credentials.yml"
TRAINING_DATA_DIRS = tuple(REPO_ROOT / "data" / name for name in ("nlu", "rules", "stories"))
KB_SOURCE_DIR = REPO_ROOT / "data" / "kb"
SCRIPTS_DIR = REPO_ROOT / "data" / "diagnostics"
# Every diagnostic script as a printable handout (JSON), served by the handoff service at /help/scripts.
HANDOUTS_DIR = VAR_DIR / "handouts"
ONNX_MODEL_DIR = VAR_DIR / "models" / "minilm-onnx"
