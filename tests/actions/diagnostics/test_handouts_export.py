"""`python -m actions.diagnostics handouts`: every script as JSON for the handoff service's help pages."""

from __future__ import annotations

import json
from pathlib import Path

from actions.diagnostics.catalog import kb_dir, kb_titles, load_scripts, scripts_dir
from actions.diagnostics.engine import Engine
from actions.diagnostics.export import write_handouts


def test_every_script_gets_a_handout_and_a_removed_script_loses_its_own(tmp_path: Path) -> None:
    engine = Engine(load_scripts(scripts_dir()), kb_titles(kb_dir()))
    (tmp_path / "retired.json").write_text("{}", encoding="utf-8")
    written = write_handouts(engine, tmp_path)
    assert sorted(path.stem for path in written) == sorted(engine.scripts)
    assert not (tmp_path / "retired.json").exists()
    wifi = json.loads((tmp_path / "wifi.json").read_text(encoding="utf-8"))
    assert wifi["title"] == engine.script("wifi").title
    assert wifi["steps"][0]["why"] == engine.script("wifi").nodes[engine.script("wifi").start].why
