from __future__ import annotations

import pytest

from knowledge_base.calibration import load_calibration
from knowledge_base.decision import DecisionParams, decide
from knowledge_base.hits import Hit

PARAMS = DecisionParams(
    answer_min_score=0.6, answer_min_margin=0.05, clarify_min_score=0.45, clarify_max_gap=0.08
)


def _hit(doc_id: str, score: float, title: str | None = None) -> Hit:
    return Hit(doc_id, title or doc_id, "", f"{doc_id}.md", None, score, "text", "answer")


def test_clear_winner_is_answered() -> None:
    decision = decide([_hit("a", 0.8), _hit("b", 0.5)], PARAMS)
    assert decision.kind == "answer" and decision.best is not None and decision.best.doc_id == "a"
    assert decision.margin == pytest.approx(0.3)


def test_close_candidates_ask_the_customer_to_choose() -> None:
    hits = [_hit("a", 0.7), _hit("b", 0.68), _hit("c", 0.65), _hit("d", 0.64), _hit("e", 0.3)]
    decision = decide(hits, PARAMS)
    assert decision.kind == "clarify"
    assert [h.doc_id for h in decision.hits] == ["a", "b", "c"]  # at most 3 options


def test_same_topic_answers_do_not_count_as_rivals() -> None:
    hits = [_hit("a1", 0.7, "How do I X?"), _hit("a2", 0.69, "How do I X?"), _hit("b", 0.5)]
    assert decide(hits, PARAMS).kind == "answer"


def test_weak_match_is_not_guessed() -> None:
    assert decide([_hit("a", 0.4), _hit("b", 0.1)], PARAMS).kind == "no_answer"
    assert decide([], PARAMS).kind == "no_answer"


def test_shipped_calibration_is_valid_and_fitted_on_data() -> None:
    calibration = load_calibration()
    assert calibration.model == "all-MiniLM-L6-v2"
    assert calibration.decision.clarify_min_score <= calibration.decision.answer_min_score


def test_decision_settings_reject_bad_values() -> None:
    with pytest.raises(ValueError):
        DecisionParams.from_json({"answer_min_score": 0.5})
    with pytest.raises(ValueError):
        DecisionParams(0.5, 0.0, 0.4, 0.1, retrieval="magic")
