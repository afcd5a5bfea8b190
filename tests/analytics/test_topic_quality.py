"""A guard on the topic method: on the team's 220 labelled support messages it still finds the topics a
person would (adjusted Rand index >= 0.9; bench/topics.py prints the figure for the README). About 25 s with
the MiniLM model load."""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from analytics.clustering import cluster
from analytics.embedding import embed

LABELLED = Path(__file__).resolve().parents[2] / "data" / "analytics" / "labelled_topics.jsonl"


def test_topics_match_the_labelled_set() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 200 and len({r["topic"] for r in rows}) >= 10
    labels = cluster(embed([r["text"] for r in rows]))
    assert adjusted_rand_score([r["topic"] for r in rows], labels) >= 0.9
