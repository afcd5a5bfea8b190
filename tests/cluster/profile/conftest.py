"""One cluster per test module, started the way an operator does: `python -m stack run --cluster`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack import paths
from stack.ports import free_port
from stack.secrets import new_secret
from tests.cluster.profile.launched import LaunchedCluster

# Two Rasa servers loading at once on a shared two-core machine take minutes, not seconds.
START_TIMEOUT = 600.0
# Long enough that a message sent right after a kill -9 reaches a database that is really down.
RESTART_DELAY = "8"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaunchedCluster]:
    # PostgreSQL runs as Debian's `postgres` user, which cannot enter pytest's private tmp folders.
    workdir = Path(tempfile.mkdtemp(prefix="assistant-cluster-"))
    workdir.chmod(0o755)
    env = {
        **os.environ,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "HANDOFF_PORT": str(free_port()),
        "CLUSTER_POSTGRES_PORT": str(free_port()),
        "CLUSTER_REDIS_PORT": str(free_port()),
        "CLUSTER_STATS_PORT": str(free_port()),
        "CLUSTER_DATA_DIR": str(workdir),
        "STACK_RESTART_DELAY": RESTART_DELAY,
        # Fresh secrets in the environment: the worktree's var/secrets.json is neither read nor written.
        "RASA_AUTH_TOKEN": new_secret(),
        "HANDOFF_API_TOKEN": new_secret(),
        "HANDOFF_SESSION_SECRET": new_secret(),
        "CLUSTER_POSTGRES_PASSWORD": new_secret(),
        # Agents answer around the clock here (the after-hours path has its own tests).
        "HANDOFF_HOURS__ALWAYS_OPEN": "true",
        "HF_HUB_OFFLINE": "1",
    }
    output = workdir / "launcher.out"
    with output.open("wb") as sink:
        launcher = subprocess.Popen(
            [str(paths.APP_PYTHON), "-m", "stack", "run", "--cluster"],
            cwd=paths.REPO_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C is sent by the test, not by the terminal
        )
    running = LaunchedCluster(launcher=launcher, output=output, env=env, workdir=workdir)
    try:
        running.wait_ready(START_TIMEOUT)
        yield running
    finally:
        running.stop()
        # The servers' logs stay with pytest's other temporary files (the last few runs are kept).
        kept = tmp_path_factory.mktemp("cluster-logs")
        shutil.copytree(workdir / "logs", kept, dirs_exist_ok=True)
        shutil.copy(output, kept / "launcher.out")
        shutil.rmtree(workdir, ignore_errors=True)
