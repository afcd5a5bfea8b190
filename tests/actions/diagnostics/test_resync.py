"""Re-synchronising: an answer about another step moves there (recorded); recorded first messages may skip
the checks the customer already answered."""

from __future__ import annotations

from actions.diagnostics.answers import AnswerModel, Entry, LabelledAnswer
from actions.diagnostics.catalog import REPO_ROOT, load_scripts
from actions.diagnostics.engine import REVISED_NOTE, Engine, Resync
from actions.diagnostics.state import State
from tests.actions.diagnostics.stand_ins import bag_of_words, word_ranker

SCRIPTS = load_scripts(REPO_ROOT / "data" / "diagnostics")


def _at_wifi_on(engine: Engine) -> State:
    state = engine.answer(engine.start("wifi", "novice"), "yes").state
    assert (state.node_id, state.history) == ("wifi_on", ("other_devices",))
    return state


def test_answer_about_the_other_branch_moves_there_and_is_recorded() -> None:
    engine = Engine(SCRIPTS, ranker=word_ranker)
    state = _at_wifi_on(engine)
    # the customer is really answering the router check (the other branch of "other devices?")
    text = "I did unplug the router power cable and waited 30 seconds and the internet does not work now"
    step = engine.answer(state, text)
    assert step.messages[0] == REVISED_NOTE
    assert [r["node_id"] for r in step.records[:2]] == ["wifi_on", "router_restart"]
    assert step.records[0]["result"] == "revised:router_restart"
    assert step.records[1]["result"] == "no"
    assert step.state.status == "escalated"  # router restart did not help -> escalate_network


def test_answer_about_the_step_asked_stays_on_it() -> None:
    engine = Engine(SCRIPTS, ranker=word_ranker)
    state = _at_wifi_on(engine)
    step = engine.answer(state, "yes the wi-fi is turned on and airplane mode is off")
    assert step.state.node_id == "connected"
    assert REVISED_NOTE not in step.messages
    assert engine.answer(state, "no").state.node_id == "turn_on"  # a bare no has no topic of its own


def test_resync_off_reads_the_answer_at_the_step_asked() -> None:
    engine = Engine(SCRIPTS, ranker=word_ranker, resync=Resync(sibling=None, previous=None, anywhere=None))
    state = _at_wifi_on(engine)
    text = "I did unplug the router power cable and waited 30 seconds and the internet does not work now"
    assert engine.answer(state, text).state.node_id == "turn_on"


def _model(entries: list[Entry]) -> AnswerModel:
    pairs = [LabelledAnswer("Is it on?", "it is on", "yes"), LabelledAnswer("Is it on?", "it is off", "no")]
    return AnswerModel(bag_of_words, pairs, entries=entries, min_node_examples=2)


def test_recorded_first_messages_skip_the_checks_already_answered() -> None:
    entries = [
        Entry("wifi", "my phone has internet but my laptop wifi does not", "wifi_on"),
        Entry("wifi", "the phone has internet fine but the laptop wifi is not working", "wifi_on"),
        Entry("wifi", "no internet anywhere in the house", "other_devices"),
    ]
    model = _model(entries)
    engine = Engine(SCRIPTS, answer_model=lambda: model)
    assert engine.start("wifi", "novice", "my phone has internet but the laptop wifi does not").node_id == (
        "wifi_on"
    )
    assert engine.start("wifi", "novice", "no internet anywhere at home").node_id == "other_devices"
    assert engine.start("wifi", "novice").node_id == "other_devices"  # no first message: the start
    assert engine.start("vpn", "novice", "my phone has internet").node_id == SCRIPTS["vpn"].start


def test_without_recorded_first_messages_the_script_starts_at_its_start() -> None:
    model = _model([])
    engine = Engine(SCRIPTS, answer_model=lambda: model)
    assert model.entry("wifi", "my phone has internet but the laptop does not") is None
    assert engine.start("wifi", "novice", "my phone has internet").node_id == "other_devices"


def test_step_memory_vote_counts_a_negated_neighbour_for_the_other_branch() -> None:
    node = "laptop/power"
    pairs = [
        LabelledAnswer("Does it power up?", text, "yes", node=node)
        for text in ("it powers up fine", "it powers up", "yes it powers up now", "the laptop powers up")
    ] + [LabelledAnswer("Does it power up?", "nothing happens", "no", node=node)] * 4
    model = AnswerModel(bag_of_words, pairs)
    votes = model.node_votes(node, "it does not power up")
    yes, no, _, had, yes_adjusted, no_adjusted = votes
    assert had == 1.0 and yes > no  # the plain vote follows the words
    assert no_adjusted > yes_adjusted  # the polarity-adjusted vote follows the "not"


def test_recorded_first_messages_may_go_straight_to_the_fix_but_never_to_a_hand_off() -> None:
    entries = [
        Entry("wifi", "restarting the router fixed it last time", "fixed"),
        Entry("wifi", "last time restarting the router fixed it", "fixed"),
        Entry("wifi", "the router lights are all red", "escalate_network"),
        Entry("wifi", "all the router lights are red", "escalate_network"),
    ]
    model = _model(entries)
    engine = Engine(SCRIPTS, answer_model=lambda: model)
    state = engine.start("wifi", "novice", "restarting the router fixed it last time too")
    assert state.node_id == "fixed"  # a person went straight to the fix: show it and ask to confirm
    assert "Can you open a web page now?" in engine.prompt(state).text
    assert engine.answer(state, "yes").state.status == "resolved"
    # a recorded hand-off is not a place to start: the checks run from the start
    assert engine.start("wifi", "novice", "the router lights are all red").node_id == "other_devices"
