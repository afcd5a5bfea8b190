"""FloDial importer: troubleshooting flowcharts (knowledge-sources/*.json) -> scripts in our format.

Chart nodes keep their ids, so benchmark dialogs grounded on "chart-N" map to node "N". Supporting FAQs are
attached to the chart node they talk about: the most similar node question by MiniLM when an embedder is
given, else the one sharing most words. "why"-style FAQs become the node's `why`, the rest its `help`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from actions.diagnostics.errors import ScriptError
from actions.diagnostics.schema import Script, dump_script, parse_script

MISSING_BRANCH = "no_branch"
DEFAULT_WHY = "Your answer decides which check comes next."
_WHY_FAQ = re.compile(
    r"^\s*(why|how (does|will|would) (it|this|that) help|what is the (point|reason)|"
    r"how is .* (related|important)|what does .* have to do)",
    re.IGNORECASE,
)
_STOP = set(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "i",
        "you",
        "your",
        "my",
        "it",
        "its",
        "this",
        "that",
        "to",
        "of",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "if",
        "not",
        "no",
        "yes",
        "can",
        "how",
        "what",
        "why",
        "when",
        "which",
        "there",
        "their",
        "they",
        "them",
        "we",
        "our",
        "me",
        "at",
        "by",
        "from",
        "as",
        "so",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _STOP and len(w) > 2}


Embedder = Callable[[Sequence[str]], np.ndarray]


def _attach_faqs(chart: dict[str, Any], embed: Embedder | None = None) -> dict[str, list[dict[str, str]]]:
    nodes = chart["nodes"]
    questions = [nid for nid, node in nodes.items() if not node.get("terminal")]
    faqs = chart.get("supporting_faqs") or []
    if embed is not None and questions and faqs:
        node_vecs = np.asarray(embed([nodes[nid]["utterance"] or nodes[nid]["label"] for nid in questions]))
        faq_vecs = np.asarray(embed([f"{faq['q']} {faq['a']}" for faq in faqs]))
        best_nodes = (faq_vecs @ node_vecs.T).argmax(axis=1)
        by_node: dict[str, list[dict[str, str]]] = {}
        for faq, index in zip(faqs, best_nodes, strict=True):
            by_node.setdefault(questions[int(index)], []).append(faq)
        return by_node
    attached: dict[str, list[dict[str, str]]] = {}
    for faq in faqs:
        faq_words = _words(faq["q"])
        best = max(
            questions,
            key=lambda nid: (
                len(faq_words & _words(nodes[nid]["utterance"] + " " + nodes[nid]["label"])),
                -int(nid),
            ),
            default=None,
        )
        if best is not None:
            attached.setdefault(best, []).append(faq)
    return attached


def _root(chart: dict[str, Any]) -> str:
    targets = {t for edge in chart["edges"].values() for t in edge.values()}
    roots = [nid for nid in chart["edges"] if nid not in targets]
    if not roots:
        raise ScriptError(f"flowchart {chart.get('name')!r} has no root node")
    return sorted(roots, key=int)[0]


def convert(chart: dict[str, Any], embed: Embedder | None = None) -> Script:
    """One FloDial flowchart as a Script."""
    name = str(chart["name"])
    faqs = _attach_faqs(chart, embed)
    queue = str(chart.get("category") or "general")
    nodes: dict[str, Any] = {}
    needs_fallback = False
    for node_id, node in chart["nodes"].items():
        text = node["utterance"].strip() or node["label"].strip()
        if node.get("terminal"):
            nodes[node_id] = {
                "type": "resolved",
                "novice": text,
                "expert": node["label"].strip() or text,
                "why": "This fits all the answers you gave.",
                "confirm": "Did that solve the problem?",
            }
            continue
        edge = chart["edges"].get(node_id, {})
        if not edge.get("yes") or not edge.get("no"):
            needs_fallback = True
        own = faqs.get(node_id, [])
        why = [f for f in own if _WHY_FAQ.match(f["q"])]
        helps = [f for f in own if not _WHY_FAQ.match(f["q"])]
        entry: dict[str, Any] = {
            "novice": text,
            "expert": text,
            "why": " ".join(f["a"] for f in why) or DEFAULT_WHY,
            "next": {"yes": edge.get("yes") or MISSING_BRANCH, "no": edge.get("no") or MISSING_BRANCH},
        }
        if helps:
            entry["help"] = {"steps": [f["a"] for f in helps], "sources": [f"faq-{f['id']}" for f in helps]}
        nodes[node_id] = entry
    if needs_fallback:
        nodes[MISSING_BRANCH] = {
            "type": "escalate",
            "novice": "This case is not covered by the flowchart. A person will take it from here.",
            "expert": "Not covered; escalating.",
            "queue": queue,
        }
    description = str(chart.get("problem_description") or name)
    data = {
        "id": name,
        "title": name.replace("_", " ").capitalize(),
        "summary": description,
        "products": [queue],
        "triggers": [description],
        "queue": queue,
        "start": _root(chart),
        "nodes": nodes,
    }
    return parse_script(data, f"flowchart {name}")


def load_charts(directory: Path) -> list[dict[str, Any]]:
    charts = []
    for path in sorted(directory.glob("*.json")):
        try:
            charts.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ScriptError(f"{path}: cannot read: {exc}") from exc
    if not charts:
        raise ScriptError(f"{directory}: no flowchart JSON files")
    return charts


def import_charts(directory: Path, embed: Embedder | None = None) -> dict[str, Script]:
    return {script.id: script for script in (convert(chart, embed) for chart in load_charts(directory))}


def import_directory(knowledge: Path, output: Path, embed: Embedder | None = None) -> list[Path]:
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for script in import_charts(knowledge, embed).values():
        path = output / f"{script.id}.yml"
        path.write_text(dump_script(script), encoding="utf-8")
        written.append(path)
    return written
