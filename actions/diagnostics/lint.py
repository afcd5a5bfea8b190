"""Checks a script collection: reachability, dead ends, cycles without exit, missing why, KB links, wording."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyphen
import textstat

from actions.diagnostics.schema import EscalateNode, QuestionNode, ResolvedNode, Script, targets

MAX_NOVICE_GRADE = 8.0
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Problem:
    script_id: str
    node_id: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.script_id}:{self.node_id}" if self.node_id else self.script_id
        return f"{where}: {self.code}: {self.message}"


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade, counted like textstat but with pyphen syllables.

    textstat 0.7's own syllable count needs NLTK's CMU dictionary, which it would download at run time.
    """
    words = textstat.lexicon_count(text)
    if not words:
        return 0.0
    sentences = max(1, textstat.sentence_count(text))
    syllables = sum(len(_hyphenator().positions(word)) + 1 for word in _WORD.findall(text.lower()))
    return round(0.39 * words / sentences + 11.8 * syllables / words - 15.59, 1)


def lint_script(script: Script, kb_ids: set[str] | None = None) -> list[Problem]:
    problems: list[Problem] = []

    def add(node_id: str | None, code: str, message: str) -> None:
        problems.append(Problem(script.id, node_id, code, message))

    if script.overview_article and kb_ids is not None and script.overview_article not in kb_ids:
        add(None, "unknown_kb", f"overview_article is an unknown KB article {script.overview_article!r}")
    reachable = _reachable(script)
    terminal = {nid for nid, node in script.nodes.items() if not isinstance(node, QuestionNode)}
    can_finish = _can_reach(script, terminal)
    for node_id, node in script.nodes.items():
        if node_id not in reachable:
            add(node_id, "unreachable", "no path from the start node leads here")
        if isinstance(node, QuestionNode):
            if not node.next:
                add(node_id, "dead_end", "a question with no next node")
            elif node_id not in can_finish:
                add(
                    node_id,
                    "no_exit",
                    "every path from here loops without reaching a resolved or escalate node",
                )
            if node.help and node.help.kb and kb_ids is not None and node.help.kb not in kb_ids:
                add(node_id, "unknown_kb", f"help links to unknown KB article {node.help.kb!r}")
        if isinstance(node, ResolvedNode) and node.if_not_fixed and node_id not in can_finish:
            add(node_id, "no_exit", "the not-fixed path loops without reaching an end")
        if not node.why.strip() and not isinstance(node, EscalateNode):
            add(node_id, "missing_why", "every step needs a `why` the bot can give when asked")
        for label, text in _novice_texts(node):
            grade = reading_grade(text)
            if grade > MAX_NOVICE_GRADE:
                add(
                    node_id, "reading_grade", f"{label} reads at grade {grade:.1f} (max {MAX_NOVICE_GRADE:g})"
                )
    return problems


def lint_all(scripts: Mapping[str, Script], kb_ids: set[str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for script in scripts.values():
        problems.extend(lint_script(script, kb_ids))
    return problems


def _novice_texts(node: QuestionNode | ResolvedNode | EscalateNode) -> list[tuple[str, str]]:
    texts = [("novice", node.novice)]
    if node.why:
        texts.append(("why", node.why))
    if isinstance(node, QuestionNode) and node.help and node.help.steps:
        texts.append(("help", " ".join(node.help.steps)))
    if isinstance(node, ResolvedNode):
        texts.append(("confirm", node.confirm))
    return texts


def _reachable(script: Script) -> set[str]:
    seen: set[str] = set()
    todo = [script.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        todo.extend(targets(script.nodes[node_id]))
    return seen


def _can_reach(script: Script, goals: set[str]) -> set[str]:
    """Nodes from which some path reaches a goal (reverse search)."""
    parents: dict[str, set[str]] = {nid: set() for nid in script.nodes}
    for node_id, node in script.nodes.items():
        for target in targets(node):
            parents[target].add(node_id)
    found = set(goals)
    todo = list(goals)
    while todo:
        for parent in parents[todo.pop()]:
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found
