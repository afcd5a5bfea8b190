"""The account CLI: skills are checked against the queues and can be changed later."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.cli import main


def test_skills_are_validated_set_and_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HANDOFF_DB", str(tmp_path / "handoff.db"))
    monkeypatch.setenv("PW", "a long enough password")
    create = ["users", "create", "nina", "--name", "Nina", "--password-env", "PW"]
    assert main([*create, "--skills", "network,printers"]) == 2
    assert "unknown queue printers" in capsys.readouterr().err
    assert main([*create, "--skills", "network"]) == 0
    assert main(["users", "skills", "nina", "network,account"]) == 0
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out.split() == ["nina", "agent", "Nina", "network,account"]
    assert main(["users", "skills", "nina", ""]) == 0
    capsys.readouterr()
    main(["users", "list"])
    assert capsys.readouterr().out.split()[-1] == "*"  # every queue
