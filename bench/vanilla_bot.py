"""The starter bot of `rasa init`, untouched, as the yardstick of `bench/load.py` (the README's side-by-side row).

It is created and trained once with the Rasa venv into var/bench/rasa-init/ (about a minute, then cached) and
served by `rasa run` on a free port with the REST and socket.io channels and Rasa's defaults otherwise
(in-memory tracker and lock store, no action server: the starter bot has no custom actions).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack import paths
from stack.ports import free_port
from stack.prepare import file_lock, offline_env, run_step
from stack.process import ServiceProcess
from stack.secrets import new_secret

VANILLA_DIR = paths.VAR_DIR / "bench" / "rasa-init"
HOST = "127.0.0.1"
# The same two channels the assistant serves (python-socketio 5.9 in the Rasa venv, so the session room works).
CREDENTIALS = """rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


def ensure_vanilla_model(project: Path = VANILLA_DIR) -> Path:
    """The trained starter bot's model file, made by `rasa init --no-prompt` the first time."""
    with file_lock(paths.VAR_DIR / "locks" / "bench-rasa-init.lock"):
        found = sorted((project / "models").glob("*.tar.gz"))
        if not found:
            project.mkdir(parents=True, exist_ok=True)
            run_step(
                "rasa init (the vanilla starter bot)",
                [str(paths.RASA_BIN), "init", "--no-prompt", "--init-dir", str(project)],
                paths.LOG_DIR / "bench-rasa-init.log",
            )
            found = sorted((project / "models").glob("*.tar.gz"))
        if not found:
            raise RuntimeError(
                f"rasa init finished but {project}/models has no model; see var/logs/bench-rasa-init.log"
            )
    return found[-1]


@contextmanager
def running_vanilla_bot(log_dir: Path, start_timeout: float = 300.0) -> Iterator[tuple[str, str, int]]:
    """Serve the starter bot; yields (Rasa URL, auth token, pid)."""
    model = ensure_vanilla_model()
    port, token = free_port(), new_secret()
    log_dir.mkdir(parents=True, exist_ok=True)
    credentials = log_dir / "vanilla-credentials.yml"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    rasa = ServiceProcess(
        name="vanilla Rasa server",
        command=[
            str(paths.RASA_BIN),
            "run",
            "--model",
            str(model),
            "--enable-api",
            f"--auth-token={token}",
            "--interface",
            HOST,
            "--port",
            str(port),
            "--credentials",
            str(credentials),
        ],
        env=offline_env(),
        cwd=VANILLA_DIR,
        log_file=log_dir / "vanilla-rasa.log",
        health_url=f"http://{HOST}:{port}/status?token={token}",
    )
    rasa.start()
    try:
        rasa.wait_healthy(start_timeout)
        assert rasa.process is not None  # started above
        yield f"http://{HOST}:{port}", token, rasa.process.pid
    finally:
        rasa.stop()
