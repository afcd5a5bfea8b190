"""Command line: `python -m actions.diagnostics lint | export SCRIPT | handouts --out DIR | import-flodial`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _lint(args: argparse.Namespace) -> int:
    from actions.diagnostics.catalog import kb_titles, load_scripts
    from actions.diagnostics.errors import ScriptError
    from actions.diagnostics.lint import lint_all

    try:
        scripts = load_scripts(args.scripts)
    except ScriptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not scripts:
        print(f"error: no scripts in {args.scripts}", file=sys.stderr)
        return 1
    kb_ids = set(kb_titles(args.kb)) if args.kb.is_dir() else None
    problems = lint_all(scripts, kb_ids)
    for problem in problems:
        print(problem)
    print(
        f"{len(scripts)} scripts, {sum(len(s.nodes) for s in scripts.values())} nodes, "
        f"{len(problems)} problems",
        file=sys.stderr,
    )
    return 1 if problems else 0


def _export(args: argparse.Namespace) -> int:
    from actions.diagnostics.catalog import kb_titles, load_scripts
    from actions.diagnostics.engine import Engine
    from actions.diagnostics.errors import ScriptError, UnknownScriptError
    from actions.diagnostics.export import render

    try:
        engine = Engine(load_scripts(args.scripts), kb_titles(args.kb))
        text = render(engine, args.script, args.format, args.level)
    except UnknownScriptError:
        print(f"error: no script {args.script!r} in {args.scripts}", file=sys.stderr)
        return 2
    except ScriptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _handouts(args: argparse.Namespace) -> int:
    from actions.diagnostics.catalog import kb_titles, load_scripts
    from actions.diagnostics.engine import Engine
    from actions.diagnostics.errors import ScriptError
    from actions.diagnostics.export import write_handouts

    try:
        engine = Engine(load_scripts(args.scripts), kb_titles(args.kb))
    except ScriptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    written = write_handouts(engine, args.out)
    print(f"wrote {len(written)} handouts to {args.out}", file=sys.stderr)
    return 0


def _import_flodial(args: argparse.Namespace) -> int:
    from actions.diagnostics.flodial import import_directory
    from actions.diagnostics.router import minilm_embedder

    written = import_directory(args.knowledge, args.output, minilm_embedder())
    print(f"wrote {len(written)} scripts to {args.output}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    from actions.diagnostics.catalog import kb_dir, scripts_dir

    parser = argparse.ArgumentParser(prog="python -m actions.diagnostics")
    parser.add_argument("--scripts", type=Path, default=scripts_dir(), help="script folder")
    parser.add_argument("--kb", type=Path, default=kb_dir(), help="KB article folder (for links)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("lint", help="check all scripts; exit 1 on any problem").set_defaults(func=_lint)
    export = commands.add_parser("export", help="printable coaching handout of one script")
    export.add_argument("script")
    export.add_argument("--format", choices=("md", "html"), default="md")
    export.add_argument("--level", choices=("novice", "expert"), default="novice")
    export.add_argument("--output", "-o", type=Path)
    export.set_defaults(func=_export)
    handouts = commands.add_parser("handouts", help="every script's handout as JSON, for the help pages")
    handouts.add_argument("--out", type=Path, required=True, help="folder for <script id>.json")
    handouts.set_defaults(func=_handouts)
    flodial = commands.add_parser("import-flodial", help="convert FloDial flowcharts to scripts")
    flodial.add_argument("--knowledge", type=Path, required=True, help="FloDial knowledge-sources folder")
    flodial.add_argument("--output", type=Path, required=True, help="folder for the YAML scripts")
    flodial.set_defaults(func=_import_flodial)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
