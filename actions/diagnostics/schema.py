"""Pydantic schema of a diagnostic script (YAML files in data/diagnostics/).

A script is a small graph. Question nodes ask the customer to check something and move on by the answer;
`resolved` nodes give the fix and ask the customer to confirm it; `escalate` nodes hand the case to a person.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from actions.diagnostics.errors import ScriptError

EscalationType = Literal["technical", "vertical", "horizontal", "administrative"]
Level = Literal["novice", "expert"]
LEVELS: tuple[Level, ...] = ("novice", "expert")
ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Help(_Model):
    """How to do the check: inline steps, a KB article, or both."""

    steps: tuple[str, ...] = ()
    kb: str | None = None
    sources: tuple[str, ...] = ()
    """Where the steps came from (e.g. imported FAQ ids), for traceability and benchmarks."""

    @model_validator(mode="after")
    def _not_empty(self) -> Help:
        if not self.steps and not self.kb:
            raise ValueError("help needs steps or a kb article")
        return self


class Choice(_Model):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    synonyms: tuple[str, ...] = ()


class AnswerSpec(_Model):
    """What the customer may answer: yes/no, one of some choices, or free text (with an optional regex)."""

    kind: Literal["yes_no", "choice", "text"] = "yes_no"
    choices: tuple[Choice, ...] = ()
    extract: str | None = None

    @field_validator("extract")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"extract is not a valid regex: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _choices_match_kind(self) -> AnswerSpec:
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError("a choice answer needs at least two choices")
        if self.kind != "choice" and self.choices:
            raise ValueError("choices are only allowed when kind is choice")
        return self

    def outcomes(self) -> tuple[str, ...]:
        """The keys `next` must map."""
        if self.kind == "yes_no":
            return ("yes", "no")
        if self.kind == "choice":
            return tuple(choice.id for choice in self.choices)
        return ("matched", "unmatched") if self.extract else ("any",)


class _Wording(_Model):
    novice: str = Field(min_length=1)
    expert: str = Field(min_length=1)
    why: str = ""

    def text(self, level: Level) -> str:
        return self.novice if level == "novice" else self.expert


class QuestionNode(_Wording):
    type: Literal["question"] = "question"
    help: Help | None = None
    answer: AnswerSpec = AnswerSpec()
    next: dict[str, str]
    already_tried: str | None = None
    """Where "I already tried that" goes. By default the `no` branch (the step did not help) when the step is
    a fix attempt (one of its answers ends the script as resolved); a plain check ("Is it the printer you are
    standing next to?") has no "did not help", so there the customer is asked what they saw."""

    @model_validator(mode="after")
    def _next_matches_answer(self) -> QuestionNode:
        wanted = set(self.answer.outcomes())
        if self.answer.kind == "text" and set(self.next) == {"any"}:
            return self
        missing = wanted - set(self.next)
        extra = set(self.next) - wanted
        if missing or extra:
            raise ValueError(
                f"next must map exactly {sorted(wanted)} (missing {sorted(missing)}, "
                f"unexpected {sorted(extra)})"
            )
        return self


class ResolvedNode(_Wording):
    type: Literal["resolved"]
    confirm: str = Field(min_length=1)
    if_not_fixed: str | None = None
    """Node to go to when the customer says the fix did not work; escalate by default."""


class EscalateNode(_Wording):
    type: Literal["escalate"]
    reason: str = "script_dead_end"
    escalation: EscalationType = "technical"
    queue: str = Field(min_length=1)


def _node_type(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("type", "question"))
    return str(getattr(value, "type", "question"))


Node = Annotated[
    Annotated[QuestionNode, Tag("question")]
    | Annotated[ResolvedNode, Tag("resolved")]
    | Annotated[EscalateNode, Tag("escalate")],
    Discriminator(_node_type),
]


class Script(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    summary: str = ""
    products: tuple[str, ...] = ()
    triggers: tuple[str, ...] = Field(min_length=1)
    queue: str = Field(min_length=1)
    """Skill queue for a dead end that has no escalate node of its own (e.g. repeated "I don't know")."""
    escalation: EscalationType = "technical"
    overview_article: str | None = None
    """The help article that sums up this script's checks (data/kb stem). A problem message that another
    article linked to this script answers more closely (Teams echo under "No sound") gets that article
    first; the overview article never replaces the step-by-step checks."""
    start: str
    nodes: dict[str, Node]

    @model_validator(mode="after")
    def _links_exist(self) -> Script:
        if self.start not in self.nodes:
            raise ValueError(f"start node {self.start!r} is not defined")
        for node_id, node in self.nodes.items():
            for target in _targets(node):
                if target not in self.nodes:
                    raise ValueError(f"node {node_id!r} links to undefined node {target!r}")
        return self

    def already_tried_target(self, node: QuestionNode) -> str | None:
        """See `QuestionNode.already_tried`; None: ask the customer what they saw."""
        if node.already_tried:
            return node.already_tried
        fix_attempt = any(isinstance(self.nodes[t], ResolvedNode) for t in node.next.values())
        return node.next.get("no") if fix_attempt else None

    def node(self, node_id: str) -> QuestionNode | ResolvedNode | EscalateNode:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise ScriptError(f"script {self.id!r} has no node {node_id!r}") from None


def _targets(node: QuestionNode | ResolvedNode | EscalateNode) -> list[str]:
    if isinstance(node, QuestionNode):
        return [*node.next.values(), *([node.already_tried] if node.already_tried else [])]
    if isinstance(node, ResolvedNode) and node.if_not_fixed:
        return [node.if_not_fixed]
    return []


def targets(node: QuestionNode | ResolvedNode | EscalateNode) -> list[str]:
    """Ids of the nodes this node can move to."""
    return _targets(node)


def parse_script(data: object, source: str = "<data>") -> Script:
    try:
        return Script.model_validate(data)
    except ValidationError as exc:
        raise ScriptError(f"{source}: {exc}") from exc


class _Loader(yaml.SafeLoader):
    """YAML without the 1.1 surprise that `yes`/`no` keys become booleans (scripts use them as answers)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


def load_script(path: Path) -> Script:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScriptError(f"{path}: cannot read: {exc}") from exc
    script = parse_script(data, str(path))
    if script.id != path.stem:
        raise ScriptError(f"{path}: id {script.id!r} must match the file name")
    return script


def dump_script(script: Script) -> str:
    """YAML text of a script (used by the FloDial importer)."""
    return yaml.safe_dump(
        script.model_dump(mode="json", exclude_defaults=True), sort_keys=False, width=110, allow_unicode=True
    )
