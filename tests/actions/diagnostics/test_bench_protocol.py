from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from actions.diagnostics.catalog import REPO_ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_flodial", REPO_ROOT / "bench" / "flodial.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_flodial"] = module
    spec.loader.exec_module(module)
    return module


def test_dialog_folds_are_grouped_by_dialog_and_stratified_by_chart() -> None:
    dialogs = {f"{chart}-{n}": {"flowchart": chart} for chart in ("a", "b") for n in range(10)}
    dialogs["c-0"] = {"flowchart": "c"}
    folds = _bench().dialog_folds(dialogs, 5)
    assert set(folds) == set(dialogs)  # every dialog in exactly one fold
    for chart in ("a", "b"):
        per_fold = [sum(1 for d, f in folds.items() if d.startswith(chart) and f == k) for k in range(5)]
        assert per_fold == [2, 2, 2, 2, 2]
    assert folds == _bench().dialog_folds(dict(reversed(list(dialogs.items()))), 5)  # deterministic


def test_training_dialogs_default_to_the_dev_file_next_to_the_scored_file(tmp_path) -> None:
    bench = _bench()
    parser = bench.argparse.ArgumentParser()
    scored = tmp_path / "dialogs_test.json"
    (tmp_path / "dialogs_dev.json").write_text("{}", encoding="utf-8")
    assert bench._train_dialogs(parser, None, scored) == str(tmp_path / "dialogs_dev.json")
    assert bench._train_dialogs(parser, "none", scored) == "none"


def test_a_missing_training_file_is_an_error_not_a_silent_fallback(tmp_path, capsys) -> None:
    bench = _bench()
    parser = bench.argparse.ArgumentParser()
    try:
        bench._train_dialogs(parser, str(tmp_path / "missing.json"), tmp_path / "dialogs_test.json")
    except SystemExit as exit_:
        assert exit_.code == 2
    else:
        raise AssertionError("a missing --train-dialogs file must stop the bench")
    assert "no such file" in capsys.readouterr().err
