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
    for profile in ("articles", "faq"):
        calibration = load_calibration(profile)
        params = calibration.decision
        assert calibration.model == "all-MiniLM-L6-v2"
        assert 0.0 < params.clarify_min_score < 1.0
        if params.confidence_weights:  # a higher score or a wider margin never lowers the confidence
            assert all(w > 0 for w in params.confidence_weights)
            assert params.answers(0.95, 0.3) and not params.answers(0.2, 0.0)
        else:
            assert params.clarify_min_score <= params.answer_min_score


def test_decision_settings_reject_bad_values() -> None:
    with pytest.raises(ValueError):
        DecisionParams.from_json({"answer_min_score": 0.5})
    with pytest.raises(ValueError):
        DecisionParams(0.5, 0.0, 0.4, 0.1, retrieval="magic")


LOGISTIC = DecisionParams(
    answer_min_score=0.0,
    answer_min_margin=0.0,
    clarify_min_score=0.5,
    clarify_max_gap=0.0,
    confidence_weights=(10.0, 10.0),
    confidence_bias=-8.0,
    answer_min_confidence=0.5,
)


def test_logistic_form_answers_on_score_and_margin_together() -> None:
    # 10*0.7 + 10*0.2 - 8 = 1 > 0: confident; 10*0.7 + 10*0.05 - 8 = -0.5 < 0: not, same top score.
    clear = decide([_hit("a", 0.7), _hit("b", 0.5)], LOGISTIC)
    close = decide([_hit("a", 0.7), _hit("b", 0.65)], LOGISTIC)
    assert clear.kind == "answer" and clear.confidence is not None and clear.confidence > 0.7
    assert close.kind == "no_answer" and close.confidence is not None and close.confidence < 0.5


def test_zero_clarify_gap_never_clarifies_even_on_ties() -> None:
    assert decide([_hit("a", 0.6), _hit("b", 0.6)], LOGISTIC).kind == "no_answer"


def test_logistic_settings_round_trip_through_json() -> None:
    again = DecisionParams.from_json(LOGISTIC.to_json())
    assert again == LOGISTIC
    with pytest.raises(ValueError):
        DecisionParams(0.5, 0.0, 0.4, 0.1, confidence_weights=(1.0,))


def test_faq_profile_ships_the_form_chosen_by_cross_topic_validation() -> None:
    calibration = load_calibration("faq")
    report = calibration.report
    assert report["form"] in {"rule", "logistic"}
    assert set(report["cross_topic"]) == {"rule", "logistic"}
    assert (report["form"] == "logistic") == bool(calibration.decision.confidence_weights)
