"""demo-data then report, run as a user runs them: the report finds what the demo injected."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BeautifulSoup, str, Path]:
    work = tmp_path_factory.mktemp("analytics")
    env = {
        **os.environ,
        "HANDOFF_DB": str(work / "handoff.db"),
        "TRACKER_DB": str(work / "tracker.db"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    done = run(
        ["demo-data", "--months", "3", "--seed", "7", "--end", "2026-11-30", "--conversations", "1500"], env
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(work / "handoff.db") as conn:  # customer text that must never become markup
        conn.execute(
            "UPDATE tickets SET satisfaction_comment = '<script>alert(1)</script> waited ages'"
            " WHERE satisfaction_rating = 1"
        )
    out = work / "report.html"
    done = run(
        [
            "report",
            "--since",
            "2026-09-01",
            "--until",
            "2026-12-01",
            "--out",
            str(out),
            "--csv",
            str(work / "rows.csv"),
            "--pdf",
            str(work / "report.pdf"),
            "--quiet",
        ],
        env,
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser"), html, work


def rows(soup: BeautifulSoup, table_id: str) -> list[str]:
    return [tr.get_text(" ", strip=True) for tr in soup.find(id=table_id).find_all("tr")[1:]]


def test_report_names_the_injected_patterns(built) -> None:
    soup, _, _ = built
    customers = rows(soup, "recurring-customers")
    assert any("demo-robin" in r and "user skills" in r and "coaching handout" in r for r in customers)
    problems = rows(soup, "recurring-problems")
    assert any("print" in r and "intermittent fault" in r for r in problems)
    assert any("wifi" in r.lower() and "environment" in r and "Leeds office" in r for r in problems)
    gaps = rows(soup, "knowledge-gaps")
    assert gaps and "expense" in gaps[0].lower()
    plan = rows(soup, "action-plan-table")
    assert any("Write the article" in r and "Knowledge manager" in r for r in plan)
    assert any(re.search(r"\d{4}-\d{2}-\d{2}", r) for r in plan)


def test_report_finds_low_ratings_after_slow_answers(built) -> None:
    """The demo rates slow answers low: the review puts a waiting theme below the target, worst themes first,
    tells the manager to cut the wait, and shows no customer's phone number."""
    soup, html, _ = built
    themes = rows(soup, "feedback-themes")
    means = [
        float(r.split()[0])
        for r in (
            tr.find_all("td")[2].get_text() for tr in soup.find(id="feedback-themes").find_all("tr")[1:]
        )
    ]
    assert means == sorted(means) and means[0] < 4.2
    wait = [r for r in themes if "Cut the wait" in r]
    assert wait and all("below 4.2" in r for r in wait)
    assert any("meets 4.2" in r and "Keep doing this" in r for r in themes)
    assert "900123" not in html and "[phone number]" in html


def test_report_shows_the_weekly_trend(built) -> None:
    soup, _, _ = built
    weeks = rows(soup, "weekly")
    assert len(weeks) >= 12 and all(re.match(r"^20\d\d-W\d\d \d+ \d+\.\d %", r) for r in weeks)
    figure = soup.find(id="weekly-trend")
    assert figure.find("svg") and "Handoff rate and satisfaction by week" in figure.get_text()


def test_report_is_offline_and_escapes_customer_text(built) -> None:
    soup, html, _ = built
    assert "<script" not in html and "&lt;script&gt;" in html
    assert len(soup.find_all("svg")) >= 5
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html


def test_csv_has_one_row_per_conversation(built) -> None:
    _, _, work = built
    lines = (work / "rows.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("conversation_id,customer,channel")
    assert len(lines) - 1 == 1500 + 4 + 15  # background + the how-to customer + 5 printer customers x 3


def test_pdf_is_the_same_review_on_a4(built) -> None:
    _, _, work = built
    pdf = PdfReader(work / "report.pdf")
    first = pdf.pages[0]
    assert len(pdf.pages) >= 3 and round(float(first.mediabox.width)) == 595  # A4 portrait, in points
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Support review" in text and "Action plan" in text and "900123" not in text


def test_bad_input_gets_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HANDOFF_DB": str(tmp_path / "none.db"),
        "TRACKER_DB": str(tmp_path / "none.db"),
        "PYTHONPATH": str(ROOT),
    }
    done = run(["report", "--since", "2026-09-01", "--out", str(tmp_path / "r.html")], env)
    assert done.returncode == 2 and "database not found" in done.stderr
    real = tmp_path / "real.db"
    with sqlite3.connect(real) as conn:
        from analytics.tracker_source import EVENTS_SCHEMA

        conn.executescript(EVENTS_SCHEMA)
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('cust-1', 'user', 1, '{}')"
        )
    done = run(["demo-data", "--conversations", "5"], {**env, "TRACKER_DB": str(real)})
    assert done.returncode == 2 and "already holds real conversations" in done.stderr
    with sqlite3.connect(real) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (1,)  # nothing written
    done = run(["report", "--since", "yesterday", "--out", str(tmp_path / "r.html")], env)
    assert done.returncode == 2 and "not a date" in done.stderr
    done = run(
        ["report", "--since", "2026-09-02", "--until", "2026-09-01", "--out", str(tmp_path / "r.html")], env
    )
    assert done.returncode == 2 and "--until must be after --since" in done.stderr


def test_empty_stores_give_a_report_that_says_so(tmp_path: Path) -> None:
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as conn:
        from analytics.tracker_source import EVENTS_SCHEMA

        conn.executescript(EVENTS_SCHEMA)
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('x', 'user', 1e9, ?)",
            (b"\xff\xfe not utf-8",),
        )
    subprocess.run(
        [sys.executable, "-m", "handoff", "users", "list"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "HANDOFF_DB": str(tmp_path / "handoff.db"), "PYTHONPATH": str(ROOT)},
    )  # creates and migrates the handoff DB the way the service does
    env = {
        **os.environ,
        "HANDOFF_DB": str(tmp_path / "handoff.db"),
        "TRACKER_DB": str(tracker),
        "PYTHONPATH": str(ROOT),
    }
    done = run(["report", "--since", "2026-11-01", "--out", str(tmp_path / "r.html"), "--quiet"], env)
    assert done.returncode == 0, done.stderr
    soup = BeautifulSoup((tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    assert "0 conversations" in soup.find(id="summary").find_next("ul").get_text()
    assert "None found." in soup.find(id="knowledge-gaps").get_text()
