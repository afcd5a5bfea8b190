"""A learned reading of statement answers to yes/no steps ("the lug nuts are all tight" to "any loose nuts?").

Rules in understanding.py handle the clear cases (yes/no words, why, go back, stop, not sure...). A statement
is read by a logistic regression over all-MiniLM-L6-v2 embeddings of the answer, the question times the
answer, the question + answer, and the rule signals (negations on each side, antonyms, the rule's guess).
It is trained at first use from the labelled pairs in data/diagnostics/answers/*.jsonl (one JSON object a
line: {"question", "answer", "label": "yes"|"no"|"unclear"}), so nothing is downloaded and the same files
give the same model (lbfgs, fixed order).

Per-step memory: a pair may name the script step it answered (`"node": "<script id>/<node id>"`). When the
step being answered has at least `min_node_examples` such pairs, a similarity-weighted vote of the `k` most
similar of them (MiniLM cosine over the answer text: how customers answered *this* question, and which branch
followed) adds four features ([yes, no, unclear] shares and "had a vote"); in training each pair's vote leaves
the pair out. Steps without examples (all shipped scripts today) get zeros: the global reading.

Entry memory: customers often tell the first facts in their first message ("the LED doesn't turn on even when
plugged in"), and a person then skips the checks already answered. Recorded first messages
(data/diagnostics/entries/*.jsonl: {"script", "message", "start"}, the step a person asked first) give a
similarity-weighted vote of the `entry_k` most similar first messages to the same script; `entry()` returns the
voted step when it wins clearly, else None (start at the script's start). No examples: always None.
"""

from __future__ import annotations

import functools
import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actions.diagnostics.errors import ScriptError
from actions.diagnostics.understanding import contradicts, negations, normalise, rule_polarity

Embedder = Callable[[Sequence[str]], np.ndarray]
LABELS = ("yes", "no", "unclear")
DISABLE_ENV = "DIAGNOSTICS_ANSWER_MODEL"
"""Set to "off" to run on rules only (e.g. where MiniLM is not installed)."""


@dataclass(frozen=True)
class LabelledAnswer:
    question: str
    answer: str
    label: str
    source: str = ""
    """Where the pair came from (file name, or a benchmark's chart), for grouped cross-validation."""
    node: str = ""
    """The step answered, "<script id>/<node id>", when known: feeds the per-node vote."""


@dataclass(frozen=True)
class Reading:
    label: str
    probability: float


def answers_dir() -> Path:
    from actions.diagnostics.catalog import REPO_ROOT

    return REPO_ROOT / "data" / "diagnostics" / "answers"


def load_pairs(directory: Path) -> list[LabelledAnswer]:
    pairs: list[LabelledAnswer] = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pair = LabelledAnswer(
                    str(row["question"]),
                    str(row["answer"]),
                    str(row["label"]),
                    path.stem,
                    str(row.get("node") or ""),
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ScriptError(f"{path}:{number}: not a labelled answer: {exc}") from exc
            if pair.label not in LABELS:
                raise ScriptError(f"{path}:{number}: label must be one of {LABELS}, not {pair.label!r}")
            pairs.append(pair)
    return pairs


@dataclass(frozen=True)
class Entry:
    """A recorded first message and the step a person asked first."""

    script: str
    message: str
    start: str
    source: str = ""


def entries_dir() -> Path:
    from actions.diagnostics.catalog import REPO_ROOT

    return REPO_ROOT / "data" / "diagnostics" / "entries"


def load_entries(directory: Path) -> list[Entry]:
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.jsonl")) if directory.is_dir() else []:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                entries.append(Entry(str(row["script"]), str(row["message"]), str(row["start"]), path.stem))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ScriptError(f"{path}:{number}: not a recorded entry: {exc}") from exc
    return entries


def _rule_features(question: str, answer: str) -> list[float]:
    guess = rule_polarity(answer, question)
    return [
        float(guess == "yes"),
        float(guess == "no"),
        float(negations(answer) > 0),
        float(negations(question) > 0),
        float(contradicts(answer, question)),
    ]


RUNTIME_CACHE_TEXTS = 10_000
"""Texts the bot's answer model keeps embedded (about 1.5 kB each): step questions and training answers stay
hot, customers' messages are forgotten least-recently-used first, so a long-running action server does not grow."""


class CachedEmbedder:
    """Embeds each distinct text once (the runtime sees the same step questions again and again).
    `max_texts=None` keeps everything (the benchmark saves the cache to disk); otherwise least recently used
    texts are dropped beyond `max_texts`."""

    def __init__(self, embed: Embedder, max_texts: int | None = None) -> None:
        self.embed = embed
        self.max_texts = max_texts
        self.cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        found = (
            dict(zip(missing, np.asarray(self.embed(missing), dtype=np.float32), strict=True))
            if missing
            else {}
        )
        for text in texts:
            if text in self.cache:
                self.cache.move_to_end(text)
                found.setdefault(text, self.cache[text])
        self.cache.update(found)
        while self.max_texts is not None and len(self.cache) > self.max_texts:
            self.cache.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)


def node_key(script_id: str, node_id: str) -> str:
    return f"{script_id}/{node_id}"


@dataclass(frozen=True)
class _NodeMemory:
    vectors: np.ndarray
    """Unit-length answer embeddings, one row a pair."""
    labels: tuple[str, ...]
    negated: tuple[bool, ...] = ()
    """Whether each answer has an odd number of negations (for the polarity-adjusted vote)."""


class AnswerModel:
    def __init__(
        self,
        embed: Embedder,
        pairs: Iterable[LabelledAnswer],
        c: float = 1.0,
        *,
        k: int = 7,
        min_node_examples: int = 4,
        entries: Iterable[Entry] = (),
        entry_k: int = 5,
        entry_share: float = 0.5,
    ) -> None:
        from sklearn.linear_model import LogisticRegression

        self.embed = (
            embed
            if isinstance(embed, CachedEmbedder)
            else CachedEmbedder(embed, max_texts=RUNTIME_CACHE_TEXTS)
        )
        rows = list(pairs)
        if len({p.label for p in rows}) < 2:
            raise ScriptError("the answer model needs labelled pairs of at least two labels")
        self.k = k
        self.min_node_examples = min_node_examples
        self.nodes = self._memories(rows)
        self.entry_k = entry_k
        self.entry_share = entry_share
        self.entries = self._entry_memories(list(entries))
        seen: dict[str, int] = {}
        votes = []
        for pair in rows:  # each pair's vote leaves the pair itself out, as at run time
            own = seen.get(pair.node, 0) if pair.node in self.nodes else None
            if own is not None:
                seen[pair.node] = own + 1
            votes.append(self.node_votes(pair.node, pair.answer, exclude=own))
        features = np.hstack(
            [self.features([p.question for p in rows], [p.answer for p in rows]), np.stack(votes)]
        )
        self.model = LogisticRegression(C=c, max_iter=3000)
        self.model.fit(features, [p.label for p in rows])
        self.classes = [str(c) for c in self.model.classes_]

    def _memories(self, rows: Sequence[LabelledAnswer]) -> dict[str, _NodeMemory]:
        grouped: dict[str, list[LabelledAnswer]] = {}
        for pair in rows:
            if pair.node:
                grouped.setdefault(pair.node, []).append(pair)
        memories = {}
        for node, group in sorted(grouped.items()):
            if len(group) < self.min_node_examples:
                continue
            vectors = _unit(self.embed([normalise(p.answer) for p in group]))
            memories[node] = _NodeMemory(
                vectors, tuple(p.label for p in group), tuple(_negated(p.answer) for p in group)
            )
        return memories

    def _entry_memories(self, entries: Sequence[Entry]) -> dict[str, _NodeMemory]:
        grouped: dict[str, list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(entry.script, []).append(entry)
        return {
            script: _NodeMemory(
                _unit(self.embed([normalise(e.message) for e in group])), tuple(e.start for e in group)
            )
            for script, group in sorted(grouped.items())
            if len(group) >= self.min_node_examples
        }

    def entry(self, script_id: str, message: str) -> str | None:
        """The step to ask first, voted by the most similar recorded first messages to this script, when one
        step has at least `entry_share` of the vote; None without a clear winner or without recordings."""
        memory = self.entries.get(script_id)
        if memory is None or not normalise(message):
            return None
        similarity = memory.vectors @ _unit(self.embed([normalise(message)]))[0]
        votes: dict[str, float] = {}
        for i in np.argsort(-similarity, kind="stable")[: self.entry_k]:
            votes[memory.labels[i]] = votes.get(memory.labels[i], 0.0) + max(float(similarity[i]), 0.0) + 1e-6
        best = max(votes, key=lambda node: (votes[node], node))
        return best if votes[best] >= self.entry_share * sum(votes.values()) else None

    def similarities(self, message: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the message to each text (MiniLM), e.g. an answer to step questions."""
        return _unit(self.embed(list(texts))) @ _unit(self.embed([normalise(message)]))[0]

    def knows(self, node: str | None) -> bool:
        """True when this step has enough earlier answers for a vote."""
        return bool(node) and node in self.nodes

    def node_votes(self, node: str | None, answer: str, exclude: int | None = None) -> np.ndarray:
        """[yes, no, unclear] shares of the similarity-weighted vote of the k most similar earlier answers to
        this step, 1.0 when there was a vote, and the [yes, no] shares of the same vote where a neighbour
        whose negation parity differs from the answer's counts for the other branch (all zeros without
        memory)."""
        out = np.zeros(len(LABELS) + 3, np.float32)
        memory = self.nodes.get(node or "")
        if memory is None:
            return out
        similarity = memory.vectors @ _unit(self.embed([normalise(answer)]))[0]
        order = [i for i in np.argsort(-similarity, kind="stable") if i != exclude][: self.k]
        negated = _negated(answer)
        flip = {"yes": "no", "no": "yes", "unclear": "unclear"}
        adjusted = np.zeros(len(LABELS), np.float32)
        for i in order:
            weight = max(float(similarity[i]), 0.0) + 1e-6
            label = memory.labels[i]
            out[LABELS.index(label)] += weight
            # sentence embeddings barely see "not": a neighbour of opposite polarity votes the other way
            adjusted[LABELS.index(flip[label] if memory.negated[i] != negated else label)] += weight
        total = float(out[: len(LABELS)].sum())
        if total > 0:
            out[: len(LABELS)] /= total
            adjusted /= total
        out[len(LABELS)] = 1.0
        out[len(LABELS) + 1 :] = adjusted[:2]
        return out

    def features(self, questions: Sequence[str], answers: Sequence[str]) -> np.ndarray:
        answers = [normalise(answer) for answer in answers]
        q = self.embed(list(questions))
        a = self.embed(answers)
        qa = self.embed([f"{question} {answer}" for question, answer in zip(questions, answers, strict=True)])
        rules = np.asarray(
            [_rule_features(x, y) for x, y in zip(questions, answers, strict=True)], np.float32
        )
        return np.hstack([a, q * a, qa, rules])

    def read_many(
        self, questions: Sequence[str], answers: Sequence[str], nodes: Sequence[str | None] | None = None
    ) -> list[Reading]:
        nodes = list(nodes) if nodes is not None else [None] * len(answers)
        votes = np.stack([self.node_votes(n, a) for n, a in zip(nodes, answers, strict=True)])
        probabilities = self.model.predict_proba(np.hstack([self.features(questions, answers), votes]))
        best = probabilities.argmax(axis=1)
        return [Reading(self.classes[i], float(row[i])) for i, row in zip(best, probabilities, strict=True)]

    def read(self, question: str, answer: str, node: str | None = None) -> Reading:
        """The reading of one answer; `node` adds the vote of earlier answers to the same step."""
        return self.read_many([question], [answer], [node])[0]


def _negated(text: str) -> bool:
    return negations(text) % 2 == 1


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


@functools.cache
def get_answer_model() -> AnswerModel | None:
    """The model over the repository's labelled pairs, trained once at first use; None when turned off."""
    if os.environ.get(DISABLE_ENV, "").lower() in ("off", "0", "false", "no"):
        return None
    from actions.diagnostics.router import minilm_embedder

    return AnswerModel(minilm_embedder(), load_pairs(answers_dir()), entries=load_entries(entries_dir()))
