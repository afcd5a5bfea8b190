"""The NLU bench's threshold rules: Larson's accuracy rule and the out-of-scope recall floors."""

from __future__ import annotations

import pytest

from bench import nlu


def _split() -> tuple[nlu.Split, list[tuple[str, float]]]:
    split = nlu.Split()
    split.add(["a1", "a2", "b1", "b2"], ["a", "a", "b", "b"], "in")
    split.add(["x1", "x2", "x3", "x4"], ["x"] * 4, "oos")
    # in-scope: three right (0.9, 0.8, 0.35) and one wrong (0.7); out of scope: 0.1 .. 0.6
    best = [("a", 0.9), ("a", 0.8), ("a", 0.7), ("b", 0.35), ("a", 0.1), ("b", 0.2), ("a", 0.3), ("b", 0.6)]
    return split, best


def test_recall_floor_threshold_is_the_lowest_that_rejects_enough_out_of_scope_messages() -> None:
    split, best = _split()
    for floor, rejected in ((0.5, 2), (0.75, 3), (1.0, 4)):
        t = nlu.threshold_for_recall(split, best, floor)
        oos_scores = [s for (_, s), k in zip(best, split.kinds, strict=True) if k != "in"]
        assert sum(s < t for s in oos_scores) == rejected
        lower = sorted(oos_scores)[rejected - 1]  # any threshold at or below this rejects too few
        assert sum(s < lower for s in oos_scores) < rejected
    # 0.75 keeps the right in-scope answer at 0.35 (threshold just above 0.3), 1.0 has to reject it
    assert nlu.metrics(split, best, nlu.threshold_for_recall(split, best, 0.75))["in_scope_accuracy"] == 75.0
    assert nlu.metrics(split, best, nlu.threshold_for_recall(split, best, 1.0))["in_scope_accuracy"] == 50.0


def test_recall_floor_needs_out_of_scope_messages_and_a_sane_floor() -> None:
    split, best = _split()
    with pytest.raises(ValueError, match="recall floor"):
        nlu.threshold_for_recall(split, best, 0.0)
    in_only = nlu.subset(split, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="no out-of-scope"):
        nlu.threshold_for_recall(in_only, best[:4], 0.8)


def test_operating_points_trade_in_scope_accuracy_for_recall() -> None:
    one, one_best = _split()
    split, best = nlu.Split(), []
    for _ in range(20):  # large enough that every random half holds out-of-scope messages
        for kind in ("in", "oos"):
            rows = [i for i, k in enumerate(one.kinds) if k == kind]
            split.add([one.texts[i] for i in rows], [one.labels[i] for i in rows], kind)
            best += [one_best[i] for i in rows]
    points = nlu.operating_points(split, best, split, best, floors=(1.0, 0.75, 0.5))
    assert [p["oos_recall_floor"] for p in points] == [1.0, 0.75, 0.5]
    recalls = [p["oos_recall"] for p in points]
    accuracies = [p["in_scope_accuracy"] for p in points]
    assert recalls == sorted(recalls, reverse=True) and recalls[0] == 100.0
    assert accuracies == sorted(accuracies) and accuracies[0] < accuracies[-1]
    assert all("in_scope_accuracy" in p["held_out_estimate"] for p in points)


def _oos_split(n: int, kind: str = "oos") -> tuple[nlu.Split, list[tuple[str, float]]]:
    split = nlu.Split()
    split.add([f"q{i}" for i in range(n)], ["x"] * n, kind)
    return split, [("a", i / n) for i in range(n)]  # distinct scores 0, 1/n, ...


def test_required_recall_is_met_with_a_confidence_margin_that_shrinks_with_more_data() -> None:
    from scipy.stats import binomtest

    def rejected(n: int, required: float) -> int:
        split, best = _oos_split(n)
        t = nlu.threshold_for_requirement(split, best, nlu.Requirement(required))
        return sum(s < t for _, s in best)

    def lower_bound(k: int, n: int) -> float:
        return binomtest(k, n).proportion_ci(0.90, method="wilson").low

    for n, required in ((100, 0.70), (530, 0.75)):
        k = rejected(n, required)
        assert lower_bound(k, n) >= required > lower_bound(k - 1, n)  # the lowest such threshold
        assert 0.77 <= k / n <= 0.79  # the margins the docstring quotes
    assert rejected(2000, 0.70) / 2000 < rejected(100, 0.70) / 100  # more messages, smaller margin


def test_required_recall_counts_only_the_named_kind_of_out_of_scope_message() -> None:
    split, best = _oos_split(100, "id_oos")
    split.add(["easy"] * 100, ["x"] * 100, "ood_oos")
    best += [("a", 0.0)] * 100  # off-topic messages that any threshold rejects
    t_id = nlu.threshold_for_requirement(split, best, nlu.Requirement(0.7, "id_oos"))
    t_all = nlu.threshold_for_requirement(split, best, nlu.Requirement(0.7))
    assert t_all < t_id  # counting the easy ones too would let the in-domain ones through
    with pytest.raises(ValueError, match="no out-of-scope"):
        nlu.threshold_for_requirement(*_oos_split(10, "ood_oos"), nlu.Requirement(0.7, "id_oos"))
