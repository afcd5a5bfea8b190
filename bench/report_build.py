"""Time to build the support review from demo histories of 10k and 100k conversations.

Each size gets its own scratch stores written by `analytics.demo` (3 months), then the same code path as
`python -m analytics report` runs: read both stores, topics, metrics, patterns, gaps, HTML. The MiniLM model
loads once per process (its load time is in the first size's figure).

Run: .venv/bin/python bench/report_build.py --json [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analytics import report
from analytics.demo import generate
from analytics.findings import build
from analytics.settings import AnalyticsSettings

END = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
MAX_SIZE = 200_000


def measure(size: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = AnalyticsSettings(handoff_db=Path(tmp) / "handoff.db", tracker_db=Path(tmp) / "tracker.db")
        started = time.perf_counter()
        written = generate(settings, months=3, seed=1, end=END, conversations=size)
        demo_seconds = time.perf_counter() - started
        started = time.perf_counter()
        found = build(settings, END - dt.timedelta(days=91), END, progress=False)
        out = Path(tmp) / "report.html"
        report.write(found, settings.targets, out)
        build_seconds = time.perf_counter() - started
        return {
            "conversations": written,
            "tickets": sum(len(c.tickets) for c in found.conversations),
            "demo_data_seconds": round(demo_seconds, 1),
            "report_seconds": round(build_seconds, 1),
            "conversations_per_second": round(written / build_seconds),
            "html_kib": round(out.stat().st_size / 1024),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated conversation counts")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes must be comma-separated whole numbers")
    if any(not 1 <= s <= MAX_SIZE for s in sizes):
        parser.error(f"each size must be 1 to {MAX_SIZE}")
    results = {str(size): measure(size) for size in sizes}
    result = {
        "bench": "report_build",
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "sizes": results,
    }
    print(json.dumps(result, indent=2) if args.json else result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
