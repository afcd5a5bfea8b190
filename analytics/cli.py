"""`python -m analytics report ...` and `python -m analytics demo-data ...`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from analytics.settings import AnalyticsError, load_settings


def _date(raw: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}") from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write the support review as one HTML file")
    report.add_argument("--since", type=_date, required=True, help="first day (YYYY-MM-DD, UTC)")
    report.add_argument("--until", type=_date, help="day after the last (default: tomorrow)")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--csv", type=Path, help="also write one row per conversation here")
    report.add_argument("--pdf", type=Path, help="also print the report to this PDF (needs Chromium)")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    demo = commands.add_parser("demo-data", help="write a realistic support history into the stores")
    demo.add_argument("--months", type=int, default=3)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--conversations", type=int, help="how many (default: about 40 a day)")
    demo.add_argument("--end", type=_date, help="last day of the history (default: today)")
    demo.add_argument(
        "--into-real-stores", action="store_true", help="write even where real conversations are stored"
    )
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "report":
            from analytics import csv_export, report
            from analytics.findings import build

            until = args.until or _date((dt.date.today() + dt.timedelta(days=1)).isoformat())
            if until <= args.since:
                raise AnalyticsError("--until must be after --since")
            found = build(settings, args.since, until, progress=not args.quiet)
            report.write(found, settings.targets, args.out)
            if args.csv:
                csv_export.write(found, args.csv)
            if args.pdf:
                from analytics.pdf import write_pdf

                write_pdf(args.out, args.pdf)
            print(f"wrote {args.out} ({len(found.conversations)} conversations)")
            return 0
        from analytics.demo import generate

        if not 1 <= args.months <= 24:
            raise AnalyticsError("--months must be 1 to 24")
        end = (args.end or _date(dt.date.today().isoformat())) + dt.timedelta(days=1)
        count = generate(
            settings,
            months=args.months,
            seed=args.seed,
            end=end,
            conversations=args.conversations,
            allow_real=args.into_real_stores,
        )
        print(f"wrote {count} conversations to {settings.tracker_db} and {settings.handoff_db}")
        return 0
    except AnalyticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
