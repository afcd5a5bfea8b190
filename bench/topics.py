"""Topic clustering quality on the team's labelled support messages (data/analytics/labelled_topics.jsonl):
adjusted Rand index of `analytics.clustering.cluster` over MiniLM embeddings (target >= 0.9).

Run: .venv/bin/python bench/topics.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sklearn.metrics import adjusted_rand_score

from analytics.clustering import cluster
from analytics.embedding import embed

LABELLED = Path(__file__).resolve().parent.parent / "data" / "analytics" / "labelled_topics.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=LABELLED)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = cluster(embed([r["text"] for r in rows]))
    truth = [r["topic"] for r in rows]
    result = {
        "bench": "topics",
        "messages": len(rows),
        "labelled_topics": len(set(truth)),
        "found_topics": len(set(labels.tolist())),
        "adjusted_rand_index": round(float(adjusted_rand_score(truth, labels)), 3),
        "target": 0.9,
    }
    print(json.dumps(result, indent=2) if args.json else result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
