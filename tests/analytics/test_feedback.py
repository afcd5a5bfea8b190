"""Feedback themes as a manager reads them: every answer once, the worst-rated themes first, no personal data
in the examples, and each theme held to the desk's own satisfaction target."""

from __future__ import annotations

from analytics import feedback
from analytics.records import Conversation
from tests.analytics.test_metrics import at, conv, ticket

SLOW = ("Waited hours for anyone to reply", "Took far too long to get an answer", "The wait was very long")
GOOD = ("Friendly and quick, thank you", "Great help, very kind agent", "Sorted quickly, lovely service")


def _history() -> list[Conversation]:
    convs = []
    for i, text in enumerate(SLOW):
        # the agent path: the ticket keeps the rating and comment, and the tracker's survey slots hold the
        # same answer (the customer answered once)
        c = conv(
            f"s{i}",
            f"slow{i}",
            at(2, 10 + i),
            tickets=[ticket(f"s{i}", at(2, 10 + i), rating=1, comment=text)],
        )
        c.survey_rating, c.survey_comment = 1, text
        convs.append(c)
    convs[0].tickets[0].comment = SLOW[0] + ", call me on 07700 900123 or jo@example.com"
    convs[0].survey_comment = convs[0].tickets[0].comment
    for i, text in enumerate(GOOD):  # the assistant solved these: its one-tap survey is the only answer
        c = conv(f"g{i}", f"good{i}", at(3, 10 + i), resolution="resolved_by_assistant")
        c.survey_rating, c.survey_comment = 5, text
        convs.append(c)
    return convs


def test_each_answer_is_counted_once_and_the_worst_theme_comes_first() -> None:
    convs = _history()
    assert len(feedback.rated_comments(convs)) == len(SLOW) + len(GOOD)  # not 3 agent comments twice
    themes = feedback.themes(convs, target=4.2)
    assert sum(t["comments"] for t in themes) == len(SLOW) + len(GOOD)
    means = [t["mean_rating"] for t in themes]
    assert means == sorted(means) and means[0] == 1.0 and means[-1] == 5.0
    worst = themes[0]
    assert worst["below_target"] and worst["target"] == 4.2
    assert worst["recommendation"].startswith("Cut the wait")
    assert themes[-1]["recommendation"].startswith("Keep doing this")
    examples = " ".join(e for t in themes for e in t["examples"])
    assert "900123" not in examples and "jo@example.com" not in examples
    assert "[phone number]" in examples or "[email address]" in examples


def test_themes_are_held_to_the_configured_target_not_a_fixed_four() -> None:
    convs = [
        conv(f"k{i}", f"k{i}", at(2, 9 + i), tickets=[ticket(f"k{i}", at(2, 9 + i), rating=4, comment=text)])
        for i, text in enumerate(("Fine but slow to start", "Okay, took a while", "Good enough, a bit slow"))
    ]
    strict = feedback.themes(convs, target=4.2)  # the default Targets.satisfaction_mean
    assert strict and all(t["below_target"] for t in strict)
    assert all(not t["recommendation"].startswith("Keep doing this") for t in strict)
    relaxed = feedback.themes(convs, target=3.5)
    assert all(not t["below_target"] and t["recommendation"].startswith("Keep") for t in relaxed)
