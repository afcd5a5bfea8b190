"""Two problems in one message ("my laptop is slow and also the sound doesn't work"): find them both.

A message with a cue ("two things", "also", "separately", "another thing") is split into clauses; each clause is
matched to a script (MiniLM similarity to the script's own texts, as the script router does) or, failing that,
to a help article. When two clauses name different topics, the assistant asks which to start with instead of
silently dropping one, and comes back to the other when the first ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from actions.diagnostics.router import Embedder, ScriptRouter
from actions.diagnostics.schema import Script

CUE = re.compile(
    r"\b((two|2|couple of|a few|several) (things|problems|issues)|also|separately|another (thing|problem|issue)|"
    r"as well|on top of that|and then there'?s|plus)\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^\s*((two|2|couple of|a few|several) (things|problems|issues)\s*[:,-]?\s*)", re.IGNORECASE
)
_SPLIT = re.compile(
    r"\s*(?:[;.]\s+|,?\s+and\s+(?:also\s+|separately\s+|then\s+)?|,\s+(?:also|separately|plus)\s+|"
    r"\s+also\s+|\s+plus\s+|,\s+(?=(?:my|the|our|and|also)\b))",
    re.IGNORECASE,
)
ARTICLE_PREFIX = "article:"
_PARTS = re.compile(r"\s*(?:[,;.!]|\band\b|\bbut\b)\s*", re.IGNORECASE)
_AND_SPLIT = re.compile(r",?\s+and\s+(?!then\b|now\b|so\b|still\b)|,\s+(?=(?:my|the|our)\b)", re.IGNORECASE)
"""Without a cue, "the printer won't print and outlook has no new mail" may still be two problems; "vpn
connects and then outlook says disconnected" is one story, so "and then/now/so/still" is not split."""
UNCUED_MIN_SCORE = 0.5
UNCUED_MIN_MARGIN = 0.15
"""Without a cue word each part must name its script clearly (a clause of one problem scores 0.3-0.45)."""
SCRIPT_MIN_SCORE = 0.45
"""Router score a clause needs to name a script (its other scripts score 0.2-0.4 on clear clauses)."""
SCRIPT_MIN_MARGIN = 0.08
MIN_WORDS = 3


@dataclass(frozen=True)
class Problem:
    """One problem the customer named: a script id, or `article:<doc id>` for a help article."""

    topic: str
    label: str
    words: str


ArticleFinder = Callable[[str], tuple[str, str] | None]
"""Clause -> (doc id, title) of a help article that clearly answers it, else None."""


def clauses(text: str) -> list[str]:
    """The parts of a message that may each be a problem; one part when there is no cue to split on."""
    if not CUE.search(text):
        return [text]
    body = _LEAD.sub("", text)
    parts = [p.strip(" ,.;:-") for p in _SPLIT.split(body) if p and p.strip(" ,.;:-")]
    return [p for p in parts if len(p.split()) >= MIN_WORDS] or [text]


class Triage:
    def __init__(self, scripts: Mapping[str, Script], embed: Embedder, find_article: ArticleFinder) -> None:
        self.scripts = scripts
        self.router = ScriptRouter(scripts, embed)
        self.find_article = find_article

    def topic(self, clause: str) -> Problem | None:
        ranked = self.router.rank(clause)
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if best.score >= SCRIPT_MIN_SCORE and best.score - runner_up >= SCRIPT_MIN_MARGIN:
            return Problem(best.script_id, self.scripts[best.script_id].title, clause)
        article = self.find_article(clause)
        if article is not None:
            return Problem(f"{ARTICLE_PREFIX}{article[0]}", article[1], clause)
        return None

    def other_script(self, text: str, current: str | None) -> str | None:
        """The script of a different problem a part of the message names ("forget the monitor, outlook isn't
        receiving anything"), else None."""
        for part in _PARTS.split(text):
            if len(part.split()) < MIN_WORDS:
                continue
            problem = self.topic(part)
            if problem is not None and problem.topic in self.scripts and problem.topic != current:
                return problem.topic
        return None

    def problems(self, text: str) -> list[Problem]:
        """Two or more different problems named in the message, in the customer's order; else []."""
        parts = clauses(text)
        if len(parts) < 2:
            return self._uncued_problems(text)
        found: list[Problem] = []
        for part in parts:
            problem = self.topic(part)
            if problem is not None and all(problem.topic != p.topic for p in found):
                found.append(problem)
        return found if len(found) >= 2 else []

    def _uncued_problems(self, text: str) -> list[Problem]:
        """Two scripts each clearly named by its own part of a message with no cue word, else []."""
        parts = [p.strip(" ,.;:-") for p in _AND_SPLIT.split(text) if p and p.strip(" ,.;:-")]
        parts = [p for p in parts if len(p.split()) >= MIN_WORDS]
        if len(parts) < 2:
            return []
        found: list[Problem] = []
        for part in parts:
            ranked = self.router.rank(part)
            best, runner_up = ranked[0], (ranked[1].score if len(ranked) > 1 else 0.0)
            if best.score < UNCUED_MIN_SCORE or best.score - runner_up < UNCUED_MIN_MARGIN:
                continue
            if all(best.script_id != p.topic for p in found):
                found.append(Problem(best.script_id, self.scripts[best.script_id].title, part))
        return found if len(found) >= 2 else []


Similarities = Callable[[str, Sequence[str]], Sequence[float]]
"""Message, texts -> similarity of the message to each text (the answer model's MiniLM)."""


def pick(problems: Sequence[Problem], text: str, similarities: Similarities | None) -> Problem | None:
    """The problem the customer chose ("the teams one", "start with the screen", a button title)."""
    clean = text.strip().lower()
    for problem in problems:
        if clean == problem.label.lower():
            return problem
    words = set(re.findall(r"[a-z0-9]+", _without_deferred(clean))) - _FILLER
    overlaps = [len(words & set(re.findall(r"[a-z0-9]+", f"{p.words} {p.label}".lower()))) for p in problems]
    if max(overlaps, default=0) > 0 and overlaps.count(max(overlaps)) == 1:
        return problems[overlaps.index(max(overlaps))]
    if not words or similarities is None:
        return None
    scores = list(similarities(clean, [f"{p.label}. {p.words}" for p in problems]))
    ordered = sorted(scores, reverse=True)
    if len(ordered) > 1 and ordered[0] - ordered[1] < 0.05:
        return None
    return problems[scores.index(ordered[0])]


_DEFERRED = re.compile(
    r"\b(can wait|wait(s)? (till|until)|later|afterwards|after that|next|second|another time)\b"
)


def _without_deferred(text: str) -> str:
    """ "printer first, the password can wait till later": the parts put off are not the choice."""
    parts = [part for part in re.split(r"[,;.]|\band\b|\bthen\b", text) if part.strip()]
    kept = [part for part in parts if not _DEFERRED.search(part)]
    return " ".join(kept) if kept else text


_FILLER = {
    "the", "a", "an", "one", "first", "start", "with", "lets", "let", "s", "do", "please", "pls", "that", "this",
    "i", "my", "me", "go", "for", "thing", "problem", "issue", "on", "of", "it", "ok", "okay", "then", "about",
}  # fmt: skip
