"""`python -m stack run|prepare|train` — the commands behind `make run`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from stack import paths
from stack.channels import webhook_urls
from stack.ports import PortInUseError, ensure_port_free
from stack.prepare import PrepareError, ensure_kb_index, ensure_model, ensure_onnx_model
from stack.process import ServiceStartError
from stack.secrets import load_or_create_secrets
from stack.services import Stack, StackConfig, start_stack

logger = logging.getLogger("stack")

PORT_SETTINGS = (
    ("RASA_PORT", 5005, "Rasa server"),
    ("ACTION_PORT", 5055, "action server"),
    ("HANDOFF_PORT", 8300, "handoff service"),
)


class _Stop(Exception):
    """Raised from the signal handler to leave the wait loop."""


def _port(env_var: str, default: int) -> int:
    raw = os.environ.get(env_var, str(default))
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"error: {env_var}={raw!r} is not a port number (1-65535).")
    return int(raw)


def prepare() -> Path:
    print("• Checking the MiniLM ONNX export ...", flush=True)
    ensure_onnx_model()
    print("• Building the knowledge base index (only changed articles are re-embedded) ...", flush=True)
    ensure_kb_index(paths.VAR_DIR / "kb_index")
    print("• Checking the Rasa model (trains only if data, domain or config changed) ...", flush=True)
    model = ensure_model()
    print(f"  model: {model.relative_to(paths.REPO_ROOT)}", flush=True)
    return model


def print_urls(stack: Stack) -> None:
    config = stack.config
    print(
        "\nThe assistant is running. Press Ctrl-C to stop everything.\n"
        f"  Website chat demo:   {config.handoff_url}/demo\n"
        f"  Help articles:       {config.handoff_url}/help  (the bot's answers link here)\n"
        f"  Agent console:       {config.handoff_url}/console  "
        "(add an agent: .venv/bin/python -m handoff users create NAME)\n"
        f"  Chat over REST:      POST {config.rasa_url}/webhooks/rest/webhook  "
        '{"sender": "me", "message": "hi"}\n'
        f"  Website chat (socket.io): {config.rasa_url}/socket.io\n"
        f"  Rasa HTTP API:       {config.rasa_url}  (token: RASA_AUTH_TOKEN in var/secrets.json)\n"
        f"  Action server:       {config.action_url}/health\n"
        f"  Handoff service API: {config.handoff_url}/api  (metrics: {config.handoff_url}/metrics)\n"
        f"  Logs:                {config.log_dir.relative_to(paths.REPO_ROOT)}/\n",
        flush=True,
    )
    for title, url in webhook_urls(config.rasa_url, config.extra_env):
        print(f"  {title + ' webhook:':<21}{url}", flush=True)


def run() -> int:
    ports = {}
    try:
        for env_var, default, owner in PORT_SETTINGS:
            ports[env_var] = _port(env_var, default)
            ensure_port_free(ports[env_var], owner, env_var)
    except PortInUseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    secrets = load_or_create_secrets(paths.VAR_DIR / "secrets.json")
    try:
        model_path = prepare()
    except PrepareError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    config = StackConfig(
        model_path=model_path,
        kb_index_dir=paths.VAR_DIR / "kb_index",
        tracker_db=paths.VAR_DIR / "rasa_tracker.db",
        handoff_db=paths.VAR_DIR / "handoff.db",
        log_dir=paths.LOG_DIR,
        secrets=secrets,
        rasa_port=ports["RASA_PORT"],
        action_port=ports["ACTION_PORT"],
        handoff_port=ports["HANDOFF_PORT"],
    )

    def request_stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print(
        "• Starting the handoff service, action server and Rasa server (Rasa takes about a minute) ...",
        flush=True,
    )
    stack: Stack | None = None
    try:
        stack = start_stack(config)
        print_urls(stack)
        # A child that dies is restarted by the stack's supervisor (one log line each time); only one that
        # keeps dying right after it starts stops the assistant.
        while stack.supervisor is None or stack.supervisor.failure is None:
            time.sleep(1.0)
        print(f"error: {stack.supervisor.failure}", file=sys.stderr)
        return 1
    except ServiceStartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except _Stop:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if stack is not None:
            stack.stop()
        print("Stopped.", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    parser.add_argument("command", choices=["run", "prepare", "train"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # httpx logs every health-check URL at INFO, and Rasa's carries the API token in its query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "run":
        return run()
    try:
        if args.command == "prepare":
            prepare()
        else:
            print(ensure_model())
    except PrepareError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
