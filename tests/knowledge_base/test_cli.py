"""`python -m knowledge_base ...` as a support engineer runs it: real model, real files, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REQUIRED_EVAL_KEYS = {
    "p_at_1",
    "mrr_at_10",
    "ndcg_at_10",
    "recall_at_5",
    "answered_precision",
    "answerable_coverage",
    "unanswerable_abstained",
    "clarify_rate",
    "query_ms_p50",
    "query_ms_p95",
    "n_queries",
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "knowledge_base", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture
def beir_dir(tmp_path: Path) -> Path:
    """Four IT FAQ entries, four rephrased questions about them and two questions the FAQ cannot answer."""
    folder = tmp_path / "tiny-faq"
    (folder / "qrels").mkdir(parents=True)
    write_jsonl(
        folder / "corpus.jsonl",
        [
            {
                "_id": "d1",
                "title": "How do I reset my password?",
                "text": "Use Forgot password on the sign-in page.",
            },
            {
                "_id": "d2",
                "title": "Why won't my printer print?",
                "text": "Clear the paper jam and cancel stuck jobs.",
            },
            {
                "_id": "d3",
                "title": "How do I connect to the VPN?",
                "text": "Open the VPN app and sign in with MFA.",
            },
            {
                "_id": "d4",
                "title": "How do I free up disk space?",
                "text": "Empty the recycle bin and remove old files.",
            },
        ],
    )
    write_jsonl(
        folder / "queries.jsonl",
        [
            {"_id": "q1", "text": "I forgot my password, how can I reset it?"},
            {"_id": "q2", "text": "my printer will not print anything"},
            {"_id": "q3", "text": "how can I connect to the company VPN"},
            {"_id": "q4", "text": "my disk is full, how do I free up space"},
            {"_id": "q5", "text": "what is a good recipe for banana bread"},
            {"_id": "q6", "text": "who won the football world cup in 1998"},
        ],
    )
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\td4\t1\n", encoding="utf-8"
    )
    return folder


def test_build_query_and_stats(corpus_dir: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = run_cli("build", "--source", str(corpus_dir), "--index", str(index), "--json", "--quiet")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (
        report["n_docs"] == 3 and report["added"] == 3 and report["embedded_chunks"] == report["n_chunks"] > 0
    )

    again = run_cli("build", "--source", str(corpus_dir), "--index", str(index), "--quiet")
    assert again.returncode == 0, again.stderr
    assert "nothing re-embedded" in again.stdout

    answer = run_cli("query", "I forgot my password", "--index", str(index), "--json")
    assert answer.returncode == 0, answer.stderr
    decision = json.loads(answer.stdout)
    assert decision["decision"] == "answer"
    assert decision["hits"][0]["doc_id"] == "password-reset"

    off_topic = run_cli("query", "what is a good recipe for banana bread", "--index", str(index), "--json")
    assert off_topic.returncode == 0, off_topic.stderr
    assert json.loads(off_topic.stdout)["decision"] == "no_answer"

    stats = run_cli("stats", "--index", str(index))
    assert stats.returncode == 0, stats.stderr
    numbers = json.loads(stats.stdout)
    assert numbers["n_docs"] == 3 and numbers["docs_by_type"] == {".md": 3}
    assert numbers["model"] == "all-MiniLM-L6-v2" and numbers["dim"] == 384


def test_query_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = run_cli("query", "printer", "--index", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "python -m knowledge_base build" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_prints_one_json_object_with_every_metric(beir_dir: Path) -> None:
    result = run_cli("eval", str(beir_dir), "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    metrics = json.loads(lines[0])
    assert set(metrics) >= REQUIRED_EVAL_KEYS
    assert metrics["n_queries"] == 6
    assert metrics["p_at_1"] == 1.0  # four clear rephrasings of four distinct questions
    assert metrics["unanswerable_abstained"] == 1.0  # banana bread and football are not in an IT FAQ


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda folder: (folder / "qrels" / "test.tsv").unlink(), "not a BEIR folder"),
        (lambda folder: (folder / "corpus.jsonl").write_text('{"_id": "d1", "title"\n'), "malformed JSON"),
        (
            lambda folder: (folder / "queries.jsonl").write_bytes(b'{"_id": "q1", "text": "\xff\xfe"}\n'),
            "bad BEIR",
        ),
    ],
    ids=["missing-qrels", "malformed-json", "not-utf8"],
)
def test_eval_on_a_broken_folder_is_a_clear_error(beir_dir: Path, damage, message: str) -> None:
    damage(beir_dir)
    result = run_cli("eval", str(beir_dir), "--json")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bench_scale_reports_build_rate_and_query_latency() -> None:
    result = run_cli("bench-scale", "--json", "--sizes", "2000,5000", "--build-chunks", "64")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "synthetic" in report["note"]
    assert report["build"]["n_chunks"] >= 64 and report["build"]["chunks_per_s"] > 0
    assert [row["n_chunks"] for row in report["index"]] == [2000, 5000]
    for row in report["index"]:
        assert row["vectors"] == "synthetic"
        assert row["index"] == "flat" and row["recall_at_10_vs_exact"] == 1.0
        assert 0 < row["query_ms_p50"] <= row["query_ms_p95"]


def test_bench_scale_rejects_a_bad_size_list() -> None:
    result = run_cli("bench-scale", "--sizes", "10000,lots")
    assert result.returncode == 2
    assert "not a whole number: 'lots'" in result.stderr
