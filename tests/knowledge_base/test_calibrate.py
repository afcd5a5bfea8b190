from __future__ import annotations

import numpy as np

from knowledge_base.calibrate import _held_out, _metrics, features, grid_search, logistic_search
from knowledge_base.evaluation import QueryRun
from knowledge_base.hits import Hit


def _hit(doc_id: str, score: float) -> Hit:
    return Hit(doc_id, doc_id, "", f"{doc_id}.md", None, score, "text", "answer")


def _runs(n: int, seed: int) -> tuple[list[QueryRun], list[str]]:
    """Answerable queries score high with a clear lead; unanswerable ones score lower and closer."""
    rng = np.random.default_rng(seed)
    runs, groups = [], []
    for i in range(n):
        answerable = i % 4 != 0
        top = rng.uniform(0.6, 0.9) if answerable else rng.uniform(0.3, 0.65)
        second = top - (rng.uniform(0.1, 0.3) if answerable else rng.uniform(0.0, 0.1))
        hits = [_hit(f"d{i}", top), _hit(f"x{i}", second)]
        runs.append(QueryRun(f"q{i}", hits, {f"d{i}"} if answerable else set(), 0.0))
        groups.append(f"t{i // 5}")
    return runs, groups


def test_both_forms_reach_the_precision_floor_and_abstain() -> None:
    f = features(*_runs(200, 0))
    everything = np.ones(len(f.score), bool)
    for fitter in (grid_search, logistic_search):
        fitted, _ = fitter([(f, everything)], 0.98)
        precision, coverage, abstained, _ = _metrics(f, everything, fitted)
        assert precision >= 0.98 and coverage > 0.8 and abstained > 0.8


def test_cross_topic_estimate_reports_every_fold() -> None:
    runs, groups = _runs(200, 1)
    out = _held_out([("toy", features(runs, groups))], 0.98, "logistic")["toy"]
    assert out["folds"] == 20
    assert out["answered_precision_min"] <= out["answered_precision"] <= 1.0
