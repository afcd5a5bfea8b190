"""FloDial benchmark: replay real troubleshooting dialogs through the diagnostic runtime.

    .venv/bin/python bench/flodial.py --dialogs ../shared/datasets/flodial/dialogs_dev.json \
        --knowledge ../shared/datasets/flodial/knowledge-sources --json

The flowcharts are imported with the same importer as `python -m actions.diagnostics import-flodial`; every
user turn goes through the bot's own code: ScriptRouter (MiniLM) picks the script from the first message,
Engine.answer + understanding move through it. Prints one JSON object:
- flowchart_accuracy: script chosen from the first user message equals the dialog's flowchart.
- step_accuracy: for each later user turn, starting from the chart node the turn is about, the node the
  runtime moves to equals the node the agent grounded on next (the agent's chart node; when the agent
  answered from an FAQ instead, the chart node the conversation is on at the next user turn).
- success_rate: replaying the whole dialog from the routed script (no corrections), the runtime ends on the
  dialog's terminal chart node.
- faq_recall_at_1: user turns the agent answered from an FAQ where the first FAQ text in the runtime's reply
  at that node is the same FAQ (any of the chart's FAQs, whether it became the node's help or its why).

Answer model: the runtime reads statement answers with actions.diagnostics.answers (MiniLM + logistic
regression, plus a nearest-neighbour vote over earlier answers to the same step when it has examples). Here it
is trained on the repository's labelled pairs plus (question, answer, yes/no/unclear, step) pairs taken from
training dialogs, and its entry memory on (first user message, first chart node the agent asked) from the same
training dialogs: the runtime starts with Engine.start(script, level, first message), which may skip steps
the first message already answers. Engine.answer re-synchronises (an answer that fits another step's
question clearly better moves there; see engine.Resync), with this bench's MiniLM ranker. Nothing of a scored
dialog beyond the turns already replayed is used. `--protocol` says which dialogs train, when the scored file
is the training file (the dev file):
- dialog-cv (default): 5 folds over dialogs, stratified by flowchart; each fold is scored by a model trained on
  the other 4/5 of the dialogs. No dialog is trained and tested on. This estimates the held-out score (unseen
  dialogs of the same charts).
- chart-out: each flowchart is scored by a model trained without any dialog of that flowchart (the "new
  chart" estimate: no per-step examples at all).
When --dialogs is another file (the held-out half), the model is trained on all of --train-dialogs (default:
dialogs_dev.json in the same folder as --dialogs, else ../shared/datasets/flodial/dialogs_dev.json beside the
repository; if neither exists the bench stops and says so). `--train-dialogs none`: repository pairs only
(what the bot ships). `protocol` in the output says what ran.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actions.diagnostics.answers import (
    AnswerModel,
    CachedEmbedder,
    Entry,
    LabelledAnswer,
    answers_dir,
    load_pairs,
    node_key,
)
from actions.diagnostics.engine import Engine
from actions.diagnostics.flodial import import_charts, load_charts
from actions.diagnostics.router import ScriptRouter, minilm_embedder
from actions.diagnostics.schema import Script
from actions.diagnostics.state import State
from actions.diagnostics.understanding import normalise

DEV_DIALOGS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "flodial" / "dialogs_dev.json"


def _chart(doc: str | None) -> str | None:
    return doc.split("-", 1)[1] if doc and doc.startswith("chart-") else None


def _faq_texts(charts: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Chart name -> FAQ id ("faq-N") -> answer text."""
    return {
        str(chart["name"]): {f"faq-{faq['id']}": str(faq["a"]) for faq in chart.get("supporting_faqs") or []}
        for chart in charts
    }


def training_pairs(dialogs: dict[str, Any], scripts: dict[str, Script]) -> list[LabelledAnswer]:
    """(step question, user answer) labelled by where the agent went next: the yes or no branch, or the same
    node (a question back, "not sure", ...) -> unclear. The source is the flowchart, for grouped folds; the
    node is the step answered, for the per-step vote."""
    pairs = []
    for dialog in dialogs.values():
        script = scripts.get(dialog["flowchart"])
        if script is None:
            continue
        turns = dialog["utterences"]
        users = [i for i, t in enumerate(turns) if t["speaker"] == "user"]
        for n, index in enumerate(users[1:], start=1):
            at = _chart(turns[index].get("grounded_doc_id")) or ""
            node = script.nodes.get(at)
            agent = turns[index + 1] if index + 1 < len(turns) else None
            if node is None or node.type != "question" or agent is None:
                continue
            following = users[n + 1] if n + 1 < len(users) else None
            gold = _chart(agent.get("grounded_doc_id")) or (
                _chart(turns[following].get("grounded_doc_id")) if following else None
            )
            label = {node.next.get("yes"): "yes", node.next.get("no"): "no", at: "unclear"}.get(gold)
            if label:
                pairs.append(
                    LabelledAnswer(
                        node.novice, turns[index]["utterance"], label, script.id, node_key(script.id, at)
                    )
                )
    return pairs


def training_entries(dialogs: dict[str, Any], scripts: dict[str, Script]) -> list[Entry]:
    """(first user message, the chart node the agent asked first) for the entry memory."""
    entries = []
    for dialog in dialogs.values():
        turns = dialog["utterences"]
        if len(turns) < 2 or turns[0]["speaker"] != "user" or dialog["flowchart"] not in scripts:
            continue
        first = _chart(turns[1].get("grounded_doc_id"))
        if first in scripts[dialog["flowchart"]].nodes:
            entries.append(Entry(dialog["flowchart"], turns[0]["utterance"], first, dialog["flowchart"]))
    return entries


def _first_faq(messages: tuple[str, ...], faqs: dict[str, str]) -> str | None:
    text = "\n".join(messages)
    found = [(text.find(answer), faq_id) for faq_id, answer in faqs.items() if answer and answer in text]
    return min(found)[1] if found else None


def evaluate(
    dialogs: dict[str, Any],
    scripts: dict[str, Script],
    router: ScriptRouter,
    faq_texts: dict[str, dict[str, str]],
    engines: Mapping[str, Engine] | None = None,
) -> dict[str, Any]:
    """`engines`: the engine to use for each dialog id (its fold's answer model); default rules only."""
    default = Engine(scripts)
    engines = engines or {}
    routed = steps = step_hits = faq_turns = faq_hits = successes = 0
    per_chart: dict[str, list[int]] = {}
    for dialog_id, dialog in dialogs.items():
        turns = dialog["utterences"]
        gold_script = dialog["flowchart"]
        users = [i for i, t in enumerate(turns) if t["speaker"] == "user"]
        if not users:
            continue
        chosen = router.choose(turns[users[0]]["utterance"])
        routed += chosen == gold_script
        per_chart.setdefault(gold_script, [0, 0])[1] += 1
        per_chart[gold_script][0] += chosen == gold_script
        script = scripts[gold_script]
        faqs = faq_texts.get(gold_script, {})
        engine = engines.get(dialog_id, default)
        # Teacher-forced steps: start each turn at the chart node it is about.
        for n, index in enumerate(users):
            agent = turns[index + 1] if index + 1 < len(turns) else None
            if agent is None or agent["speaker"] != "agent" or not agent.get("grounded_doc_id"):
                continue
            if n == 0:
                state = engine.start(gold_script, "novice", turns[index]["utterance"])
                gold_next = _chart(agent["grounded_doc_id"])
                if gold_next:
                    steps += 1
                    step_hits += state.node_id == gold_next
                continue
            at = _chart(turns[index].get("grounded_doc_id"))
            if at not in script.nodes:
                continue
            state = State(script_id=gold_script, node_id=at, level="novice")
            step = engine.answer(state, turns[index]["utterance"])
            gold_next = _chart(agent["grounded_doc_id"])
            if gold_next is None:
                faq_turns += 1
                faq_hits += _first_faq(step.messages, faqs) == agent["grounded_doc_id"]
                following = users[n + 1] if n + 1 < len(users) else None
                gold_next = _chart(turns[following].get("grounded_doc_id")) if following else None
            if gold_next is not None:
                steps += 1
                step_hits += step.state.node_id == gold_next
        # Free-running replay for success.
        charts = [_chart(t.get("grounded_doc_id")) for t in turns if t["speaker"] == "agent"]
        charts = [c for c in charts if c]
        final = charts[-1] if charts else None
        state = engine.start(chosen, "novice", turns[users[0]]["utterance"])
        for index in users[1:]:
            if state.status != "running":
                break
            node = scripts[chosen].nodes.get(state.node_id or "")
            if node is not None and node.type == "resolved":
                break
            state = engine.answer(state, turns[index]["utterance"]).state
        successes += chosen == gold_script and state.node_id == final
    n = len(dialogs)
    return {
        "flowchart_accuracy": round(100 * routed / n, 1),
        "step_accuracy": round(100 * step_hits / max(steps, 1), 1),
        "success_rate": round(100 * successes / n, 1),
        "faq_recall_at_1": round(100 * faq_hits / max(faq_turns, 1), 1),
        "n_dialogs": n,
        "n_steps": steps,
        "n_faq_turns": faq_turns,
        "flowchart_accuracy_by_chart": {k: round(100 * v[0] / v[1], 1) for k, v in sorted(per_chart.items())},
    }


def dialog_folds(dialogs: Mapping[str, Any], folds: int = 5) -> dict[str, int]:
    """Dialog id -> fold: within each flowchart, dialogs in id order are dealt round-robin (stratified,
    grouped by dialog, deterministic)."""
    by_chart: dict[str, list[str]] = {}
    for dialog_id, dialog in dialogs.items():
        by_chart.setdefault(str(dialog["flowchart"]), []).append(dialog_id)
    assignment: dict[str, int] = {}
    offset = 0
    for chart in sorted(by_chart):
        for n, dialog_id in enumerate(sorted(by_chart[chart])):
            assignment[dialog_id] = (n + offset) % folds
        offset += len(by_chart[chart])
    return assignment


def build_engines(
    protocol: str,
    dialogs: Mapping[str, Any],
    train: Mapping[str, Any] | None,
    scripts: dict[str, Script],
    own: list[LabelledAnswer],
    embed: CachedEmbedder,
    ranker: Any,
    folds: int = 5,
) -> dict[str, Engine]:
    """One engine per scored dialog id, with the answer model its protocol allows."""

    def engine(pairs: list[LabelledAnswer], entries: list[Entry]) -> Engine:
        model = AnswerModel(embed, own + pairs, entries=entries)
        return Engine(scripts, answer_model=lambda: model, ranker=ranker)

    if protocol == "dialog-cv" and train is not None:
        fold_of = dialog_folds(train, folds)
        engines: dict[str, Engine] = {}
        for fold in range(folds):
            training = {d: v for d, v in train.items() if fold_of[d] != fold}
            fold_engine = engine(training_pairs(training, scripts), training_entries(training, scripts))
            engines.update({d: fold_engine for d in dialogs if fold_of.get(d) == fold})
        return engines
    if protocol == "chart-out" and train is not None:
        pairs = training_pairs(dict(train), scripts)
        entries = training_entries(dict(train), scripts)
        by_chart = {
            chart_id: engine(
                [p for p in pairs if p.source != chart_id], [e for e in entries if e.script != chart_id]
            )
            for chart_id in scripts
        }
        return {d: by_chart[v["flowchart"]] for d, v in dialogs.items() if v["flowchart"] in by_chart}
    if train is None:
        shared = engine([], [])
    else:
        shared = engine(training_pairs(dict(train), scripts), training_entries(dict(train), scripts))
    return {d: shared for d in dialogs}


def _train_dialogs(parser: argparse.ArgumentParser, given: str | None, scored: Path) -> str:
    """The training dialogs' path, or "none". A missing file is an error, never a silent "none": the answer
    model without dialogs scores far lower (docs/diagnostics.md), which would look like a regression."""
    if given == "none":
        return given
    if given is not None:
        if not Path(given).is_file():
            parser.error(f"--train-dialogs {given}: no such file (pass the FloDial dev file, or none)")
        return given
    for candidate in (scored.parent / DEV_DIALOGS.name, DEV_DIALOGS):
        if candidate.is_file():
            return str(candidate)
    parser.error(
        f"no training dialogs found ({scored.parent / DEV_DIALOGS.name} or {DEV_DIALOGS}): "
        "pass --train-dialogs FILE (the FloDial dev file) or --train-dialogs none"
    )
    raise AssertionError("unreachable")  # parser.error exits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dialogs", type=Path, required=True)
    parser.add_argument("--knowledge", type=Path, required=True)
    parser.add_argument(
        "--train-dialogs",
        help="dialogs the answer model learns from (default: dialogs_dev.json next to --dialogs, else the "
        'FloDial dev file beside this repository); "none": repository pairs only',
    )
    parser.add_argument(
        "--protocol",
        choices=("dialog-cv", "chart-out"),
        default="dialog-cv",
        help="when --dialogs is the training file: 5-fold over dialogs (default) or leave one flowchart out",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--embed-cache",
        type=Path,
        help="an .npz of MiniLM embeddings to reuse between runs (created if missing)",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    args.train_dialogs = _train_dialogs(parser, args.train_dialogs, args.dialogs)
    dialogs = json.loads(args.dialogs.read_text(encoding="utf-8"))
    embed = CachedEmbedder(minilm_embedder())
    if args.embed_cache and args.embed_cache.is_file():
        with np.load(args.embed_cache) as stored:
            texts = [str(t) for t in stored["texts"]]
            embed.cache.update(zip(texts, stored["vectors"], strict=True))
    charts = load_charts(args.knowledge)
    scripts = import_charts(args.knowledge, embed)
    router = ScriptRouter(scripts, embed)

    def ranker(message: str, texts: Any) -> Any:
        return embed(list(texts)) @ embed([message])[0]

    own = load_pairs(answers_dir())
    train_path = None if args.train_dialogs == "none" else Path(args.train_dialogs)
    train = (
        json.loads(train_path.read_text(encoding="utf-8"))
        if train_path is not None and train_path.is_file()
        else None
    )
    same = train is not None and train_path is not None and train_path.resolve() == args.dialogs.resolve()
    if train is not None:  # embed every training text once, in batches
        extra = training_pairs(train, scripts)
        embed([p.question for p in extra] + [normalise(p.answer) for p in extra])
    if same:
        protocol = args.protocol
        description = {
            "dialog-cv": f"{args.folds}-fold cross-validation over dialogs (stratified by flowchart): repo "
            "pairs + the other folds' dialogs",
            "chart-out": "leave one flowchart out: repo pairs + the other flowcharts' dialogs",
        }[protocol]
    else:
        protocol = "train-all"
        description = "repo pairs + " + (str(train_path) if train is not None else "no dialogs")
    engines = build_engines(protocol, dialogs, train, scripts, own, embed, ranker, args.folds)
    result = evaluate(dialogs, scripts, router, _faq_texts(charts), engines)
    result["protocol"] = protocol
    result["answer_model"] = description
    if args.embed_cache:
        np.savez(
            args.embed_cache, texts=np.array(list(embed.cache)), vectors=np.stack(list(embed.cache.values()))
        )
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
