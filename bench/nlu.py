"""Intent accuracy and out-of-scope detection of the project's NLU pipeline (config.yml) on public data.

    .venv-rasa/bin/python bench/nlu.py --data ../shared/datasets/clinc150/data_dev.json
    .venv-rasa/bin/python bench/nlu.py --fewshot ../shared/datasets/banking77-oos

Trains the NLU part of config.yml with Rasa on the training split (out-of-scope training examples, when the
data set has them, become the `out_of_scope` intent), parses every validation and test message one at a time
through the loaded Rasa model, and scores each message by the confidence of its best in-scope intent.
A message is out of scope when that score is below the threshold.

THRESHOLD RULE (headline): the issue states each target as an operating point, in-scope accuracy *with* a
required out-of-scope recall (CLINC150: 70 % of all out-of-scope messages; BANKING77-OOS: 75 % of the in-domain
ones). The threshold is the lowest one whose recall on the validation split reaches that requirement with 95 %
one-sided confidence (Wilson lower bound), which is the highest in-scope accuracy that still meets it; the
test split is never looked at. `--required-oos-recall` sets another requirement. `larson_rule` in the JSON
gives the numbers under Larson et al. 2019's rule (the threshold that maximises accuracy over all validation
messages), the rule of the published anchors.
`operating_points` adds the trade-off at other thresholds: for each floor on out-of-scope recall, the lowest
threshold that rejects at least that share of the validation split's out-of-scope messages, and what it gives
(a deployment picks its point on this curve).
Prints one JSON object on stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
OOS = "out_of_scope"
THRESHOLD_RULE = (
    "the lowest threshold at which the validation split's out-of-scope recall meets the required recall "
    "with 95 % one-sided confidence (Wilson lower bound); score = confidence of the best in-scope intent"
)
LARSON_RULE = (
    "maximise accuracy over all validation messages (in-scope: right intent and score >= threshold; "
    "out-of-scope: score < threshold), score = confidence of the best in-scope intent"
)
# Out-of-scope recall floors reported under `operating_points` (the targets ask for 70 and 75).
RECALL_FLOORS = (0.95, 0.9, 0.85, 0.8, 0.75)


@dataclass
class Split:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # OOS for out-of-scope messages
    kinds: list[str] = field(default_factory=list)  # "in", "oos", "id_oos" or "ood_oos"

    def add(self, texts: Sequence[str], labels: Sequence[str], kind: str) -> None:
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels ({kind})")
        self.texts.extend(texts)
        self.labels.extend(OOS if kind != "in" else label for label in labels)
        self.kinds.extend([kind] * len(texts))

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class Requirement:
    """The out-of-scope recall a deployment must reach, counted on one kind of out-of-scope message."""

    recall: float  # share, 0-1
    kind: str | None = None  # "id_oos" counts only in-domain out-of-scope messages; None counts all
    confidence: float = 0.95  # one-sided

    def describe(self) -> dict[str, Any]:
        return {"recall": self.recall, "on": self.kind or "all out-of-scope", "confidence": self.confidence}


@dataclass
class Dataset:
    name: str
    train: Split
    validation: Split
    test: Split | None
    requirement: Requirement  # the required out-of-scope recall for this data set


def load_clinc(path: Path) -> Dataset:
    raw = json.loads(path.read_text(encoding="utf-8"))

    def split(in_key: str, oos_key: str) -> Split:
        s = Split()
        s.add([t for t, _ in raw[in_key]], [label for _, label in raw[in_key]], "in")
        s.add([t for t, _ in raw.get(oos_key, [])], [OOS] * len(raw.get(oos_key, [])), "oos")
        return s

    test = split("test", "oos_test") if "test" in raw else None
    return Dataset(
        "clinc150:" + path.name, split("train", "oos_train"), split("val", "oos_val"), test, Requirement(0.70)
    )


def _read_folder(folder: Path) -> tuple[list[str], list[str]]:
    texts = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (folder / "label").read_text(encoding="utf-8").splitlines()
    return texts, labels


def load_banking_oos(root: Path) -> Dataset:
    def split(name: str) -> Split | None:
        if not (root / name / "seq.in").is_file():
            return None
        s = Split()
        s.add(*_read_folder(root / name), "in")
        for kind, folder in (("id_oos", "id-oos"), ("ood_oos", "ood-oos")):
            if (root / folder / name / "seq.in").is_file():
                s.add(*_read_folder(root / folder / name), kind)
        return s

    train, validation = split("train"), split("valid")
    if train is None or validation is None:
        raise SystemExit(f"{root} needs train/ and valid/ folders with seq.in and label")
    return Dataset(
        "banking77-oos:" + root.name, train, validation, split("test"), Requirement(0.75, "id_oos")
    )


def write_rasa_nlu(split: Split, path: Path) -> None:
    by_label: dict[str, list[str]] = {}
    for text, label in zip(split.texts, split.labels, strict=True):
        clean = " ".join(text.split())
        if clean:
            by_label.setdefault(label, []).append(clean)
    lines = ['version: "3.1"', "nlu:"]
    for label in sorted(by_label):
        lines += [f"  - intent: {label}", "    examples: |"]
        lines += [f"      - {text}" for text in by_label[label]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def nlu_only_config(config: Path, out: Path) -> Path:
    """config.yml without its policies: the benchmark trains and times only the NLU pipeline."""
    from rasa.shared.utils.io import read_yaml_file, write_yaml

    data = read_yaml_file(str(config))
    data.pop("policies", None)
    write_yaml(data, out)
    return out


def train(dataset: Dataset, config: Path, workdir: Path) -> tuple[str, float]:
    from rasa.model_training import train_nlu

    nlu_file = workdir / "nlu.yml"
    write_rasa_nlu(dataset.train, nlu_file)
    started = time.perf_counter()
    model = train_nlu(
        config=str(nlu_only_config(config, workdir / "config.yml")),
        nlu_data=str(nlu_file),
        output=str(workdir / "models"),
    )
    seconds = time.perf_counter() - started
    if not model:
        raise SystemExit("Rasa did not produce a model")
    return model, seconds


async def parse_all(model: str, splits: Sequence[Split]) -> tuple[list[list[tuple[str, float]]], list[float]]:
    """For each split, the best in-scope (intent, confidence) per message; and per-message parse times (ms)."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    await agent.parse_message("warm up")
    results: list[list[tuple[str, float]]] = []
    times: list[float] = []
    for split in splits:
        best: list[tuple[str, float]] = []
        for text in split.texts:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            times.append((time.perf_counter() - started) * 1000)
            ranking = [
                r for r in parsed.get("intent_ranking") or [] if r.get("name") not in (OOS, "nlu_fallback")
            ]
            best.append((ranking[0]["name"], float(ranking[0]["confidence"])) if ranking else (OOS, 0.0))
        results.append(best)
    return results, times


def decide(best: list[tuple[str, float]], threshold: float) -> list[str]:
    return [intent if score >= threshold else OOS for intent, score in best]


def accuracy_all(split: Split, best: list[tuple[str, float]], threshold: float) -> float:
    predicted = decide(best, threshold)
    return float(np.mean([p == y for p, y in zip(predicted, split.labels, strict=True)]))


def choose_threshold(split: Split, best: list[tuple[str, float]]) -> float:
    scores = np.array([s for _, s in best])
    ordered = np.unique(scores)
    # Candidates halfway between neighbouring scores, plus "reject nothing".
    candidates = np.concatenate([[0.0], (ordered[:-1] + ordered[1:]) / 2, [ordered[-1] + 1e-6]])
    correct_intent = np.array([i == y for (i, _), y in zip(best, split.labels, strict=True)])
    is_oos = np.array([y == OOS for y in split.labels])
    best_t, best_acc = 0.0, -1.0
    for t in candidates:
        acc = float(np.mean(np.where(is_oos, scores < t, correct_intent & (scores >= t))))
        if acc > best_acc:
            best_t, best_acc = float(t), acc
    return best_t


def metrics(split: Split, best: list[tuple[str, float]], threshold: float) -> dict[str, float | None]:
    from sklearn.metrics import roc_auc_score

    predicted = decide(best, threshold)
    kinds = np.array(split.kinds)
    right = np.array([p == y for p, y in zip(predicted, split.labels, strict=True)])
    scores = np.array([s for _, s in best])
    out: dict[str, float | None] = {
        "in_scope_accuracy": round(100 * float(right[kinds == "in"].mean()), 2),
        "oos_recall": round(100 * float(right[kinds != "in"].mean()), 2) if (kinds != "in").any() else None,
    }
    for kind in ("id_oos", "ood_oos"):
        if (kinds == kind).any():
            out[f"{kind}_recall"] = round(100 * float(right[kinds == kind].mean()), 2)
    is_oos = kinds != "in"
    out["oos_auroc"] = (
        round(float(roc_auc_score(is_oos, -scores)), 4) if 0 < is_oos.sum() < len(is_oos) else None
    )
    return out


def subset(split: Split, idx: Sequence[int]) -> Split:
    return Split([split.texts[i] for i in idx], [split.labels[i] for i in idx], [split.kinds[i] for i in idx])


def _oos_scores(split: Split, best: list[tuple[str, float]], kind: str | None = None) -> np.ndarray:
    scores = np.sort(
        [s for (_, s), k in zip(best, split.kinds, strict=True) if k != "in" and (kind is None or k == kind)]
    )
    if len(scores) == 0:
        raise ValueError(f"the split has no out-of-scope messages ({kind or 'any kind'}) to set a recall on")
    return scores


def _rejecting(sorted_scores: np.ndarray, count: int) -> float:
    """The lowest threshold below which the `count` lowest of these scores fall."""
    return float(np.nextafter(sorted_scores[count - 1], np.inf))


def threshold_for_recall(split: Split, best: list[tuple[str, float]], floor: float) -> float:
    """The lowest threshold that rejects at least `floor` of the split's out-of-scope messages."""
    if not 0 < floor <= 1:
        raise ValueError(f"recall floor must be in (0, 1], got {floor}")
    scores = _oos_scores(split, best)
    return _rejecting(scores, int(np.ceil(floor * len(scores) - 1e-9)))


def threshold_for_requirement(split: Split, best: list[tuple[str, float]], requirement: Requirement) -> float:
    """The lowest threshold whose recall on this split meets the requirement at its one-sided confidence.

    The margin over the bare requirement shrinks as the split holds more out-of-scope messages: 100 messages
    need 78 % observed for a 70 % requirement, 530 need 78 % for 75 %."""
    from scipy.stats import binomtest

    if not 0 < requirement.recall < 1:
        raise ValueError(f"required recall must be in (0, 1), got {requirement.recall}")
    scores = _oos_scores(split, best, requirement.kind)
    two_sided = 1 - 2 * (1 - requirement.confidence)
    for rejected in range(1, len(scores) + 1):
        interval = binomtest(rejected, len(scores)).proportion_ci(two_sided, method="wilson")
        if interval.low >= requirement.recall:
            return _rejecting(scores, rejected)
    return _rejecting(scores, len(scores))


Chooser = Callable[[Split, list[tuple[str, float]]], float]


def held_out_estimate(
    split: Split, best: list[tuple[str, float]], seeds: int = 50, choose: Chooser = choose_threshold
) -> dict[str, Any]:
    """Threshold chosen on a random half A of the validation split, numbers read on the other half B:
    for the half of seed 0 (the one docs/nlu.md quotes), and averaged over `seeds` random halves."""
    rows = []
    for seed in range(seeds):
        order = np.random.RandomState(seed).permutation(len(split))
        half_a, half_b = order[: len(split) // 2], order[len(split) // 2 :]
        t = choose(subset(split, half_a), [best[i] for i in half_a])
        rows.append(metrics(subset(split, half_b), [best[i] for i in half_b], t))
    keys = [k for k in rows[0] if k != "oos_auroc" and rows[0][k] is not None]
    return {
        "seed0_half_b": {k: rows[0][k] for k in keys},
        f"mean_{seeds}_halves_b": {k: round(float(np.mean([r[k] for r in rows])), 2) for k in keys},
    }


def quiet_logs() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except ImportError:
        pass


def run(dataset: Dataset, config: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        workdir = Path(tmp)
        # A private, empty Rasa cache: nothing is reused between runs, so train_seconds is honest.
        os.environ["RASA_CACHE_DIRECTORY"] = str(workdir / "cache")
        splits = [dataset.validation] + ([dataset.test] if dataset.test is not None else [])
        # Rasa prints progress on stdout; keep stdout for the one JSON object.
        with contextlib.redirect_stdout(sys.stderr):
            model, train_seconds = train(dataset, config, workdir)
            parsed, times = asyncio.run(parse_all(model, splits))
    requirement = dataset.requirement
    threshold = threshold_for_requirement(dataset.validation, parsed[0], requirement)
    larson_threshold = choose_threshold(dataset.validation, parsed[0])
    reported, reported_best = (
        (dataset.test, parsed[1]) if dataset.test is not None else (dataset.validation, parsed[0])
    )
    result: dict[str, Any] = metrics(reported, reported_best, threshold)
    result.update(
        {
            "threshold": round(threshold, 6),
            "threshold_rule": THRESHOLD_RULE,
            "required_oos_recall": requirement.describe(),
            "train_seconds": round(train_seconds, 1),
            "parse_ms_p50": round(float(np.percentile(times, 50)), 2),
            "parse_ms_p95": round(float(np.percentile(times, 95)), 2),
            "split_reported": "test" if dataset.test is not None else "validation",
            "dataset": dataset.name,
            "n_train": len(dataset.train),
            "n_reported": len(reported),
            "config": str(config),
        }
    )
    if dataset.test is not None:
        result["validation"] = metrics(dataset.validation, parsed[0], threshold)
    result["held_out_estimate"] = held_out_estimate(
        dataset.validation, parsed[0], choose=lambda s, b: threshold_for_requirement(s, b, requirement)
    )
    result["larson_rule"] = {
        "threshold_rule": LARSON_RULE,
        "threshold": round(larson_threshold, 6),
        **metrics(reported, reported_best, larson_threshold),
        "held_out_estimate": held_out_estimate(dataset.validation, parsed[0]),
    }
    result["operating_points"] = operating_points(dataset.validation, parsed[0], reported, reported_best)
    return result


def operating_points(
    validation: Split,
    validation_best: list[tuple[str, float]],
    reported: Split,
    reported_best: list[tuple[str, float]],
    floors: Sequence[float] = RECALL_FLOORS,
) -> list[dict[str, Any]]:
    """In-scope accuracy against out-of-scope recall at thresholds set by a recall floor on validation."""
    points = []
    for floor in floors:
        threshold = threshold_for_recall(validation, validation_best, floor)
        estimate = held_out_estimate(
            validation, validation_best, choose=lambda s, b, f=floor: threshold_for_recall(s, b, f)
        )
        points.append(
            {
                "oos_recall_floor": floor,
                "threshold": round(threshold, 6),
                **{k: v for k, v in metrics(reported, reported_best, threshold).items() if k != "oos_auroc"},
                "held_out_estimate": estimate["mean_50_halves_b"],
            }
        )
    return points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="CLINC150 data_full.json layout")
    source.add_argument("--fewshot", type=Path, help="BANKING77-OOS folder layout")
    parser.add_argument("--config", type=Path, default=REPO / "config.yml")
    parser.add_argument(
        "--required-oos-recall",
        type=float,
        metavar="PERCENT",
        help="out-of-scope recall the threshold must reach (default: the issue's, 70 for CLINC150 on all "
        "out-of-scope messages, 75 for BANKING77-OOS on the in-domain ones)",
    )
    args = parser.parse_args(argv)
    if args.required_oos_recall is not None and not 0 < args.required_oos_recall < 100:
        parser.error("--required-oos-recall must be a percentage between 0 and 100")
    data_path = (args.data or args.fewshot).resolve()
    config = args.config.resolve()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Rasa finds bot.components.* by module path, relative to the repo root.
    os.chdir(REPO)
    sys.path.insert(0, str(REPO))
    quiet_logs()
    dataset = load_clinc(data_path) if args.data else load_banking_oos(data_path)
    if args.required_oos_recall is not None:
        dataset.requirement = Requirement(args.required_oos_recall / 100, dataset.requirement.kind)
    print(json.dumps(run(dataset, config), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
