"""The `ctxlint` command: argument parsing, subcommands, output and exit codes.

Exit codes (as ruff): 0 no findings, 1 findings (or fixes left), 2 usage or config error.
User mistakes get one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

from ctxlint import __version__
from ctxlint.errors import UsageError
from ctxlint.reporters import FORMATS

SUBCOMMANDS = ("check", "rule", "rules", "version", "server")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _codes(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ctxlint", description="Find where request context stops flowing.")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    check = commands.add_parser("check", help="lint files (the default command)")
    check.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .)")
    check.add_argument("--select", action="append", metavar="CODES", help="rules or prefixes to enable (replaces config)")
    check.add_argument("--extend-select", action="append", metavar="CODES", help="rules or prefixes to add")
    check.add_argument("--ignore", action="append", metavar="CODES", help="rules or prefixes to disable")
    check.add_argument("--preview", action="store_true", help="enable preview rules")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (with --fix or --diff)")
    check.add_argument("--diff", action="store_true", help="print fixes as a unified diff; change nothing")
    check.add_argument("--output-format", choices=tuple(FORMATS), default=None, help="output format (default text)")
    check.add_argument("--statistics", action="store_true", help="show counts per rule instead of findings")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even if there are findings")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument("--cache-dir", type=Path, help="cache directory (default: <project>/.ctxlint_cache)")
    check.add_argument(
        "--force-exclude", action="store_true", help="apply exclude/extend-exclude to paths named here too"
    )
    check.add_argument("--config", type=Path, help="use this config file instead of discovering one")
    check.add_argument("--target-version", metavar="pyXY", help="Python version the code runs on (py39 .. py314)")
    check.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: number of CPUs)")
    check.add_argument("--stdin-filename", metavar="NAME", help="lint standard input as this file")
    check.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings not in this baseline")
    check.add_argument("--write-baseline", type=Path, metavar="FILE", help="write all current findings as a baseline")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    check.add_argument("--verbose", "-v", action="store_true", help="print project facts and timings to stderr")
    check.add_argument("--no-gate", action="store_true", help=argparse.SUPPRESS)
    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("code")
    rules = commands.add_parser("rules", help="list all rules")
    rules.add_argument("--markdown", action="store_true", help="a Markdown table (the README's rule index)")
    commands.add_parser("version", help="show the version")
    server = commands.add_parser("server", help="run the language server (LSP over stdio; needs ctxlint[server])")
    server.add_argument("--stdio", action="store_true", help="talk over standard input and output (the only transport)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in SUBCOMMANDS and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "check")
    try:
        args = build_parser().parse_args(args_list)
        if args.command == "version":
            print(f"ctxlint {__version__}")
            return 0
        if args.command == "rules":
            print(_rules_markdown() if args.markdown else _rules_table(), end="")
            return 0
        if args.command == "rule":
            return _show_rule(args.code)
        if args.command == "server":
            from ctxlint.server import serve

            return serve()
        return _check(args)
    except UsageError as exc:
        print(f"ctxlint: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ctxlint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug in ctxlint: one line, and the traceback on request
        if os.environ.get("CTXLINT_DEBUG"):
            raise
        print(
            f"ctxlint: internal error: {type(exc).__name__}: {exc} (set CTXLINT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 2


def _rules_table() -> str:
    from ctxlint.rules import registry

    rows = [("code", "name", "status", "fix")]
    for code, rule in registry().items():
        rows.append((code, rule.name, rule.status(), rule.fix))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n" for row in rows)


def _rules_markdown() -> str:
    from ctxlint.rules import registry

    lines = ["| code | name | status | fix | what it finds |", "|---|---|---|---|---|"]
    for code, rule in registry().items():
        summary = rule.summary().replace("|", "\\|")
        lines.append(f"| {code} | {rule.name} | {rule.status()} | {rule.fix} | {summary} |")
    return "\n".join(lines) + "\n"


def _show_rule(code: str) -> int:
    from ctxlint.rules import registry

    rule = registry().get(code.upper())
    if rule is None:
        raise UsageError(f"unknown rule code {code!r} (see `ctxlint rules`)")
    print(rule.documentation(), end="")
    return 0


def _check(args: argparse.Namespace) -> int:
    from ctxlint.config import ConfigResolver
    from ctxlint.runner import RunOptions, lint_one, run

    started = time.perf_counter()
    if args.unsafe_fixes and not (args.fix or args.diff):
        args.fix = True  # ruff requires --fix too; accepting it alone is friendlier
    fix_mode = ("unsafe" if args.unsafe_fixes else "safe") if (args.fix or args.diff) else None
    overrides = {
        "select": _codes(args.select),
        "extend_select": _codes(args.extend_select),
        "ignore": _codes(args.ignore),
        "preview": args.preview,
        "target_version": args.target_version,
        "force_exclude": args.force_exclude,
    }
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    read_stdin = args.stdin_filename is not None or [str(p) for p in args.paths] == ["-"]
    paths = [] if read_stdin else (args.paths or [Path(".")])
    for path in paths:
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            raise UsageError(f"{path}: no such file or directory") from None
        except OSError:
            pass  # it exists but cannot be looked at (an unsearchable directory): reported when read
    stdin_path = Path(args.stdin_filename or "stdin.py")
    resolver = ConfigResolver(paths or [stdin_path.absolute().parent], args.config, overrides)
    options = RunOptions(
        fix=fix_mode,  # with --diff: the fixes to show instead of write
        diff=args.diff,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
        jobs=args.jobs,
        use_gate=not args.no_gate,
    )
    if read_stdin:
        data = sys.stdin.buffer.read()
        result, fixed = lint_one(data, stdin_path, resolver, options, filename=args.stdin_filename or "-")
        if fix_mode is not None and not args.diff:
            sys.stdout.buffer.write(result.fixed if result.fixed is not None else data)
            return 0 if args.exit_zero or not result.findings else 1
        findings = result.findings
        from ctxlint.runner import RunResult

        outcome = RunResult(findings=findings, files=[result.filename], linted=1)
    else:
        from ctxlint.progress import Progress

        progress = Progress.for_terminal(args.quiet)
        options.progress = progress.update if progress is not None else None
        try:
            outcome = run(paths, resolver, options)
        finally:
            if progress is not None:
                progress.close()
    for warning in outcome.warnings:
        print(f"ctxlint: warning: {warning}", file=sys.stderr)
    if not read_stdin and not outcome.files:
        print(f"ctxlint: warning: {NO_FILES}", file=sys.stderr)
    findings = outcome.findings
    if args.write_baseline is not None:
        from ctxlint.baseline import write_baseline

        write_baseline(args.write_baseline, findings)
        print(f"ctxlint: wrote {len(findings)} findings to {args.write_baseline}", file=sys.stderr)
        return 0  # recorded, not failed (like ruff's --add-noqa)
    if args.baseline is not None:
        from ctxlint.baseline import filter_baselined

        findings = filter_baselined(args.baseline, findings)
    if args.verbose:
        _print_verbose(outcome, started)
    if args.diff:
        sys.stdout.write("".join(outcome.diffs))
        return 0 if args.exit_zero or not outcome.diffs else 1
    _print_findings(args, findings, outcome, fix_mode)
    return 0 if args.exit_zero or not findings else 1


NO_FILES = "No Python files found under the given path(s)"


def _print_findings(args: argparse.Namespace, findings, outcome, fix_mode: Optional[str]) -> None:
    from ctxlint.reporters import reporter
    from ctxlint.reporters.summary import RunSummary

    summary = RunSummary(
        files_checked=len(outcome.files),
        fix_mode=fix_mode,
        fixed=outcome.fixed_findings,
        files=tuple(outcome.files),
        verbose=args.verbose,
    )
    fmt = args.output_format or "text"
    if args.statistics and fmt == "text":
        sys.stdout.write(statistics_table(findings))
        return
    text = reporter(fmt)(findings, summary)
    if fmt == "text" and not outcome.files:
        return  # nothing was checked, so nothing "passed": the warning says so
    if args.quiet and fmt == "text":
        text = "".join(line + "\n" for line in text.splitlines()[:-1])
    # File names that are not valid UTF-8 reach us as surrogate escapes: write their bytes back.
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()


def statistics_table(findings) -> str:
    """Counts per code, most frequent first (ruff's `--statistics`)."""
    from ctxlint.rules import registry

    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    rules = registry()
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        marker = "[*]" if fixable[code] else "   "
        name = rules[code].name if code in rules else ""
        lines.append(f"{count:>5}\t{code}\t{marker} {name} ({fixable[code]} fixable)")
    return "\n".join(lines) + ("\n" if lines else "")


def _print_verbose(outcome, started: float) -> None:
    for root, facts in sorted(outcome.facts.items()):
        print(f"ctxlint: project {root}", file=sys.stderr)
        for line in facts.describe():
            print(f"ctxlint:   {line}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    cached = len(outcome.files) - outcome.linted
    print(
        f"ctxlint: checked {len(outcome.files)} files in {elapsed:.2f}s ({outcome.linted} linted, "
        f"{outcome.gated} of them skipped by the gate; {cached} from the cache)",
        file=sys.stderr,
    )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
