"""`python -m knowledge_base {build,query,stats,eval,calibrate,bench-scale}`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from knowledge_base.bench_scale import BUILD_SAMPLE_CHUNKS
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.settings import KBSettings


def _cmd_build(args: argparse.Namespace, settings: KBSettings) -> int:
    from knowledge_base.build import build_index

    report = build_index(
        Path(args.source or settings.source_dir),
        Path(args.index or settings.index_dir),
        model=args.model or settings.model,
        show_progress=sys.stderr.isatty() and not args.quiet,
    )
    print(json.dumps(asdict(report)) if args.json else report.summary())
    return 0


def _cmd_query(args: argparse.Namespace, settings: KBSettings) -> int:
    from knowledge_base.kb import KnowledgeBase

    kb = KnowledgeBase.load(Path(args.index or settings.index_dir))
    decision = kb.decide(args.text)
    if args.json:
        print(
            json.dumps(
                {
                    "decision": decision.kind,
                    "top_score": decision.top_score,
                    "margin": decision.margin,
                    "confidence": decision.confidence,
                    "hits": [h.to_json() for h in decision.hits],
                },
                indent=2,
            )
        )
        return 0
    confidence = "" if decision.confidence is None else f", confidence {decision.confidence:.2f}"
    print(
        f"decision: {decision.kind} (top score {decision.top_score:.3f}, margin {decision.margin:.3f}{confidence})"
    )
    for hit in decision.hits:
        print(f"  {hit.score:.3f}  {hit.doc_id}  {hit.title!r}  [{hit.citation}]")
    if decision.kind == "answer" and decision.best is not None:
        print("\n" + decision.best.answer)
    return 0


def _cmd_stats(args: argparse.Namespace, settings: KBSettings) -> int:
    from knowledge_base.store import read_index

    stored = read_index(Path(args.index or settings.index_dir))
    sources: dict[str, int] = {}
    for doc in stored.docs.values():
        suffix = Path(doc.source).suffix.lower() or "?"
        sources[suffix] = sources.get(suffix, 0) + 1
    lengths = sorted(len(c.text) for c in stored.chunks) or [0]
    out = {
        "index_dir": str(args.index or settings.index_dir),
        "n_docs": len(stored.docs),
        "n_chunks": len(stored.chunks),
        "docs_by_type": sources,
        "chunk_chars_median": lengths[len(lengths) // 2],
        "chunk_chars_max": lengths[-1],
        "model": stored.params.model,
        "dim": stored.params.dim,
        "index": asdict(stored.params.index),
        "decision": stored.params.decision.to_json(),
        "calibration_fitted_on": list(stored.params.calibration_fitted_on),
        "built_at": stored.params.built_at,
        "disk_bytes": sum(p.stat().st_size for p in Path(args.index or settings.index_dir).iterdir()),
    }
    print(json.dumps(out, indent=2))
    return 0


def _cmd_eval(args: argparse.Namespace, settings: KBSettings) -> int:
    from knowledge_base.evaluation import evaluate_beir

    result = evaluate_beir(Path(args.dir), model=args.model or settings.model, retrieval=args.retrieval)
    print(json.dumps(result, indent=2 if not args.json else None))
    return 0


def _cmd_calibrate(args: argparse.Namespace, settings: KBSettings) -> int:
    from knowledge_base.calibrate import run_calibration

    result = run_calibration(
        [Path(p) for p in args.beir],
        [Path(p) for p in args.questions],
        kb_source=Path(args.source or settings.source_dir),
        model=args.model or settings.model,
        write=not args.dry_run,
        scoring=args.scoring,
    )
    print(json.dumps(result, indent=2))
    return 0


def _cmd_bench_scale(args: argparse.Namespace, settings: KBSettings) -> int:
    from knowledge_base.bench_scale import run_bench_scale

    result = run_bench_scale(args.sizes, model=args.model or settings.model, build_chunks=args.build_chunks)
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above zero: {text!r}")
    return value


def _chunk_counts(text: str) -> list[int]:
    """`--sizes 10000,100000` -> [10000, 100000]; each at least 20 chunks (recall@10 needs neighbours)."""
    sizes = [_positive_int(part.strip()) for part in text.split(",")]
    if any(size < 20 for size in sizes):
        raise argparse.ArgumentTypeError(f"each size must be at least 20 chunks: {text!r}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge_base", description=__doc__)
    parser.add_argument("--model", help="embedding model (default KB_MODEL or all-MiniLM-L6-v2)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build or update the index (only changed documents are re-embedded)")
    p.add_argument("--source", help="article folder (default KB_SOURCE_DIR or data/kb)")
    p.add_argument("--index", help="index folder (default KB_INDEX_DIR or var/kb_index)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("query", help="run one question through the bot's decision")
    p.add_argument("text")
    p.add_argument("--index")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_query)

    p = sub.add_parser("stats", help="print index statistics as JSON")
    p.add_argument("--index")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("eval", help="evaluate on a BEIR folder with the stored calibration")
    p.add_argument("dir")
    p.add_argument("--json", action="store_true", help="one-line JSON")
    p.add_argument("--retrieval", choices=["dense", "hybrid"], help="override for comparisons")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("calibrate", help="fit decision thresholds and write knowledge_base/calibration.json")
    p.add_argument("--beir", nargs="*", default=[], help="BEIR folders with unanswerable queries")
    p.add_argument("--questions", nargs="*", default=[], help="question sets for our own KB (JSONL)")
    p.add_argument("--source", help="our KB's article folder")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument(
        "--scoring",
        choices=["title_or_chunk", "chunk"],
        default="title_or_chunk",
        help="document score: better of title and best chunk (default), or best chunk only",
    )
    p.set_defaults(func=_cmd_calibrate)

    p = sub.add_parser("bench-scale", help="build rate and query latency at 10k/100k/1M chunks")
    p.add_argument(
        "--sizes", type=_chunk_counts, default="10000,100000,1000000", help="comma-separated index sizes"
    )
    p.add_argument(
        "--build-chunks",
        type=_positive_int,
        default=BUILD_SAMPLE_CHUNKS,
        help="at least this many real chunks are embedded by the build part (whole copies of data/kb)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_bench_scale)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args, KBSettings.from_env()))
    except KnowledgeBaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
