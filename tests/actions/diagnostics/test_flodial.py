from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from actions.diagnostics.engine import Engine
from actions.diagnostics.flodial import MISSING_BRANCH, convert, import_directory
from actions.diagnostics.router import ScriptRouter
from actions.diagnostics.schema import QuestionNode, ResolvedNode, load_script

CHART = {
    "name": "laptop_power",
    "category": "laptops",
    "problem_description": "Your laptop will not turn on.",
    "nodes": {
        "1": {"label": "Power LED?", "terminal": False, "utterance": "Is the power light on?"},
        "2": {
            "label": "Adapter ok?",
            "terminal": False,
            "utterance": "Does the adapter voltage match its label?",
        },
        "3": {"label": "Replace adapter", "terminal": True, "utterance": "Please replace the adapter."},
        "4": {"label": "Check board", "terminal": True, "utterance": "The motherboard needs a repair."},
    },
    "edges": {"1": {"yes": "4", "no": "2"}, "2": {"no": "3"}},
    "supporting_faqs": [
        {"q": "How do I measure the adapter voltage?", "a": "Use a voltmeter on the barrel plug.", "id": "0"},
        {
            "q": "Why does the power light matter?",
            "a": "It shows whether power reaches the board.",
            "id": "1",
        },
    ],
}


def test_flowchart_becomes_a_script_with_faq_help_and_why(tmp_path: Path) -> None:
    script = convert(CHART)
    assert script.start == "1"
    adapter = script.nodes["2"]
    assert isinstance(adapter, QuestionNode)
    assert adapter.help is not None and adapter.help.steps == ("Use a voltmeter on the barrel plug.",)
    assert adapter.help.sources == ("faq-0",)
    assert adapter.next == {"yes": MISSING_BRANCH, "no": "3"}
    assert script.nodes["1"].why == "It shows whether power reaches the board."
    assert isinstance(script.nodes["3"], ResolvedNode)
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "laptop_power.json").write_text(json.dumps(CHART), encoding="utf-8")
    [path] = import_directory(tmp_path / "charts", tmp_path / "out")
    assert load_script(path) == script


def test_imported_script_runs_in_the_engine() -> None:
    script = convert(CHART)
    engine = Engine({script.id: script})
    state = engine.start(script.id, "novice")
    step = engine.answer(state, "How do I measure that?")
    assert step.state.node_id == "1"
    state = engine.answer(state, "No, the light stays off.").state
    assert state.node_id == "2"
    step = engine.answer(state, "how would I check the voltage?")
    assert "voltmeter" in step.messages[0]


def _bag_of_words(texts: list[str]) -> np.ndarray:
    vocab = ["laptop", "light", "power", "printer", "paper", "jam", "turn"]
    rows = np.array([[t.lower().count(w) for w in vocab] for t in texts], dtype=np.float32) + 1e-6
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_router_picks_the_closest_script() -> None:
    laptop = convert(CHART)
    printer = convert(
        {
            **CHART,
            "name": "printer_jam",
            "problem_description": "Paper jam in the printer.",
            "nodes": {
                **CHART["nodes"],
                "1": {
                    "label": "Jam?",
                    "terminal": False,
                    "utterance": "Is there a paper jam in the printer?",
                },
            },
        }
    )
    router = ScriptRouter({laptop.id: laptop, printer.id: printer}, _bag_of_words)
    assert router.choose("my printer has a paper jam") == "printer_jam"
    assert router.choose("the laptop power light will not turn on") == "laptop_power"
