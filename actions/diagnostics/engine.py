"""The script state machine: what to show now, and where an answer leads.

Pure functions of (scripts, state, answer): no Rasa, no I/O. The runtime in actions.py keeps the State in a
slot and turns Steps into messages and events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from actions.diagnostics import familiarity
from actions.diagnostics.answers import node_key
from actions.diagnostics.errors import UnknownScriptError
from actions.diagnostics.schema import (
    AnswerSpec,
    Choice,
    EscalateNode,
    Level,
    QuestionNode,
    ResolvedNode,
    Script,
)
from actions.diagnostics.state import State
from actions.diagnostics.triage import ARTICLE_PREFIX, Problem, pick
from actions.diagnostics.understanding import (
    AnswerReader,
    Reply,
    already_so,
    choices_named,
    doubts,
    is_bare_yes_no,
    match_choice,
    normalise,
    opens_with_yes_no_word,
    sounds_fixed,
    understand,
)

RESYNC_KINDS = ("yes", "no", "unclear")
"""Replies that may be about another step than the one asked (statements, not meta replies)."""
REVISED_NOTE = "It sounds like your answer is about a different check, so I've moved to that check."
DONT_KNOW_LIMIT = 2
UNCLEAR_LIMIT = 3
YES, NO, NOT_SURE = "Yes", "No", "I'm not sure how to check"


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[str, ...] = ()
    node_id: str | None = None


@dataclass(frozen=True)
class Step:
    """The result of one customer answer."""

    state: State
    reply: Reply
    messages: tuple[str, ...] = ()
    records: tuple[dict[str, Any], ...] = field(default=())

    @property
    def finished(self) -> bool:
        return self.state.status != "running"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


Ranker = Callable[[str, Sequence[str]], Sequence[float]]
"""(customer message, candidate texts) -> one similarity score per text."""


@dataclass(frozen=True)
class Resync:
    """When a statement fits another step's question clearly better than the step asked, the customer is
    answering that step (they correct an earlier answer the bot misread, or tell a fact ahead of time): the
    engine moves there, records the change (result `revised`) and reads the answer at that step.

    Fit = similarity (sentence embeddings) of the answer to the step's question. A candidate must beat the
    current step by its margin: `sibling` (the other branch of the last decision: the bot took the wrong
    branch), `previous` (the step before: the customer is still on it), `anywhere` (any question step of the
    script). None turns a candidate off."""

    sibling: float | None = 0.1
    previous: float | None = 0.2
    anywhere: float | None = 0.3


class Engine:
    def __init__(
        self,
        scripts: Mapping[str, Script],
        kb_titles: Mapping[str, str] | None = None,
        *,
        answer_model: Callable[[], AnswerReader | None] | None = None,
        ranker: Ranker | None = None,
        resync: Resync | None = None,
    ) -> None:
        """`answer_model` is a (lazy, cached) getter of the learned statement reader; None means rules only.
        `ranker` orders FAQ-based help (help with `sources`) by similarity to the customer's question; without
        it the answer model's embedder is used. `resync`: margins for re-synchronising (see `Resync`)."""
        self.scripts = dict(scripts)
        self.kb_titles = dict(kb_titles or {})
        self.answer_model = answer_model
        self.ranker = ranker
        self.resync = resync if resync is not None else Resync()

    # --- starting -------------------------------------------------------------------------------------
    def script(self, script_id: str) -> Script:
        try:
            return self.scripts[script_id]
        except KeyError:
            raise UnknownScriptError(script_id) from None

    def start(self, script_id: str | None, level: Level | None = None, message: str | None = None) -> State:
        """A new run; `script_id=None` starts at the menu. `message` (the customer's first words) may skip
        the checks it already answers, when recorded first messages like it clearly started further on."""
        if script_id is None:
            return State(script_id=None, node_id=None, level=level)
        script = self.script(script_id)
        node_id = self.entry(script, message)
        history: tuple[str, ...] = ()
        answered = self._choice_named_in(script, node_id, message)
        if answered is not None:  # "laptop won't charge": no need to ask "won't charge or drains fast?"
            history, node_id = (node_id,), answered
        return State(script_id=script_id, node_id=node_id, history=history, level=level)

    @staticmethod
    def _choice_named_in(script: Script, node_id: str, message: str | None) -> str | None:
        """The next step when the first step is a choice and the first message names exactly one option."""
        node = script.nodes.get(node_id)
        if not message or not isinstance(node, QuestionNode) or node.answer.kind != "choice":
            return None
        named = choices_named(message, node.answer)
        if len(named) != 1:
            return None
        target = node.next.get(named.pop())
        return target if isinstance(script.nodes.get(target or ""), QuestionNode | ResolvedNode) else None

    def entry(self, script: Script, message: str | None) -> str:
        """The step to ask first: the script's start, or the step the answer model's entry memory votes for
        (a question, or a fix when people went straight to it: the customer then confirms it; never a
        hand-off)."""
        reader = self.answer_model() if self.answer_model is not None and message else None
        voted = getattr(reader, "entry", None)
        node_id = voted(script.id, message) if voted is not None and message else None
        return (
            node_id
            if node_id and isinstance(script.nodes.get(node_id), QuestionNode | ResolvedNode)
            else script.start
        )

    # --- showing --------------------------------------------------------------------------------------
    def prompt(self, state: State) -> Prompt:
        """What to show the customer now."""
        if state.script_id is None and state.options:
            named = " and ".join(f'"{label}"' for _, label, _ in state.options)
            return Prompt(
                f"It sounds like there are {len(state.options)} problems here: {named}. "
                "Let's take them one at a time, so nothing gets missed. Which one should we start with?",
                tuple(label for _, label, _ in state.options),
            )
        if state.script_id is None:
            return Prompt(
                "Which problem should we check together? Pick one, or tell me in your own words.",
                tuple(script.title for script in self.scripts.values()),
            )
        if state.level is None:
            return Prompt(familiarity.QUESTION, tuple(label for label, _ in familiarity.CHOICES))
        script = self.script(state.script_id)
        node = script.node(state.node_id or script.start)
        text = node.text(state.level)
        if isinstance(node, QuestionNode):
            return Prompt(text, self._buttons(node.answer), state.node_id)
        if isinstance(node, ResolvedNode):
            return Prompt(f"{text}\n\n{node.confirm}", (YES, NO), state.node_id)
        return Prompt(text, (), state.node_id)

    def question_text(self, state: State) -> str:
        return self.prompt(state).text

    @staticmethod
    def _buttons(spec: AnswerSpec) -> tuple[str, ...]:
        if spec.kind == "yes_no":
            return (YES, NO, NOT_SURE)
        if spec.kind == "choice":
            return (*(choice.label for choice in spec.choices), NOT_SURE)
        return ()

    # --- answering ------------------------------------------------------------------------------------
    def answer(
        self,
        state: State,
        text: str,
        *,
        intent: str | None = None,
        confidence: float = 0.0,
        at: str | None = None,
        resync: bool = True,
    ) -> Step:
        """Apply one customer message to the state. `resync=False`: read it at the current step only."""
        at = at or now_iso()
        if state.status != "running":
            return Step(state, Reply("unclear"))
        if state.script_id is None:
            return self._pick_from_menu(state, text)
        if state.level is None:
            return self._set_level(state, text, intent, confidence)
        script = self.script(state.script_id)
        node_id = state.node_id or script.start
        node = script.node(node_id)
        question = node.text(state.level)
        spec = node.answer if isinstance(node, QuestionNode) else AnswerSpec()
        reader = self.answer_model() if self.answer_model is not None else None
        reply = understand(
            text,
            spec,
            question=question,
            intent=intent,
            confidence=confidence,
            reader=reader,
            node=node_key(script.id, node_id),
            fix_step=isinstance(node, QuestionNode) and _is_fix_step(script, node),
            step_words=f"{node.novice} {node.expert}" if isinstance(node, QuestionNode) else "",
        )
        record: Callable[[str], dict[str, Any]] = lambda result: {  # noqa: E731
            "type": "diagnostic_step",
            "at": at,
            "script_id": script.id,
            "node_id": node_id,
            "question": question,
            "answer": text,
            "result": result,
        }
        if resync and reply.kind in RESYNC_KINDS and isinstance(node, QuestionNode):
            moved = self._resync_target(script, state, node_id, text, reader)
            if moved is not None:
                return self._revise(moved, text, intent, confidence, at, record)
        if (
            reply.kind in ("no", "unclear")
            and isinstance(node, QuestionNode)
            and _is_fix_step(script, node)
            and sounds_fixed(text)
        ):
            reply = Reply(
                "yes"
            )  # "clicked it, emails are flooding in now, thank you!" at "does it work now?"
        if (
            reply.kind == "yes"
            and isinstance(node, QuestionNode)
            and _is_fix_step(script, node)
            and already_so(text)
        ):
            reply = Reply("already_tried")  # "it's already on HDMI 1": the change was in place, no difference
        if reply.kind in ("question", "dont_know") and reply.value is None:
            reply = Reply(reply.kind, text)
        handler = _HANDLERS.get(reply.kind)
        if handler is not None:
            return handler(self, script, state, node, reply, record)
        if isinstance(node, ResolvedNode):
            return self._confirm(script, state, node, reply, record)
        if isinstance(node, EscalateNode):  # not reachable while running; kept for safety
            return Step(state.evolve(status="escalated"), reply)
        return self._move(script, state, node, reply, record)

    # --- re-synchronising ------------------------------------------------------------------------------
    def _resync_target(
        self, script: Script, state: State, node_id: str, text: str, reader: AnswerReader | None
    ) -> State | None:
        """The state at the step this statement fits clearly better than the current one (see `Resync`)."""
        if is_bare_yes_no(text):
            return None
        parent = state.history[-1] if state.history else None
        parent_node = script.nodes.get(parent or "")
        candidates: list[tuple[str, tuple[str, ...], float]] = []
        if self.resync.sibling is not None and isinstance(parent_node, QuestionNode):
            candidates += [
                (target, state.history, self.resync.sibling)
                for target in dict.fromkeys(parent_node.next.values())
                if target != node_id and isinstance(script.nodes.get(target), QuestionNode)
            ]
        if self.resync.previous is not None and parent and isinstance(parent_node, QuestionNode):
            candidates.append((parent, state.history[:-1], self.resync.previous))
        if self.resync.anywhere is not None:
            # Not a step this one leads to: "the phone can't load anything either" answers "do other devices
            # have internet?", though its words are closer to the next step's "does the internet work now?"
            # (FloDial success 81.9 without this exclusion once statements with "either" read as no, 85.6 with;
            # leaving out every untried fix step as well cost the same 3.7 points).
            current = script.nodes.get(node_id)
            leads_to = set(current.next.values()) if isinstance(current, QuestionNode) else set()
            seen = {node_id, *leads_to, *(c[0] for c in candidates)}
            candidates += [
                (other, (*state.history, node_id), self.resync.anywhere)
                for other, node in script.nodes.items()
                if other not in seen and isinstance(node, QuestionNode)
            ]
        if not candidates:
            return None
        texts = [script.node(n).novice for n in (node_id, *(c[0] for c in candidates))]
        # The step asked also fits a report of doing its how-to ("turned off mobile data and the phone can't
        # load anything either" after "On your phone, turn off mobile data"): the customer followed it.
        current = script.node(node_id)
        how_to = current.help.steps if isinstance(current, QuestionNode) and current.help else ()
        texts += [" ".join(how_to)] if how_to else []
        scores = self._similarities(normalise(text), texts, reader)
        if scores is None:
            return None
        scores = list(scores)
        if how_to:
            scores[0] = max(float(scores[0]), float(scores.pop()))
        gains = [float(scores[i + 1]) - float(scores[0]) - c[2] for i, c in enumerate(candidates)]
        best = max(range(len(candidates)), key=lambda i: gains[i])
        if gains[best] <= 0:
            return None
        target, history, _ = candidates[best]
        return state.evolve(node_id=target, history=history, unknowns=0, unclear=0)

    def _similarities(
        self, message: str, texts: Sequence[str], reader: AnswerReader | None
    ) -> Sequence[float] | None:
        if self.ranker is not None:
            return self.ranker(message, texts)
        similar = getattr(reader, "similarities", None)
        return similar(message, texts) if similar is not None else None

    def _revise(
        self,
        moved: State,
        text: str,
        intent: str | None,
        confidence: float,
        at: str,
        record: Callable[[str], dict[str, Any]],
    ) -> Step:
        """Record that the answer was about another step, then read it there."""
        step = self.answer(moved, text, intent=intent, confidence=confidence, at=at, resync=False)
        entry = record(f"revised:{moved.node_id}")
        return Step(step.state, step.reply, (REVISED_NOTE, *step.messages), (entry, *step.records))

    def _pick_from_menu(self, state: State, text: str) -> Step:
        if state.options:
            return self._pick_problem(state, text)
        spec = AnswerSpec(
            kind="choice",
            choices=tuple(
                Choice(id=script.id, label=script.title, synonyms=(script.id.replace("_", " "),))
                for script in self.scripts.values()
            ),
        )
        script_id = match_choice(text, spec)
        if script_id is None:
            return Step(
                state, Reply("unclear"), ("Sorry, I didn't catch which problem. Please pick one below.",)
            )
        return Step(self.start(script_id, state.level), Reply("choice", script_id))

    def _pick_problem(self, state: State, text: str) -> Step:
        """Which of the customer's problems to start with; an article topic ends the run to show it."""
        reader = self.answer_model() if self.answer_model is not None else None
        problems = [Problem(*option) for option in state.options]
        chosen = pick(problems, text, reader.similarities if reader is not None else None)
        if chosen is None:
            return Step(state, Reply("unclear"), ("Sorry, I didn't catch which one. Please pick one below.",))
        if chosen.topic.startswith(ARTICLE_PREFIX):
            return Step(state.evolve(status="stopped", reason=chosen.topic), Reply("choice", chosen.topic))
        return Step(self.start(chosen.topic, state.level), Reply("choice", chosen.topic))

    def _set_level(self, state: State, text: str, intent: str | None, confidence: float) -> Step:
        first = None
        if state.script_id is not None:
            first = self.script(state.script_id).node(state.node_id or self.script(state.script_id).start)
        first_words = f"{first.novice} {first.expert}" if isinstance(first, QuestionNode) else ""
        # "yeah the internet's working fine" answers the first check (it asks about the internet), not a fix
        escape = understand(text, intent=intent, confidence=confidence, step_words=first_words)
        if escape.kind in _ESCAPE_KINDS and state.script_id is not None:
            # "I need a human", "bye", "that fixed it" answer no familiarity question: act on them at once
            script = self.script(state.script_id)
            node_id = state.node_id or script.start
            record: Callable[[str], dict[str, Any]] = lambda result: {  # noqa: E731
                "type": "diagnostic_step",
                "at": now_iso(),
                "script_id": script.id,
                "node_id": node_id,
                "question": familiarity.QUESTION,
                "answer": text,
                "result": result,
            }
            return _HANDLERS[escape.kind](self, script, state, script.node(node_id), escape, record)
        level = familiarity.parse_level_answer(text)
        asked = state
        state = self._first_choice_answered(state, text)
        if level is None:
            reply = escape
            level = "expert" if reply.kind == "expert" else "novice"
            note = 'I\'ll spell out each step. Say "short steps" at any time if you prefer.'
            leveled = state.evolve(level=level)
            plain_answer = reply.kind in ("yes", "no") and state == asked and opens_with_yes_no_word(text)
            if plain_answer and isinstance(first, QuestionNode) and first.answer.kind == "yes_no":
                # "yep, rebooted it first thing" to the level question: the answer to the first check
                answered = self.answer(leveled, text, intent=intent, confidence=confidence, resync=False)
                if answered.reply.kind in ("yes", "no"):
                    return Step(answered.state, answered.reply, (note, *answered.messages), answered.records)
            return Step(leveled, Reply("choice", level), (note,))
        return Step(state.evolve(level=level), Reply("choice", level))

    def _first_choice_answered(self, state: State, text: str) -> State:
        """ "its draining fast, charging is fine. explain simply pls" to the familiarity question: the level,
        and the answer to a first step that is a choice (the same reading as for a first message)."""
        if state.script_id is None or state.history:
            return state
        script = self.script(state.script_id)
        node_id = state.node_id or script.start
        answered = self._choice_named_in(script, node_id, text)
        return state if answered is None else state.evolve(history=(node_id,), node_id=answered)

    def _move(self, script: Script, state: State, node: QuestionNode, reply: Reply, record: Any) -> Step:
        outcome = _outcome(node, reply)
        if outcome is None:
            return self._unclear(script, state, node, reply, record)
        target = node.next.get(outcome) or node.next.get("any")
        if target is None:
            return self._unclear(script, state, node, reply, record)
        result = outcome if reply.kind != "text" else f"text:{reply.value or ''}"
        extracted = dict(state.extracted)
        if reply.kind == "text" and reply.value:
            extracted[state.node_id or ""] = reply.value
        moved = state.evolve(extracted=extracted)
        entry = record(result)
        step = self._enter(script, moved, target, reply, (entry,))
        if isinstance(script.node(target), ResolvedNode) and not doubts(str(entry["answer"])):
            # the answer already says the fix worked ("pages load now"): believe it, no second "did it work?"
            return Step(step.state.evolve(status="resolved"), reply, step.messages, step.records)
        return step

    def _enter(
        self,
        script: Script,
        state: State,
        target: str,
        reply: Reply,
        records: tuple[dict[str, Any], ...],
        messages: tuple[str, ...] = (),
    ) -> Step:
        history = (*state.history, state.node_id) if state.node_id else state.history
        new = state.evolve(node_id=target, history=history, unknowns=0, unclear=0)
        node = script.node(target)
        if isinstance(node, EscalateNode):
            text = node.text(new.level or "novice")
            new = new.evolve(
                status="escalated", reason=node.reason, escalation=node.escalation, queue=node.queue
            )
            entry = (
                {**records[-1], "node_id": target, "question": text, "answer": None, "result": "escalated"}
                if records
                else None
            )
            return Step(new, reply, (*messages, text), (*records, *([entry] if entry else [])))
        return Step(new, reply, messages, records)

    def _confirm(self, script: Script, state: State, node: ResolvedNode, reply: Reply, record: Any) -> Step:
        if reply.kind == "yes":
            return Step(state.evolve(status="resolved"), reply, (), (record("fixed"),))
        if reply.kind == "no":
            if node.if_not_fixed:
                return self._enter(script, state, node.if_not_fixed, reply, (record("not_fixed"),))
            return self._dead_end(script, state, reply, record("not_fixed"))
        return self._unclear(script, state, node, reply, record)

    def _dead_end(self, script: Script, state: State, reply: Reply, entry: dict[str, Any]) -> Step:
        new = state.evolve(
            status="escalated", reason="script_dead_end", escalation=script.escalation, queue=script.queue
        )
        return Step(new, reply, (), (entry,))

    def _unclear(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        count = state.unclear + 1
        if count >= UNCLEAR_LIMIT:
            return self._dead_end(script, state.evolve(unclear=count), Reply("unclear"), record("unclear"))
        if isinstance(node, QuestionNode) and node.answer.kind == "choice":
            options = ", ".join(f'"{choice.label}"' for choice in node.answer.choices)
            hint = f'Sorry, I didn\'t catch that. Please pick one: {options}. Or say "not sure".'
        elif isinstance(node, QuestionNode) and node.answer.kind == "text":
            hint = 'Sorry, I didn\'t catch that. Please type what you see, or say "not sure".'
        else:
            hint = (
                "Sorry, I didn't catch that. Please answer yes or no, or say \"not sure\" if you can't check."
            )
        return Step(state.evolve(unclear=count), Reply("unclear"), (hint,), (record("unclear"),))

    def complaint(self, state: State, text: str, *, at: str | None = None) -> Step:
        """The customer is fed up: stop the checks (reason "complaint") and record the step; the action then
        apologises and offers a person, marked urgent, instead of asking the next question."""
        if state.status != "running" or state.script_id is None:
            return Step(state, Reply("human"))
        script = self.script(state.script_id)
        node_id = state.node_id or script.start
        entry = {
            "type": "diagnostic_step",
            "at": at or now_iso(),
            "script_id": script.id,
            "node_id": node_id,
            "question": script.node(node_id).text(state.level or "novice"),
            "answer": text,
            "result": "complained",
        }
        new = state.evolve(
            status="stopped", reason="complaint", escalation=script.escalation, queue=script.queue
        )
        return Step(new, Reply("human"), (), (entry,))

    # --- meta replies -----------------------------------------------------------------------------------
    def _dont_know(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        # "How do I check the voltage?" asks for more help: only "I don't know" counts towards a hand-off
        asking = bool(reply.value and reply.value.rstrip().endswith("?"))
        count = state.unknowns + (0 if asking else 1)
        if count >= DONT_KNOW_LIMIT or not isinstance(node, QuestionNode):
            return self._dead_end(script, state.evolve(unknowns=count), reply, record("dont_know"))
        help_text = self.help_text(node, reply.value)
        return Step(state.evolve(unknowns=count), reply, (help_text,), (record("dont_know"),))

    def help_steps(self, node: QuestionNode, message: str | None = None) -> tuple[str, ...]:
        """The node's help steps; FAQ-based help (separate answers) puts the one closest to the message first."""
        steps = node.help.steps if node.help else ()
        if self.ranker is None or not message or len(steps) < 2 or not node.help or not node.help.sources:
            return steps
        scores = self.ranker(message, steps)
        order = sorted(range(len(steps)), key=lambda i: (-float(scores[i]), i))
        return tuple(steps[i] for i in order)

    def help_text(self, node: QuestionNode, message: str | None = None) -> str:
        parts: list[str] = []
        steps_shown = self.help_steps(node, message)
        if steps_shown:
            steps = "\n".join(f"{n}. {step}" for n, step in enumerate(steps_shown, start=1))
            parts.append(f"No problem. Here is how to check:\n{steps}")
        if node.help and node.help.kb:
            title = self.kb_titles.get(node.help.kb, node.help.kb)
            parts.append(f'There are more details in the help article "{title}".')
        if not parts:
            parts.append(
                "That's OK. Have a look if you can. If you can't check it, say \"not sure\" again "
                "and I'll pass you to a person."
            )
        return "\n\n".join(parts)

    def _question(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        """A question back about the step: help and the reason, without counting towards a dead end."""
        parts = []
        if isinstance(node, QuestionNode) and node.help:
            parts.append(self.help_text(node, reply.value))
        if node.why:
            parts.append(node.why)
        if not parts:
            parts.append("Sorry, I can't answer that here. If you can't check this step, say \"not sure\".")
        return Step(state, reply, ("\n\n".join(parts),), (record("asked_question"),))

    def _will_check(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        return Step(state, reply, ("OK, take your time. Tell me what you find.",), (record("checking"),))

    def _why(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        why = node.why or "This check helps us narrow down the cause."
        return Step(state, reply, (why,), (record("asked_why"),))

    def _already_tried(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        if isinstance(node, ResolvedNode):
            return self._confirm(script, state, node, Reply("no"), record)
        if isinstance(node, QuestionNode):
            target = script.already_tried_target(node)
            if target:
                note = "OK, you've already tried that, so let's skip it."
                return self._enter(script, state, target, reply, (record("already_tried"),), (note,))
        return Step(state, reply, ("OK. What did you see when you tried it?",), (record("already_tried"),))

    def _back(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        if not state.history:
            return Step(
                state,
                reply,
                ("This is the first step, so there is nothing to go back to.",),
                (record("went_back"),),
            )
        new = state.evolve(node_id=state.history[-1], history=state.history[:-1], unknowns=0, unclear=0)
        return Step(new, reply, ("OK, let's go back one step.",), (record("went_back"),))

    def _resume(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        return Step(state.evolve(unclear=0), reply, ("OK, back to the checks.",), (record("resumed"),))

    def _stop(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        return Step(state.evolve(status="stopped"), reply, (), (record("stopped"),))

    def _leave(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        return Step(state.evolve(status="stopped", reason="customer_left"), reply, (), (record("left"),))

    def _fixed(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        """The customer says it works now: believe them, with no second "did it work?"."""
        return Step(state.evolve(status="resolved"), reply, (), (record("fixed"),))

    def _human(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        new = state.evolve(
            status="escalated", reason="customer_request", escalation=script.escalation, queue=script.queue
        )
        return Step(new, reply, (), (record("asked_for_person"),))

    def _level(self, script: Script, state: State, node: Any, reply: Reply, record: Any) -> Step:
        level: Level = "novice" if reply.kind == "simpler" else "expert"
        note = (
            "Sure, I'll explain it more simply." if level == "novice" else "Sure, I'll keep the steps short."
        )
        return Step(state.evolve(level=level), reply, (note,), (record(f"level_{level}"),))


def _is_fix_step(script: Script, node: QuestionNode) -> bool:
    """A yes/no step whose "yes" means the problem is gone ("Does the internet work now?")."""
    target = node.next.get("yes")
    return (
        node.answer.kind == "yes_no"
        and target is not None
        and isinstance(script.nodes.get(target), ResolvedNode)
    )


def _outcome(node: QuestionNode, reply: Reply) -> str | None:
    if node.answer.kind == "yes_no":
        return reply.kind if reply.kind in ("yes", "no") else None
    if node.answer.kind == "choice":
        return reply.value if reply.kind == "choice" else None
    if reply.kind != "text":
        return None
    if not node.answer.extract:
        return "any"
    return "matched" if reply.value else "unmatched"


_ESCAPE_KINDS = ("human", "stop", "leave", "fixed")
"""Kinds that leave the script whatever it asked, the familiarity question included."""

_HANDLERS: dict[str, Callable[..., Step]] = {
    "dont_know": Engine._dont_know,
    "why": Engine._why,
    "question": Engine._question,
    "will_check": Engine._will_check,
    "already_tried": Engine._already_tried,
    "back": Engine._back,
    "stop": Engine._stop,
    "human": Engine._human,
    "fixed": Engine._fixed,
    "leave": Engine._leave,
    "resume": Engine._resume,
    "simpler": Engine._level,
    "expert": Engine._level,
}
