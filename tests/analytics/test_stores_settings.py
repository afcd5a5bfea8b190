"""Both commands find the stores under the services' own names: a SQLite file or, in the cluster profile, a
postgresql:// URL; what cannot work is one clear line, with no password in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.postgres_rows import shown
from analytics.settings import AnalyticsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
URL = "postgresql://rasa:s3cret-pass@db.internal:5433/rasa"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("TRACKER_DB", "HANDOFF_TRACKER_DB", "HANDOFF_DB", "HANDOFF_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_tracker_store_is_a_file_or_a_postgresql_url(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load_settings().tracker_db == Path("var/rasa_tracker.db")
    clean_env.setenv("TRACKER_DB", URL)  # Rasa's own name, as stack/cluster_env.py sets it
    assert load_settings().tracker_db == URL  # kept whole: a Path would fold the '//'
    clean_env.setenv("HANDOFF_TRACKER_DB", str(tmp_path / "t.db"))  # the handoff service's name wins
    assert load_settings().tracker_db == tmp_path / "t.db"
    clean_env.setenv("HANDOFF_TRACKER_DB", "mysql://x@y/z")
    with pytest.raises(AnalyticsError, match="SQLite file or a PostgreSQL URL"):
        load_settings()
    clean_env.delenv("HANDOFF_TRACKER_DB")
    clean_env.setenv("HANDOFF_DATABASE_URL", "sqlite:///var/handoff.db")
    with pytest.raises(AnalyticsError, match="must be a PostgreSQL URL"):
        load_settings()


def test_messages_never_show_the_password() -> None:
    assert shown(URL) == "postgresql://db.internal:5433/rasa"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_on_an_unreachable_postgresql_tracker_is_one_line(tmp_path: Path) -> None:
    env = {
        "TRACKER_DB": "postgresql://rasa:s3cret-pass@127.0.0.1:9/rasa",
        "HANDOFF_TRACKER_DB": "",
        "HANDOFF_DB": str(tmp_path / "handoff.db"),
    }
    done = _run(["report", "--since", "2026-11-01", "--out", str(tmp_path / "r.html"), "--quiet"], env)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: TRACKER_DB (postgresql://127.0.0.1:9/rasa) did not answer")
    assert "s3cret" not in done.stderr and not (tmp_path / "r.html").exists()


def test_demo_data_never_writes_into_the_live_postgresql_desk(tmp_path: Path) -> None:
    handoff_db, tracker_db = tmp_path / "handoff.db", tmp_path / "tracker.db"
    base = {"HANDOFF_DB": str(handoff_db), "TRACKER_DB": str(tracker_db), "HANDOFF_TRACKER_DB": ""}
    done = _run(["demo-data", "--conversations", "5"], {**base, "HANDOFF_DATABASE_URL": URL})
    assert done.returncode == 2 and "HANDOFF_DATABASE_URL points at the live PostgreSQL desk" in done.stderr
    done = _run(["demo-data", "--conversations", "5"], {**base, "TRACKER_DB": URL})
    assert done.returncode == 2 and "TRACKER_DB is a PostgreSQL URL" in done.stderr
    assert "s3cret" not in done.stderr
    assert not handoff_db.exists() and not tracker_db.exists()  # nothing written anywhere
    done = _run(["demo-data", "--conversations", "5", "--months", "1"], base)  # scratch files: it works
    assert done.returncode == 0, done.stderr
    assert handoff_db.is_file() and tracker_db.is_file()
