"""Fit the decision thresholds on labelled data and write `calibration.json`.

Data: BEIR folders with unanswerable queries (e.g. ../shared/datasets/stackfaq-dev) and question sets for
our own KB (`data/kb_questions/*.jsonl`: {"id", "text", "relevant": [doc_id, ...]}, [] = unanswerable).
Grid search: maximise mean(answerable_coverage + unanswerable_abstained) over the data sets, subject to
answered_precision >= PRECISION_FLOOR on each, with a small penalty per clarify. A grouped 2-fold split of
each BEIR set (by topic) reports what to expect on unseen data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.beir import BeirSet, load_beir
from knowledge_base.calibration import CALIBRATION_PATH, Calibration, load_calibration, save_calibrations
from knowledge_base.decision import DecisionParams, margin_of, topic_key
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.evaluation import QueryRun, decision_metrics, ranking_metrics
from knowledge_base.ingest import load_folder

log = logging.getLogger(__name__)

PRECISION_FLOOR = {"faq": 0.975, "articles": 0.98}
CLARIFY_PENALTY = 0.5
SCORE_GRID = np.round(np.arange(0.30, 0.90, 0.01), 3)
MARGIN_GRID = np.round(np.arange(0.0, 0.151, 0.005), 3)
CLARIFY_DROP = np.round(np.arange(0.0, 0.101, 0.02), 3)
GAP_GRID = (0.02, 0.04, 0.06)


@dataclass(frozen=True)
class Features:
    """Per-query arrays the decision rule depends on."""

    score: np.ndarray
    margin: np.ndarray
    top_ok: np.ndarray
    answerable: np.ndarray
    n_options: dict[float, np.ndarray]
    options_ok: dict[float, np.ndarray]
    groups: np.ndarray


def features(runs: Sequence[QueryRun], groups: Sequence[str], max_options: int = 3) -> Features:
    score, margin = np.array([margin_of(r.hits) for r in runs]).reshape(-1, 2).T
    n_options: dict[float, np.ndarray] = {}
    options_ok: dict[float, np.ndarray] = {}
    for gap in GAP_GRID:
        counts, oks = [], []
        for r in runs:
            seen: list[str] = []
            ok = False
            top = r.hits[0].score if r.hits else 0.0
            for h in r.hits:
                if top - h.score > gap or len(seen) == max_options:
                    break
                if topic_key(h) not in seen:
                    seen.append(topic_key(h))
                    ok = ok or h.doc_id in r.relevant
            counts.append(len(seen))
            oks.append(ok)
        n_options[gap], options_ok[gap] = np.array(counts), np.array(oks)
    return Features(
        score=score,
        margin=margin,
        top_ok=np.array([bool(r.hits) and r.hits[0].doc_id in r.relevant for r in runs]),
        answerable=np.array([bool(r.relevant) for r in runs]),
        n_options=n_options,
        options_ok=options_ok,
        groups=np.array(groups),
    )


def _metrics(f: Features, mask: np.ndarray, a: float, b: float, c: float, gap: float) -> tuple[float, ...]:
    s, m, ans = f.score[mask], f.margin[mask], f.answerable[mask]
    answer = (s >= a) & (m >= b)
    clarify = ~answer & (s >= c) & (f.n_options[gap][mask] >= 2)
    n_ans = answer.sum()
    correct = (answer & f.top_ok[mask]).sum()
    precision = correct / n_ans if n_ans else 1.0
    covered = correct + (clarify & ans & f.options_ok[gap][mask]).sum()
    coverage = covered / max(1, ans.sum())
    abstained = (~answer & ~clarify & ~ans).sum() / max(1, (~ans).sum())
    return precision, coverage, abstained, clarify.mean()


def grid_search(
    sets: Sequence[tuple[Features, np.ndarray]], floor: float
) -> tuple[tuple[float, float, float, float], float]:
    best: tuple[float, tuple[float, float, float, float]] | None = None
    for a in SCORE_GRID:
        for b in MARGIN_GRID:
            for drop in CLARIFY_DROP:
                gaps = GAP_GRID if drop > 0 else GAP_GRID[:1]
                for gap in gaps:
                    c = float(a - drop) if drop > 0 else 2.0  # drop 0: never clarify
                    total = 0.0
                    feasible = True
                    for f, mask in sets:
                        precision, coverage, abstained, clarify_rate = _metrics(f, mask, a, b, c, gap)
                        if precision < floor:
                            feasible = False
                            break
                        total += coverage + abstained - CLARIFY_PENALTY * clarify_rate
                    if feasible and (best is None or total > best[0]):
                        best = (total, (float(a), float(b), c, gap))
    if best is None:
        raise KnowledgeBaseError("no thresholds reach the precision floor on the calibration data")
    return best[1], best[0]


def _params(base: DecisionParams, fitted: tuple[float, float, float, float]) -> DecisionParams:
    a, b, c, gap = fitted
    return replace(
        base,
        answer_min_score=a,
        answer_min_margin=b,
        clarify_min_score=min(c, a),
        clarify_max_gap=gap if c <= a else 0.0,
        retrieval="dense",
    )


def load_questions(path: Path) -> BeirSet:
    queries: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                obj = json.loads(line)
                queries[obj["id"]] = obj["text"]
                if obj.get("relevant"):
                    qrels[obj["id"]] = {d: 1 for d in obj["relevant"]}
    return BeirSet(path.stem, [], queries, qrels)


def _collect(kb: Any, data: BeirSet) -> list[QueryRun]:
    texts = list(data.queries.values())
    vectors = kb.embed_queries(texts)
    return [
        QueryRun(qid, kb.search(text, 10, query_vector=v), data.relevant(qid), 0.0)
        for (qid, text), v in zip(data.queries.items(), vectors, strict=True)
    ]


def run_calibration(
    beir_dirs: Sequence[Path], question_files: Sequence[Path], *, kb_source: Path, model: str, write: bool
) -> dict[str, Any]:
    from knowledge_base.build import build_in_memory
    from knowledge_base.embedder import make_embedder

    if not beir_dirs and not question_files:
        raise KnowledgeBaseError("give at least one --beir folder or --questions file")
    embedder = make_embedder(model)
    base = load_calibration()
    dense = replace(base, model=model, decision=replace(base.decision, retrieval="dense"))
    named: list[tuple[str, list[QueryRun], list[str]]] = []
    ranking: dict[str, Any] = {}
    for folder in beir_dirs:
        data = load_beir(folder)
        kb = build_in_memory(data.documents, embedder, dense)
        runs = _collect(kb, data)
        hybrid_runs = _collect(kb.with_decision(replace(dense.decision, retrieval="hybrid")), data)
        ranking[data.name] = {"dense": ranking_metrics(runs), "hybrid": ranking_metrics(hybrid_runs)}
        # Group by topic (the prefix before the query number) so a split never shares a topic.
        named.append((data.name, runs, [q.split("q")[0] for q in data.queries]))
    if question_files:
        own = build_in_memory(load_folder(kb_source), embedder, dense)
        for path in question_files:
            data = load_questions(path)
            runs = _collect(own, data)
            ranking[data.name] = {"dense": ranking_metrics(runs)}
            named.append((data.name, runs, list(data.queries)))
    profiles: dict[str, Calibration] = {}
    n_beir = len(beir_dirs)
    for profile, group in (("faq", named[:n_beir]), ("articles", named[n_beir:])):
        if not group:
            continue
        feats = [(name, features(runs, groups)) for name, runs, groups in group]
        floor = PRECISION_FLOOR[profile]
        fitted, objective = grid_search([(f, np.ones(len(f.score), bool)) for _, f in feats], floor)
        params = _params(dense.decision, fitted)
        report: dict[str, Any] = {
            "precision_floor": floor,
            "objective": objective,
            "ranking": {name: ranking[name] for name, _, _ in group},
            "in_sample": {name: decision_metrics(runs, params) for name, runs, _ in group},
            "held_out_2fold": _held_out(feats, floor),
            "hybrid_kept": False,
            "hybrid_note": "RRF(dense, BM25) ranked worse than dense alone on the calibration sets; dense kept.",
        }
        profiles[profile] = Calibration(model, params, tuple(name for name, _, _ in group), report)
    if write:
        if set(profiles) != {"faq", "articles"}:
            raise KnowledgeBaseError("writing calibration.json needs both --beir and --questions data")
        save_calibrations(model, profiles, CALIBRATION_PATH)
    return {name: cal.to_json() for name, cal in profiles.items()}


def _held_out(feats: Sequence[tuple[str, Features]], floor: float) -> dict[str, Any]:
    """Fit on one half of each set's topics, measure on the other half, and average both ways."""
    results: dict[str, list[tuple[float, ...]]] = {name: [] for name, _ in feats}
    rng = np.random.default_rng(0)
    halves = {}
    for name, f in feats:
        topics = np.unique(f.groups)
        rng.shuffle(topics)
        halves[name] = np.isin(f.groups, topics[: len(topics) // 2])
    for fold in (True, False):
        fit_sets = [(f, halves[name] == fold) for name, f in feats]
        fitted, _ = grid_search(fit_sets, floor)
        for name, f in feats:
            results[name].append(_metrics(f, halves[name] != fold, *fitted))
    out = {}
    for name, rows in results.items():
        arr = np.array(rows).mean(axis=0)
        out[name] = {
            "answered_precision": float(arr[0]),
            "answerable_coverage": float(arr[1]),
            "unanswerable_abstained": float(arr[2]),
            "clarify_rate": float(arr[3]),
        }
    return out
