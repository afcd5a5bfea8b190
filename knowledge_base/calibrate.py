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
import math
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
CONFIDENCE_GRID = np.round(np.arange(0.30, 0.995, 0.01), 3)
CLARIFY_SCORE_GRID = np.round(np.arange(0.35, 0.80, 0.05), 3)
CV_REPEATS = 10  # random topic halvings for the cross-topic estimate


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


@dataclass(frozen=True)
class Fitted:
    """One fitted decision: threshold rule (`weights` empty) or logistic confidence."""

    answer_score: float
    answer_margin: float
    clarify_score: float  # 2.0 = never clarify
    gap: float
    weights: tuple[float, ...] = ()
    bias: float = 0.0
    min_confidence: float = 0.0


def _confidence(f: Features, weights: tuple[float, ...], bias: float) -> np.ndarray:
    z = bias + weights[0] * f.score + weights[1] * f.margin
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _metrics(f: Features, mask: np.ndarray, fit: Fitted) -> tuple[float, ...]:
    s, m, ans = f.score[mask], f.margin[mask], f.answerable[mask]
    answer = (s >= fit.answer_score) & (m >= fit.answer_margin)
    if fit.weights:
        answer &= _confidence(f, fit.weights, fit.bias)[mask] >= fit.min_confidence
    clarify = ~answer & (s >= fit.clarify_score) & (f.n_options[fit.gap][mask] >= 2)
    n_ans = answer.sum()
    correct = (answer & f.top_ok[mask]).sum()
    precision = correct / n_ans if n_ans else 1.0
    covered = correct + (clarify & ans & f.options_ok[fit.gap][mask]).sum()
    coverage = covered / max(1, ans.sum())
    abstained = (~answer & ~clarify & ~ans).sum() / max(1, (~ans).sum())
    return precision, coverage, abstained, clarify.mean()


def _clarify_options(answer_score: float) -> list[tuple[float, float]]:
    out = [(2.0, GAP_GRID[0])]  # never clarify
    for drop in CLARIFY_DROP[1:]:
        out.extend((float(answer_score - drop), gap) for gap in GAP_GRID)
    return out


def _search(
    sets: Sequence[tuple[Features, np.ndarray]], floor: float, candidates: Sequence[Fitted]
) -> tuple[Fitted, float]:
    best: tuple[float, Fitted] | None = None
    for cand in candidates:
        total = 0.0
        for f, mask in sets:
            precision, coverage, abstained, clarify_rate = _metrics(f, mask, cand)
            if precision < floor:
                break
            total += coverage + abstained - CLARIFY_PENALTY * clarify_rate
        else:
            if best is None or total > best[0]:
                best = (total, cand)
    if best is None:
        raise KnowledgeBaseError("no thresholds reach the precision floor on the calibration data")
    return best[1], best[0]


def grid_search(sets: Sequence[tuple[Features, np.ndarray]], floor: float) -> tuple[Fitted, float]:
    """The threshold rule: top score and margin each above a threshold."""
    candidates = [
        Fitted(float(a), float(b), c, gap)
        for a in SCORE_GRID
        for b in MARGIN_GRID
        for c, gap in _clarify_options(float(a))
    ]
    return _search(sets, floor, candidates)


def logistic_search(sets: Sequence[tuple[Features, np.ndarray]], floor: float) -> tuple[Fitted, float]:
    """Logistic regression of "the top article is right" on (score, margin), then a confidence cut-off."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([np.column_stack([f.score[m], f.margin[m]]) for f, m in sets])
    y = np.concatenate([f.top_ok[m] for f, m in sets])
    if y.all() or not y.any():
        raise KnowledgeBaseError("logistic calibration needs both right and wrong top answers")
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    weights = (float(model.coef_[0][0]), float(model.coef_[0][1]))
    bias = float(model.intercept_[0])
    candidates = [
        Fitted(0.0, 0.0, c, gap, weights, bias, float(p))
        for p in CONFIDENCE_GRID
        for c, gap in [(2.0, GAP_GRID[0])] + [(float(a), g) for a in CLARIFY_SCORE_GRID for g in GAP_GRID]
    ]
    return _search(sets, floor, candidates)


FITTERS = {"rule": grid_search, "logistic": logistic_search}


def _params(base: DecisionParams, fit: Fitted) -> DecisionParams:
    clarify = fit.clarify_score <= 1.0
    if clarify:
        related = fit.clarify_score
    elif fit.weights:  # the top score the model needs to answer with no margin at all
        logit = math.log(fit.min_confidence / (1 - fit.min_confidence))
        related = (logit - fit.bias) / fit.weights[0] if fit.weights[0] > 0 else 1.0
    else:
        related = fit.answer_score
    return replace(
        base,
        answer_min_score=fit.answer_score,
        answer_min_margin=fit.answer_margin,
        clarify_min_score=round(min(1.0, max(0.0, related)), 4),
        clarify_max_gap=fit.gap if clarify else 0.0,
        confidence_weights=fit.weights,
        confidence_bias=fit.bias,
        answer_min_confidence=fit.min_confidence,
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
        QueryRun(qid, kb.candidates(text, query_vector=v), data.relevant(qid), 0.0)
        for (qid, text), v in zip(data.queries.items(), vectors, strict=True)
    ]


def run_calibration(
    beir_dirs: Sequence[Path],
    question_files: Sequence[Path],
    *,
    kb_source: Path,
    model: str,
    write: bool,
    scoring: str = "title_or_chunk",
) -> dict[str, Any]:
    from knowledge_base.build import build_in_memory
    from knowledge_base.embedder import make_embedder

    if not beir_dirs and not question_files:
        raise KnowledgeBaseError("give at least one --beir folder or --questions file")
    embedder = make_embedder(model)
    base = load_calibration()
    dense = replace(base, model=model, decision=replace(base.decision, retrieval="dense", scoring=scoring))
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
            # Group by the article asked about (unanswerable questions are their own group).
            groups = [min(data.relevant(q)) if data.relevant(q) else q for q in data.queries]
            named.append((data.name, runs, groups))
    profiles: dict[str, Calibration] = {}
    n_beir = len(beir_dirs)
    for profile, group in (("faq", named[:n_beir]), ("articles", named[n_beir:])):
        if not group:
            continue
        feats = [(name, features(runs, groups)) for name, runs, groups in group]
        floor = PRECISION_FLOOR[profile]
        held_out = {form: _held_out(feats, floor, form) for form in FITTERS}
        form = _choose_form(held_out, floor)
        fitted, objective = FITTERS[form]([(f, np.ones(len(f.score), bool)) for _, f in feats], floor)
        params = _params(dense.decision, fitted)
        report: dict[str, Any] = {
            "precision_floor": floor,
            "form": form,
            "form_note": "chosen by the cross-topic estimate (mean coverage + abstention, precision first)",
            "objective": objective,
            "ranking": {name: ranking[name] for name, _, _ in group},
            "in_sample": {name: decision_metrics(runs, params) for name, runs, _ in group},
            "cross_topic": held_out,
            "hybrid_kept": False,
            "hybrid_note": "RRF(dense, BM25) ranked worse than dense alone on the calibration sets; dense kept.",
        }
        profiles[profile] = Calibration(model, params, tuple(name for name, _, _ in group), report)
    if write:
        if set(profiles) != {"faq", "articles"}:
            raise KnowledgeBaseError("writing calibration.json needs both --beir and --questions data")
        save_calibrations(model, profiles, CALIBRATION_PATH)
    return {name: cal.to_json() for name, cal in profiles.items()}


def _choose_form(held_out: dict[str, dict[str, Any]], floor: float) -> str:
    """Precision first: a form whose cross-topic precision holds the floor (within 0.5 point) wins, the one
    with more coverage + abstention among those; if none holds it, the more precise one."""

    def key(form: str) -> tuple[bool, float]:
        rows = held_out[form].values()
        precision = min(r["answered_precision"] for r in rows)
        value = sum(r["answerable_coverage"] + r["unanswerable_abstained"] for r in rows)
        holds = precision >= floor - 0.005
        return holds, value if holds else precision

    return max(held_out, key=key)


def _held_out(feats: Sequence[tuple[str, Features]], floor: float, form: str) -> dict[str, Any]:
    """Fit on a random half of each set's topics, measure on the other half; both ways, CV_REPEATS times.

    Unanswerable topics are split evenly between the halves. Reports the mean and the spread over folds.
    """
    results: dict[str, list[tuple[float, ...]]] = {name: [] for name, _ in feats}
    rng = np.random.default_rng(0)
    for _ in range(CV_REPEATS):
        halves = {}
        for name, f in feats:
            half = np.zeros(len(f.groups), bool)
            for answerable in (True, False):
                topics = np.unique(f.groups[f.answerable == answerable])
                rng.shuffle(topics)
                half |= np.isin(f.groups, topics[: (len(topics) + rng.integers(0, 2)) // 2])
            halves[name] = half
        for fold in (True, False):
            fit_sets = [(f, halves[name] == fold) for name, f in feats]
            try:
                fitted, _ = FITTERS[form](fit_sets, floor)
            except KnowledgeBaseError:
                continue
            for name, f in feats:
                results[name].append(_metrics(f, halves[name] != fold, fitted))
    out = {}
    for name, rows in results.items():
        arr = np.array(rows)
        mean = arr.mean(axis=0)
        out[name] = {
            "answered_precision": float(mean[0]),
            "answerable_coverage": float(mean[1]),
            "unanswerable_abstained": float(mean[2]),
            "clarify_rate": float(mean[3]),
            "answered_precision_min": float(arr[:, 0].min()),
            "unanswerable_abstained_min": float(arr[:, 2].min()),
            "folds": len(rows),
        }
    return out
