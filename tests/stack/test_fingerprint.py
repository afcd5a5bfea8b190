from __future__ import annotations

from pathlib import Path

from stack import paths
from stack.fingerprint import fingerprint_files, model_inputs


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_same_content_gives_same_fingerprint_and_any_edit_changes_it(tmp_path: Path) -> None:
    files = [write(tmp_path, "config.yml", "a: 1\n"), write(tmp_path, "data/nlu/x.yml", "- hi\n")]
    before = fingerprint_files(files, tmp_path)
    assert fingerprint_files(files, tmp_path) == before
    write(tmp_path, "data/nlu/x.yml", "- hello\n")
    assert fingerprint_files(files, tmp_path) != before


def test_renaming_a_file_changes_the_fingerprint(tmp_path: Path) -> None:
    first = [write(tmp_path, "a.yml", "same\n")]
    second = [write(tmp_path, "b.yml", "same\n")]
    assert fingerprint_files(first, tmp_path) != fingerprint_files(second, tmp_path)


def test_model_inputs_cover_config_domain_data_and_components_but_not_kb_articles() -> None:
    inputs = {p.relative_to(paths.REPO_ROOT).as_posix() for p in model_inputs()}
    assert "config.yml" in inputs
    assert any(p.startswith("bot/domain/") for p in inputs)
    assert any(p.startswith("data/nlu/") for p in inputs)
    assert any(p.startswith("data/rules/") for p in inputs)
    assert not any(p.startswith("data/kb/") for p in inputs)
