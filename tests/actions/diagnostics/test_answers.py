from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from actions import transcript
from actions.diagnostics.answers import (
    AnswerModel,
    CachedEmbedder,
    LabelledAnswer,
    Reading,
    answers_dir,
    load_pairs,
)
from actions.diagnostics.engine import Engine
from actions.diagnostics.errors import ScriptError
from actions.diagnostics.state import State
from actions.diagnostics.understanding import understand
from tests.actions.diagnostics.stand_ins import bag_of_words, one_question_script, word_ranker


class Fixed:
    def __init__(self, label: str, probability: float) -> None:
        self.reading = Reading(label, probability)
        self.calls = 0

    def read(self, question: str, answer: str, node: str | None = None) -> Reading:
        self.calls += 1
        return self.reading

    def knows(self, node: str | None) -> bool:
        return False


def test_repository_pairs_load_with_every_label() -> None:
    pairs = load_pairs(answers_dir())
    assert len(pairs) >= 100
    assert {p.label for p in pairs} == {"yes", "no", "unclear"}


def test_a_bad_label_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text(
        json.dumps({"question": "Is it on?", "answer": "yes", "label": "maybe"}) + "\n", encoding="utf-8"
    )
    with pytest.raises(ScriptError, match=r"x\.jsonl:1"):
        load_pairs(tmp_path)


def test_model_learns_from_pairs_and_is_deterministic() -> None:
    pairs = [
        LabelledAnswer("Is the light on?", f"the light is {word}", label)
        for word, label in [
            ("lit", "yes"),
            ("glowing", "yes"),
            ("bright", "yes"),
            ("dark", "no"),
            ("off", "no"),
        ]
        for _ in range(3)
    ]
    one = AnswerModel(bag_of_words, pairs, c=100.0)
    two = AnswerModel(bag_of_words, pairs, c=100.0)
    assert one.read("Is the light on?", "the light is dark").label == "no"
    assert one.read("Is the light on?", "the light is glowing").label == "yes"
    assert one.read("Is the light on?", "it is dark") == two.read("Is the light on?", "it is dark")


def test_confident_reader_decides_statements_but_not_clear_cases() -> None:
    question = "Are the lug nuts loose?"
    reader = Fixed("no", 0.9)
    assert understand("they were tightened last month", question=question, reader=reader).kind == "no"
    assert understand("why?", question=question, reader=reader).kind == "why"
    assert understand("stop", question=question, reader=reader).kind == "stop"
    assert understand("yes they are", question=question, reader=reader).kind == "yes"
    unsure = Fixed("no", 0.5)
    # below the threshold the rules read it: no negation, so "yes"
    assert understand("they are wobbling a lot", question=question, reader=unsure).kind == "yes"


def test_engine_uses_its_answer_model_for_statements() -> None:
    script = one_question_script(
        {"novice": "Is the fan loud?", "expert": "Fan loud?", "next": {"yes": "a", "no": "b"}}, ["a", "b"]
    )
    state = State(script_id="t", node_id="q", level="novice")
    assert Engine({"t": script}).answer(state, "it hums quietly in the background").state.node_id == "a"
    engine = Engine({"t": script}, answer_model=lambda: Fixed("no", 0.95))
    assert engine.answer(state, "it hums quietly in the background").state.node_id == "b"


def test_faq_help_closest_to_the_question_comes_first() -> None:
    question = {
        "novice": "Is the fusible link blown?",
        "expert": "Link blown?",
        "help": {
            "steps": ["A fuse protects wires.", "Look for melted insulation."],
            "sources": ["faq-1", "faq-2"],
        },
        "next": {"yes": "a", "no": "a"},
    }
    script = one_question_script(question, ["a"])
    state = State(script_id="t", node_id="q", level="novice")
    step = Engine({"t": script}, ranker=word_ranker).answer(state, "how do I look for melted insulation?")
    assert step.messages[0].index("melted") < step.messages[0].index("A fuse protects")


def test_ticket_queue_comes_from_the_script_that_escalated() -> None:
    events = [
        {
            "event": "slot",
            "name": "diagnostic_escalation",
            "value": {"queue": "network", "escalation_type": "technical"},
        },
    ]
    escalation = transcript.diagnostic_escalation(events)
    assert transcript.escalation("script_dead_end", "printer", escalation).queue == "network"
    assert transcript.escalation("script_dead_end", "printer", None).queue == "hardware"
    assert transcript.escalation("complaint", "printer", escalation).queue == "complaint"
    assert transcript.diagnostic_escalation([{"event": "user", "text": "hi"}]) is None


STEERING = "Is the steering hard to turn?"


def _steering_pairs() -> list[LabelledAnswer]:
    """Generic pairs, plus earlier answers to one step where "I can easily move it" meant no."""
    generic = [
        LabelledAnswer("Is the light on?", f"the light is {word}", label)
        for word, label in [("lit", "yes"), ("glowing", "yes"), ("dark", "no"), ("off", "no")]
    ]
    step = [
        LabelledAnswer(STEERING, text, label, "chart", "car/steering_hard")
        for text, label in [
            ("I can easily move the wheel", "no"),
            ("I can move the wheel easily", "no"),
            ("the wheel moves easily", "no"),
            ("it takes real effort to move the wheel", "yes"),
            ("the wheel is stiff and heavy", "yes"),
        ]
    ]
    return generic + step


def test_earlier_answers_to_the_same_step_decide_its_reading() -> None:
    model = AnswerModel(bag_of_words, _steering_pairs(), c=100.0, k=3, min_node_examples=4)
    assert model.knows("car/steering_hard") and not model.knows("car/other") and not model.knows(None)
    votes = model.node_votes("car/steering_hard", "I can easily move the wheel")
    assert votes[1] > votes[0] and votes[3] == 1.0  # mostly "no", and there was a vote
    assert not model.node_votes("car/other", "I can easily move the wheel").any()
    # "I can ..." starts like a yes; this step's own examples say it is a no
    reply = understand(
        "I can easily move the wheel", question=STEERING, reader=model, node="car/steering_hard"
    )
    assert reply.kind == "no"
    # without the step's memory the generic rule reading stands
    assert understand("I can easily move the wheel", question=STEERING, reader=model).kind == "yes"
    # a bare yes is never second-guessed
    assert understand("yes", question=STEERING, reader=model, node="car/steering_hard").kind == "yes"
    same = AnswerModel(bag_of_words, _steering_pairs(), c=100.0, k=3, min_node_examples=4)
    assert same.read(STEERING, "the wheel is heavy", "car/steering_hard") == model.read(
        STEERING, "the wheel is heavy", "car/steering_hard"
    )


def test_a_step_with_too_few_examples_has_no_memory() -> None:
    model = AnswerModel(bag_of_words, _steering_pairs(), c=100.0, min_node_examples=6)
    assert not model.knows("car/steering_hard")


def test_pairs_name_their_step_in_the_file(tmp_path: Path) -> None:
    row = {"question": "Is it on?", "answer": "it glows", "label": "yes", "node": "wifi/wifi_on"}
    (tmp_path / "x.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert load_pairs(tmp_path)[0].node == "wifi/wifi_on"
    assert {p.node for p in load_pairs(answers_dir())} == {""}  # shipped pairs: global model only


def test_runtime_embedding_cache_forgets_old_customer_messages_but_keeps_recent_ones() -> None:
    calls: list[str] = []

    def embed(texts: Sequence[str]) -> np.ndarray:
        calls.extend(texts)
        return bag_of_words(texts)

    cached = CachedEmbedder(embed, max_texts=2)
    first = cached(["is it on?", "it is on"])
    cached(["is it on?"])  # used again: now the most recent
    cached(["a new message"])  # evicts "it is on", the least recently used
    assert list(cached.cache) == ["is it on?", "a new message"]
    assert np.allclose(cached(["is it on?", "it is on"]), first)
    assert calls == ["is it on?", "it is on", "a new message", "it is on"]
    assert len(cached.cache) == 2
