from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from actions.diagnostics.catalog import REPO_ROOT
from actions.diagnostics.errors import ScriptError
from actions.diagnostics.lint import lint_script
from actions.diagnostics.schema import parse_script

REQUIRED = [
    "wifi",
    "slow_computer",
    "printer",
    "email",
    "login",
    "vpn",
    "sound",
    "display",
    "battery",
    "app_crash",
]


def _script(**nodes: dict) -> dict:
    return {"id": "t", "title": "T", "triggers": ["x"], "queue": "desk", "start": "a", "nodes": nodes}


def _q(yes: str, no: str, why: str = "Because it helps.", novice: str = "Is it on?") -> dict:
    return {"novice": novice, "expert": "On?", "why": why, "next": {"yes": yes, "no": no}}


END = {
    "type": "resolved",
    "novice": "Done.",
    "expert": "Done.",
    "why": "It works.",
    "confirm": "Is it fixed?",
}
ESC = {"type": "escalate", "novice": "A person will help.", "expert": "Escalate.", "queue": "desk"}


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "actions.diagnostics", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_repository_scripts_pass_lint_and_cover_the_required_problems() -> None:
    result = _run_cli("lint")
    assert result.returncode == 0, result.stdout + result.stderr
    ids = {p.stem for p in (REPO_ROOT / "data" / "diagnostics").glob("*.yml")}
    assert set(REQUIRED) <= ids


def test_lint_reports_unreachable_cycles_missing_why_kb_and_grade() -> None:
    hard = (
        "Subsequently, verify the administrative configuration of the organisational infrastructure "
        "necessitating comprehensive reconfiguration."
    )
    script = parse_script(
        _script(
            a=_q("b", "c", why=""),
            b=_q("c", "end", novice=hard) | {"help": {"kb": "no-such-article"}},
            c=_q("d", "c"),
            d=_q("c", "d"),
            end=END,
            orphan=ESC,
        )
    )
    codes = {(p.node_id, p.code) for p in lint_script(script, kb_ids={"wifi-connect"})}
    assert ("a", "missing_why") in codes
    assert ("b", "reading_grade") in codes
    assert ("b", "unknown_kb") in codes
    assert ("c", "no_exit") in codes
    assert ("d", "no_exit") in codes
    assert ("orphan", "unreachable") in codes


def test_schema_rejects_broken_links_and_wrong_answers() -> None:
    with pytest.raises(ScriptError, match="undefined node"):
        parse_script(_script(a=_q("nowhere", "end"), end=END))
    with pytest.raises(ScriptError, match="next must map"):
        parse_script(_script(a={**_q("end", "end"), "next": {"yes": "end"}}, end=END))
    with pytest.raises(ScriptError):
        parse_script(_script(a=_q("end", "end"), end={**ESC, "escalation": "sideways"}))


def test_lint_cli_exits_non_zero_on_a_broken_script(tmp_path: Path) -> None:
    (tmp_path / "t.yml").write_text(
        "id: t\ntitle: T\ntriggers: [x]\nqueue: q\nstart: a\nnodes:\n"
        '  a: {novice: "Is it on?", expert: "On?", next: {yes: e, no: e}}\n'
        "  e: {type: escalate, novice: A person will help., expert: Escalate., queue: q}\n",
        encoding="utf-8",
    )
    result = _run_cli("--scripts", str(tmp_path), "lint")
    assert result.returncode == 1
    assert "t:a: missing_why" in result.stdout
    (tmp_path / "t.yml").write_text("id: [unclosed", encoding="utf-8")
    assert _run_cli("--scripts", str(tmp_path), "lint").returncode == 1


def test_export_uses_the_bot_wording_and_the_why(engine) -> None:
    from actions.diagnostics.engine import State

    md = _run_cli("export", "wifi", "--format", "md")
    assert md.returncode == 0
    first = engine.prompt(State(script_id="wifi", node_id="other_devices", level="novice")).text
    assert first in md.stdout
    assert engine.script("wifi").nodes["other_devices"].why in md.stdout
    html = _run_cli("export", "wifi", "--format", "html")
    assert html.stdout.startswith("<!doctype html>")
    assert "network&#39;s name" in html.stdout  # escaped
    assert _run_cli("export", "nope").returncode == 2


def test_lint_reports_an_unknown_overview_article() -> None:
    script = parse_script(_script(a=_q("end", "end"), end=END) | {"overview_article": "no-such-article"})
    codes = {(p.node_id, p.code) for p in lint_script(script, kb_ids={"wifi-connect"})}
    assert (None, "unknown_kb") in codes
