"""`eval DIR`: retrieval and decision quality on a BEIR folder, with the stored (not DIR's) calibration.

Definitions (answerable = has a qrels row):
- p_at_1, mrr_at_10, ndcg_at_10, recall_at_5: ranking quality over answerable queries (document level).
- answered_precision: of the queries the bot answered, the share whose cited document is relevant.
- answerable_coverage: answerable queries that got a relevant answer, or a clarify whose buttons include a
  relevant article, over all answerable queries.
- unanswerable_abstained: unanswerable queries that ended in no-answer.
- answered_coverage: answerable queries answered with a relevant article (clarify not counted).
- clarify_rate: share of all queries that ended in clarify (a clarify on an unanswerable query counts as
  not abstained; a clarify never counts towards answered_precision).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.beir import BeirSet, load_beir
from knowledge_base.decision import DecisionParams, decide
from knowledge_base.hits import Decision, Hit
from knowledge_base.kb import KnowledgeBase

RANK_K = 10


@dataclass(frozen=True)
class QueryRun:
    query_id: str
    hits: list[Hit]
    relevant: set[str]
    ms: float


def run_queries(kb: KnowledgeBase, data: BeirSet) -> list[QueryRun]:
    runs = []
    for qid, text in data.queries.items():
        start = time.perf_counter()
        hits = kb.candidates(text)
        decide(hits, kb.params)  # timed as the bot runs it
        runs.append(QueryRun(qid, hits, data.relevant(qid), (time.perf_counter() - start) * 1000))
    return runs


def _ndcg(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def ranking_metrics(runs: Sequence[QueryRun]) -> dict[str, float]:
    answerable = [r for r in runs if r.relevant]
    if not answerable:
        return {"p_at_1": 0.0, "mrr_at_10": 0.0, "ndcg_at_10": 0.0, "recall_at_5": 0.0}
    p1 = mrr = ndcg = rec5 = 0.0
    for r in answerable:
        ranked = [h.doc_id for h in r.hits]
        p1 += bool(ranked) and ranked[0] in r.relevant
        rank = next((i for i, d in enumerate(ranked[:RANK_K], 1) if d in r.relevant), None)
        mrr += 1 / rank if rank else 0.0
        ndcg += _ndcg(ranked, r.relevant, RANK_K)
        rec5 += len(set(ranked[:5]) & r.relevant) / len(r.relevant)
    n = len(answerable)
    return {"p_at_1": p1 / n, "mrr_at_10": mrr / n, "ndcg_at_10": ndcg / n, "recall_at_5": rec5 / n}


def decision_metrics(runs: Sequence[QueryRun], params: DecisionParams) -> dict[str, float]:
    answered = correct = covered = abstained = clarified = 0
    n_answerable = sum(bool(r.relevant) for r in runs)
    n_unanswerable = len(runs) - n_answerable
    for r in runs:
        d: Decision = decide(r.hits, params)
        if d.kind == "answer":
            answered += 1
            ok = d.hits[0].doc_id in r.relevant
            correct += ok
            covered += ok
        elif d.kind == "clarify":
            clarified += 1
            covered += bool(r.relevant) and any(h.doc_id in r.relevant for h in d.hits)
        elif not r.relevant:
            abstained += 1
    return {
        "answered_precision": correct / answered if answered else 1.0,
        "answerable_coverage": covered / n_answerable if n_answerable else 0.0,
        "answered_coverage": correct / n_answerable if n_answerable else 0.0,
        "unanswerable_abstained": abstained / n_unanswerable if n_unanswerable else 1.0,
        "clarify_rate": clarified / len(runs) if runs else 0.0,
        "n_answered": answered,
        "n_answerable": n_answerable,
        "n_unanswerable": n_unanswerable,
    }


def evaluate_runs(runs: Sequence[QueryRun], params: DecisionParams) -> dict[str, Any]:
    ms = np.array([r.ms for r in runs]) if runs else np.zeros(1)
    out: dict[str, Any] = {**ranking_metrics(runs), **decision_metrics(runs, params)}
    out.update(
        {
            "query_ms_p50": float(np.percentile(ms, 50)),
            "query_ms_p95": float(np.percentile(ms, 95)),
            "n_queries": len(runs),
        }
    )
    return out


def evaluate_beir(folder: Path, *, model: str, retrieval: str | None = None) -> dict[str, Any]:
    """Build a temporary index of DIR's corpus with production settings; thresholds from calibration.json."""
    from dataclasses import replace

    from knowledge_base.build import build_in_memory
    from knowledge_base.calibration import load_calibration
    from knowledge_base.embedder import make_embedder

    data = load_beir(folder)
    calibration = load_calibration("faq")  # BEIR corpora are Q/A pairs
    if retrieval in {"dense", "hybrid"}:
        calibration = replace(calibration, decision=replace(calibration.decision, retrieval=retrieval))
    start = time.perf_counter()
    kb = build_in_memory(data.documents, make_embedder(model), calibration)
    build_s = time.perf_counter() - start
    kb.search("warm up", 1)
    runs = run_queries(kb, data)
    result = {"dataset": data.name, "model": model, "retrieval": kb.params.retrieval}
    result.update(evaluate_runs(runs, kb.params))
    result.update({"n_docs": len(data.documents), "build_s": build_s, "thresholds": kb.params.to_json()})
    return result
