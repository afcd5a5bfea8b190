"""Recall and precision of the customer-text redaction (privacy.redact) on a labelled set.

    .venv/bin/python bench/redaction.py --json                       # dev set and holdout set
    .venv/bin/python bench/redaction.py --data other.jsonl --json    # any set in the same format

Format: JSONL, one {"text": "...", "spans": [[start, end, "LABEL"], ...]} per message, labels CARD PASSWORD
SECRET EMAIL PHONE IBAN NINO. A labelled span is caught when every one of its characters is removed,
whatever label the redactor gave it (the customer's secret is gone either way). A redacted span is correct
when it overlaps a labelled span of the same label: precision per label is the share of the redactor's spans
of that label that are correct. `span_free_changed` is the share of messages without spans whose text changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacy import LABELS, redact

DEFAULT_SETS = {
    "dev": Path("data/redaction/labelled.jsonl"),
    "holdout": Path("data/redaction/holdout.jsonl"),
}
TARGET_RECALL = {"CARD": 0.99, "PASSWORD": 0.99, "SECRET": 0.99, "EMAIL": 0.95, "PHONE": 0.95, "IBAN": 0.95}
TARGET_SPAN_FREE_CHANGED = 0.01


def load(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, spans = row["text"], row["spans"]
            if not isinstance(text, str) or not all(
                0 <= s <= e <= len(text) and lab in LABELS for s, e, lab in spans
            ):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise SystemExit(
                f"{path}:{number}: not a {{'text', 'spans': [[start, end, LABEL]]}} object"
            ) from None
        rows.append(row)
    return rows


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gold, caught, predicted, correct = Counter(), Counter(), Counter(), Counter()
    span_free = span_free_changed = 0
    misses: list[dict[str, str]] = []
    false_alarms: list[dict[str, str]] = []
    for row in rows:
        text = row["text"]
        result = redact(text)
        removed = set()
        for span in result.spans:
            removed.update(range(span.start, span.end))
        for start, end, label in row["spans"]:
            gold[label] += 1
            if all(i in removed for i in range(start, end)):
                caught[label] += 1
            else:
                misses.append({"label": label, "value": text[start:end], "text": text})
        for span in result.spans:
            predicted[span.label] += 1
            if any(lab == span.label and s < span.end and span.start < e for s, e, lab in row["spans"]):
                correct[span.label] += 1
            else:
                false_alarms.append({"label": span.label, "value": text[span.start : span.end], "text": text})
        if not row["spans"]:
            span_free += 1
            span_free_changed += result.text != text
    per_label = {
        label: {
            "spans": gold[label],
            "recall": round(caught[label] / gold[label], 4) if gold[label] else None,
            "predicted": predicted[label],
            "precision": round(correct[label] / predicted[label], 4) if predicted[label] else None,
        }
        for label in LABELS
    }
    changed_share = span_free_changed / span_free if span_free else 0.0
    meets = changed_share <= TARGET_SPAN_FREE_CHANGED and all(
        per_label[label]["recall"] is None or per_label[label]["recall"] >= target
        for label, target in TARGET_RECALL.items()
    )
    return {
        "messages": len(rows),
        "span_free_messages": span_free,
        "span_free_changed": round(changed_share, 4),
        "labels": per_label,
        "meets_targets": meets,
        "misses": misses[:20],
        "false_alarms": false_alarms[:20],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", help="a labelled JSONL set (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    sets = {path.stem: path for path in args.data} if args.data else DEFAULT_SETS
    report = {
        "targets": {"recall": TARGET_RECALL, "span_free_changed_at_most": TARGET_SPAN_FREE_CHANGED},
        "sets": {name: score(load(path)) for name, path in sets.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for name, result in report["sets"].items():
            print(
                f"{name}: {result['messages']} messages, span-free changed {result['span_free_changed']:.2%}"
            )
            for label, numbers in result["labels"].items():
                print(f"  {label:9} recall {numbers['recall']}  precision {numbers['precision']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
