"""Printable coaching handouts: the same wording the bot uses, with the why of each step."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Literal

import jinja2

from actions.diagnostics.engine import Engine
from actions.diagnostics.schema import EscalateNode, Level, QuestionNode, ResolvedNode, Script
from actions.diagnostics.state import State

Format = Literal["md", "html"]

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ script.title }}</title>
<style>
body { font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.5; }
section { border-top: 1px solid #999; padding: .5em 0; page-break-inside: avoid; }
.why { color: #333; font-style: italic; }
.end { font-weight: bold; }
@media print { body { margin: 0; } }
</style></head><body>
<h1>{{ script.title }}</h1>
{% if script.summary %}<p>{{ script.summary }}</p>{% endif %}
{% if script.products %}<p>Works for: {{ script.products | join(", ") }}</p>{% endif %}
<p>Start at step 1 and follow the answer to the next step.</p>
{% for step in steps %}
<section id="step-{{ step.number }}">
<h2>Step {{ step.number }}: {{ step.heading }}</h2>
<p{% if step.end %} class="end"{% endif %}>{{ step.text }}</p>
{% if step.why %}<p class="why">Why: {{ step.why }}</p>{% endif %}
{% if step.help %}<p>How to check:</p><ol>{% for line in step.help %}<li>{{ line }}</li>{% endfor %}</ol>{% endif %}
{% if step.kb %}<p>More help: {{ step.kb }}</p>{% endif %}
{% if step.go %}<ul>{% for label, target in step.go %}
<li>{{ label }} → <a href="#step-{{ target }}">step {{ target }}</a></li>{% endfor %}</ul>{% endif %}
</section>
{% endfor %}
</body></html>
"""


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True)


def _order(script: Script) -> list[str]:
    """Breadth-first from the start, so step numbers follow the usual path."""
    order: list[str] = []
    todo = [script.start]
    while todo:
        node_id = todo.pop(0)
        if node_id in order:
            continue
        order.append(node_id)
        node = script.nodes[node_id]
        if isinstance(node, QuestionNode):
            todo.extend(node.next.values())
        elif isinstance(node, ResolvedNode) and node.if_not_fixed:
            todo.append(node.if_not_fixed)
    order.extend(nid for nid in script.nodes if nid not in order)
    return order


def handout_steps(engine: Engine, script_id: str, level: Level = "novice") -> list[dict[str, Any]]:
    """Every step of a script in reading order: number, heading, the bot's own wording, why, how to check,
    the related article and where each answer leads."""
    script = engine.script(script_id)
    order = _order(script)
    number = {node_id: n for n, node_id in enumerate(order, start=1)}
    steps = []
    for node_id in order:
        node = script.nodes[node_id]
        state = State(script_id=script.id, node_id=node_id, level=level)
        text = engine.prompt(state).text  # exactly what the bot shows
        go: list[tuple[str, int]] = []
        help_lines: tuple[str, ...] = ()
        kb = None
        heading = "Check"
        if isinstance(node, QuestionNode) and not node.novice.rstrip().endswith("?"):
            heading = "Try this"
        if isinstance(node, QuestionNode):
            labels = {
                "yes": "Yes",
                "no": "No",
                "any": "Any answer",
                "matched": "Found it",
                "unmatched": "Not found",
            }
            labels.update({choice.id: choice.label for choice in node.answer.choices})
            go = [(labels.get(key, key), number[target]) for key, target in node.next.items()]
            if node.help:
                help_lines = node.help.steps
                kb = engine.kb_titles.get(node.help.kb, node.help.kb) if node.help.kb else None
        elif isinstance(node, ResolvedNode):
            heading = "Fixed?"
            if node.if_not_fixed:
                go = [("Not fixed", number[node.if_not_fixed])]
        elif isinstance(node, EscalateNode):
            heading = f"Pass to a person ({node.escalation}, {node.queue} queue)"
        steps.append(
            {
                "number": number[node_id],
                "heading": heading,
                "text": text,
                "why": node.why,
                "help": help_lines,
                "kb": kb,
                "go": go,
                "end": not isinstance(node, QuestionNode),
            }
        )
    return steps


def render(engine: Engine, script_id: str, fmt: Format = "md", level: Level = "novice") -> str:
    script = engine.script(script_id)
    steps = handout_steps(engine, script_id, level)
    if fmt == "md":
        return _markdown(script, steps)
    return _environment().from_string(_HTML).render(script=script, steps=steps)


def write_handouts(engine: Engine, folder: Path, level: Level = "novice") -> list[Path]:
    """One JSON file per script, `<script id>.json`, for the help pages the handoff service serves (it
    cannot import the scripts' code, so it reads their handouts as data). Files of removed scripts go."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for script_id in sorted(engine.scripts):
        script = engine.script(script_id)
        handout = {
            "id": script.id,
            "title": script.title,
            "summary": script.summary or "",
            "products": list(script.products),
            "steps": handout_steps(engine, script_id, level),
        }
        path = folder / f"{script_id}.json"
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(handout, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(path)  # a handoff process reading it never sees half a file
        written.append(path)
    for stale in set(folder.glob("*.json")) - set(written):
        stale.unlink()
    return written


def _markdown(script: Script, steps: list[dict[str, Any]]) -> str:
    lines = [f"# {script.title}", ""]
    if script.summary:
        lines += [script.summary, ""]
    if script.products:
        lines += [f"Works for: {', '.join(script.products)}", ""]
    lines += ["Start at step 1 and follow the answer to the next step.", ""]
    for step in steps:
        lines += [f"## Step {step['number']}: {step['heading']}", "", step["text"], ""]
        if step["why"]:
            lines += [f"*Why:* {step['why']}", ""]
        if step["help"]:
            lines += ["How to check:", ""]
            lines += [f"{n}. {line}" for n, line in enumerate(step["help"], start=1)]
            lines.append("")
        if step["kb"]:
            lines += [f"More help: {step['kb']}", ""]
        if step["go"]:
            lines += [f"- {label} → step {target}" for label, target in step["go"]]
            lines.append("")
    return "\n".join(lines)
