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
regression). Here it is trained on the repository's labelled pairs plus (question, answer, yes/no/unclear)
pairs taken from --train-dialogs (default: the FloDial dev file). When the scored dialogs are the training
dialogs, every flowchart is scored by a model trained without any dialog of that flowchart (leave one
flowchart out); `answer_model` in the output says which protocol ran. `--train-dialogs none`: repository
pairs only (what the bot ships).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actions.diagnostics.answers import AnswerModel, CachedEmbedder, LabelledAnswer, answers_dir, load_pairs
from actions.diagnostics.engine import Engine
from actions.diagnostics.flodial import import_charts, load_charts
from actions.diagnostics.router import ScriptRouter, minilm_embedder
from actions.diagnostics.schema import Script
from actions.diagnostics.state import State

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
    node (a question back, "not sure", ...) -> unclear. The source is the flowchart, for grouped folds."""
    pairs = []
    for dialog in dialogs.values():
        script = scripts.get(dialog["flowchart"])
        if script is None:
            continue
        turns = dialog["utterences"]
        users = [i for i, t in enumerate(turns) if t["speaker"] == "user"]
        for n, index in enumerate(users[1:], start=1):
            node = script.nodes.get(_chart(turns[index].get("grounded_doc_id")) or "")
            agent = turns[index + 1] if index + 1 < len(turns) else None
            if node is None or node.type != "question" or agent is None:
                continue
            following = users[n + 1] if n + 1 < len(users) else None
            gold = _chart(agent.get("grounded_doc_id")) or (
                _chart(turns[following].get("grounded_doc_id")) if following else None
            )
            at = _chart(turns[index].get("grounded_doc_id"))
            label = {node.next.get("yes"): "yes", node.next.get("no"): "no", at: "unclear"}.get(gold)
            if label:
                pairs.append(LabelledAnswer(node.novice, turns[index]["utterance"], label, script.id))
    return pairs


def _first_faq(messages: tuple[str, ...], faqs: dict[str, str]) -> str | None:
    text = "\n".join(messages)
    found = [(text.find(answer), faq_id) for faq_id, answer in faqs.items() if answer and answer in text]
    return min(found)[1] if found else None


def evaluate(
    dialogs: dict[str, Any],
    scripts: dict[str, Script],
    router: ScriptRouter,
    faq_texts: dict[str, dict[str, str]],
    engines: dict[str, Engine] | None = None,
) -> dict[str, Any]:
    """`engines`: the engine to use for each gold flowchart (its fold's answer model); default rules only."""
    default = Engine(scripts)
    engines = engines or {}
    routed = steps = step_hits = faq_turns = faq_hits = successes = 0
    per_chart: dict[str, list[int]] = {}
    for dialog in dialogs.values():
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
        engine = engines.get(gold_script, default)
        # Teacher-forced steps: start each turn at the chart node it is about.
        for n, index in enumerate(users):
            agent = turns[index + 1] if index + 1 < len(turns) else None
            if agent is None or agent["speaker"] != "agent" or not agent.get("grounded_doc_id"):
                continue
            if n == 0:
                state = engine.start(gold_script, "novice")
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
        state = engine.start(chosen, "novice")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dialogs", type=Path, required=True)
    parser.add_argument("--knowledge", type=Path, required=True)
    parser.add_argument(
        "--train-dialogs",
        default=str(DEV_DIALOGS),
        help='dialogs the answer model learns from (default: the FloDial dev file); "none": repository pairs only',
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    dialogs = json.loads(args.dialogs.read_text(encoding="utf-8"))
    embed = CachedEmbedder(minilm_embedder())
    charts = load_charts(args.knowledge)
    scripts = import_charts(args.knowledge, embed)
    router = ScriptRouter(scripts, embed)

    def ranker(message: str, texts: Any) -> Any:
        return embed(list(texts)) @ embed([message])[0]

    own = load_pairs(answers_dir())
    train_path = None if args.train_dialogs == "none" else Path(args.train_dialogs)
    extra: list[LabelledAnswer] = []
    if train_path is not None and train_path.is_file():
        extra = training_pairs(json.loads(train_path.read_text(encoding="utf-8")), scripts)
    same = train_path is not None and train_path.is_file() and train_path.resolve() == args.dialogs.resolve()
    if extra:  # embed every text once, in batches
        embed([p.question for p in extra] + [p.answer for p in extra])
    engines: dict[str, Engine] = {}
    if same:
        protocol = "leave-one-flowchart-out: repo pairs + the other flowcharts' dialogs"
        for chart_id in scripts:
            model = AnswerModel(embed, own + [p for p in extra if p.source != chart_id])
            engines[chart_id] = Engine(scripts, answer_model=lambda m=model: m, ranker=ranker)
    else:
        protocol = "repo pairs + " + (str(train_path) if extra else "no dialogs")
        model = AnswerModel(embed, own + extra)
        engines = {
            chart_id: Engine(scripts, answer_model=lambda: model, ranker=ranker) for chart_id in scripts
        }
    result = evaluate(dialogs, scripts, router, _faq_texts(charts), engines)
    result["answer_model"] = protocol
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
