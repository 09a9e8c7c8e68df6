"""Score ctxlint's default rules on the real-bug recall corpus (SPEC §10).

    python benchmarks/recall.py                      # table per family, missed positives, false positives
    python benchmarks/recall.py --json               # the counts as JSON
    python benchmarks/recall.py --verbose            # also every finding of every case
    python benchmarks/recall.py --extend-select CTX2 # with preview rules on too (informational)
    python benchmarks/recall.py benchmarks/bugs/ctx1/foo.py 'benchmarks/bugs/ctx3/*'   # a subset

A case is a `.py` file directly inside a family folder (`ctx1` .. `ctx5`), or a directory
there (a small project: instrumentation set up in one module, the bug in another). Its
family is its folder. Each case is linted on its own: it is copied into a fresh temporary
directory with a `pyproject.toml` whose `[tool.ctxlint]` table is built from the case's
`# ctxlint: key = <toml value>` header lines, and the installed `ctxlint` console script
runs `check . --output-format json --no-cache` there, with the default rules (a case that
needs preview rules says `# ctxlint: preview = true`).

Scoring (benchmarks/bugs/README.md):
- a positive is *found* when every line marked `# expect: CODE` has a finding on that line
  whose code starts with CODE (a family `CTX3` or an exact `CTX303`; `CTX301, CTX303`
  accepts either);
- a finding on a line without a matching mark is *unexpected*; on a negative case
  (`# expect: none`) it makes the case a *false positive*;
- cases whose header says `# static: false — <reason>` are reported apart and are not in
  the recall denominator.
The exit status is 0 unless a case is malformed or ctxlint could not lint it (2).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "bugs"
FAMILIES = ("CTX1", "CTX2", "CTX3", "CTX4", "CTX5")
FAMILY_DIR = re.compile(r"^ctx(?P<n>[1-9])$", re.IGNORECASE)
MARK = re.compile(r"#\s*expect:\s*(?P<codes>CTX\d{1,3}(?:\s*,\s*CTX\d{1,3})*)\b", re.IGNORECASE)
NONE_MARK = re.compile(r"^#\s*expect:\s*none\b", re.IGNORECASE)
CONFIG = re.compile(r"^#\s*ctxlint:\s*(?P<body>.+?)\s*$")
FIELD = re.compile(r"^#\s*(?P<key>source|bug|fix|static)\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
STATIC_FALSE = re.compile(r"^false\b\s*[—:-]*\s*(?P<reason>.*)$", re.IGNORECASE)
CONFIG_FILES = ("pyproject.toml", "ctxlint.toml", ".ctxlint.toml")


@dataclass
class Case:
    path: Path  # the .py file or the case directory
    family: str  # CTX1 .. CTX5
    files: list[Path]  # the .py files of the case
    marks: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)  # (relative file, line) -> codes
    negative: bool = False
    static_false: str | None = None  # the reason, when the header says `static: false`
    config: list[str] = field(default_factory=list)
    source: str = ""
    bug: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return display(self.path)


@dataclass
class Result:
    case: Case
    findings: list[dict]
    found: bool = False
    missed_marks: list[tuple[str, int, tuple[str, ...]]] = field(default_factory=list)
    unexpected: list[dict] = field(default_factory=list)
    error: str | None = None


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def header_lines(text: str) -> list[str]:
    """The leading comment block of a file (blank lines allowed, stops at the first code line)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        lines.append(stripped)
    return lines


def family_of(folder: Path) -> str | None:
    match = FAMILY_DIR.match(folder.name)
    return f"CTX{match.group('n')}" if match else None


def load_case(path: Path, family: str) -> Case:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if p.is_file())
    case = Case(path=path, family=family, files=files)
    if not files:
        case.problems.append("no .py file")
    for file in files:
        relative = file.name if path.is_file() else str(file.relative_to(path))
        text = file.read_text(encoding="utf-8")
        for line in header_lines(text):
            if NONE_MARK.match(line):
                case.negative = True
                continue
            config = CONFIG.match(line)
            if config:
                body = config.group("body")
                case.config.append(body if "=" in body else f"{body} = true")
                continue
            item = FIELD.match(line)
            if item is None:
                continue
            key, value = item.group("key").lower(), item.group("value")
            if key == "source" and not case.source:
                case.source = value
            elif key == "bug" and not case.bug:
                case.bug = value
            elif key == "static":
                static = STATIC_FALSE.match(value)
                if static:
                    case.static_false = static.group("reason") or "no reason given"
        for number, line in enumerate(text.splitlines(), start=1):
            mark = MARK.search(line)
            if mark:
                codes = tuple(code.strip().upper() for code in mark.group("codes").split(","))
                case.marks[(relative, number)] = codes
    if case.negative and case.marks:
        case.problems.append("marked `# expect: none` and also has `# expect: CTX...` lines")
    if not case.negative and not case.marks:
        case.problems.append("neither `# expect: none` nor any `# expect: CTX...` line")
    if not case.source:
        case.problems.append("no `# source:` header line")
    return case


def case_for_file(file: Path) -> tuple[Path, str] | None:
    """The case (file or directory) a path inside the corpus belongs to, with its family."""
    current = file
    while current.parent != current:
        family = family_of(current.parent)
        if family is not None:
            if current.is_dir() or current.suffix == ".py":
                return current, family
            return None
        current = current.parent
    return None


def discover(paths: list[str]) -> tuple[list[Case], list[str]]:
    targets: list[Path] = []
    problems: list[str] = []
    if not paths:
        targets = [ROOT]
    for pattern in paths:
        matches = glob.glob(pattern, recursive=True) if glob.has_magic(pattern) else [pattern]
        if not matches:
            problems.append(f"{pattern}: no such file or directory")
        targets.extend(Path(match) for match in matches)
    seen: dict[Path, tuple[Path, str]] = {}

    def add_family(folder: Path, family: str) -> None:
        for child in sorted(folder.iterdir()):
            if child.name.startswith((".", "_")) and child.is_dir():
                continue
            if child.is_dir() or child.suffix == ".py":
                seen.setdefault(child.resolve(), (child, family))

    for target in targets:
        if not target.exists():
            if target != ROOT:
                problems.append(f"{target}: no such file or directory")
            continue
        if target.is_dir() and family_of(target):
            add_family(target, family_of(target))
            continue
        if target.is_dir() and any(family_of(child) for child in target.iterdir() if child.is_dir()):
            for child in sorted(target.iterdir()):
                if child.is_dir() and family_of(child):
                    add_family(child, family_of(child))
            continue
        found = case_for_file(target.resolve())
        if found is None:
            if target.is_file() and target.suffix != ".py":
                continue
            problems.append(f"{target}: not inside a family folder (ctx1 .. ctx5)")
            continue
        case_path, family = found
        seen.setdefault(case_path.resolve(), (case_path, family))
    cases = [load_case(path, family) for path, family in sorted(seen.values(), key=lambda item: str(item[0]))]
    return cases, problems


def ctxlint_script() -> str:
    explicit = os.environ.get("CTXLINT")
    if explicit:
        return explicit
    for candidate in (Path(sysconfig.get_path("scripts")) / "ctxlint", Path(sys.executable).parent / "ctxlint"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("ctxlint")
    if found is None:
        raise SystemExit("recall.py: the `ctxlint` console script is not installed (or set CTXLINT)")
    return found


def lint(case: Case, script: str, extra: tuple[str, ...] = ()) -> Result:
    with tempfile.TemporaryDirectory(prefix="ctxlint-recall-") as tmp:
        project = Path(tmp) / "case"
        if case.path.is_file():
            project.mkdir()
            shutil.copy(case.path, project / case.path.name)
        else:
            shutil.copytree(case.path, project, ignore=shutil.ignore_patterns("__pycache__", ".ctxlint_cache"))
        if not any((project / name).exists() for name in CONFIG_FILES):
            config = "\n".join(["[tool.ctxlint]", *case.config]) + "\n"
            (project / "pyproject.toml").write_text(config, encoding="utf-8")
        elif case.config:
            case.problems.append("has its own config file and `# ctxlint:` header lines; the header lines are ignored")
        env = {**os.environ}
        env.pop("CTXLINT_DEBUG", None)
        completed = subprocess.run(
            [script, "check", ".", "--output-format", "json", "--no-cache", "--jobs", "1", *extra],
            cwd=project,
            capture_output=True,
            env=env,
            timeout=300,
        )
        if completed.returncode not in (0, 1):
            message = completed.stderr.decode(errors="replace").strip().splitlines()
            return Result(case, [], error=f"ctxlint exited {completed.returncode}: {message[-1] if message else ''}")
        try:
            findings = json.loads(completed.stdout)
        except json.JSONDecodeError as error:
            return Result(case, [], error=f"ctxlint printed no JSON ({error})")
    return score(case, findings)


def score(case: Case, findings: list[dict]) -> Result:
    result = Result(case, findings)
    by_line: dict[tuple[str, int], list[dict]] = {}
    for finding in findings:
        key = (Path(finding["filename"]).as_posix(), finding["line"])
        by_line.setdefault(key, []).append(finding)
        if finding["code"] in ("CTX001", "CTX002"):
            result.error = f"{finding['code']} in {finding['filename']}:{finding['line']}: {finding['message']}"
    for (file, line), codes in sorted(case.marks.items()):
        hits = by_line.get((Path(file).as_posix(), line), [])
        if not any(hit["code"].startswith(code) for hit in hits for code in codes):
            result.missed_marks.append((file, line, codes))
    for finding in findings:
        codes = case.marks.get((Path(finding["filename"]).as_posix(), finding["line"]), ())
        if not any(finding["code"].startswith(code) for code in codes):
            result.unexpected.append(finding)
    result.found = not case.negative and bool(case.marks) and not result.missed_marks
    return result


def empty_counts() -> dict:
    return {"positives": 0, "found": 0, "recall": None, "negatives": 0, "false_positives": 0,
            "static_false": 0, "static_false_found": 0, "unexpected": 0}


def tally(results: list[Result]) -> dict:
    families = {family: empty_counts() for family in FAMILIES}
    for result in results:
        if result.error or result.case.problems:
            continue
        counts = families.setdefault(result.case.family, empty_counts())
        case = result.case
        if case.negative:
            counts["negatives"] += 1
            counts["false_positives"] += bool(result.unexpected)
        elif case.static_false is not None:
            counts["static_false"] += 1
            counts["static_false_found"] += result.found
        else:
            counts["positives"] += 1
            counts["found"] += result.found
            counts["unexpected"] += len(result.unexpected)
    total = empty_counts()
    for counts in families.values():
        for key in total:
            if key != "recall":
                total[key] += counts[key]
        counts["recall"] = round(counts["found"] / counts["positives"], 4) if counts["positives"] else None
    total["recall"] = round(total["found"] / total["positives"], 4) if total["positives"] else None
    ordered = {key: total[key] for key in ("positives", "found", "recall", "negatives", "false_positives")}
    ordered.update({key: total[key] for key in ("static_false", "static_false_found", "unexpected")})
    ordered["families"] = families
    return ordered


JSON_KEYS = ("positives", "found", "recall", "negatives", "false_positives", "static_false")


def public(counts: dict) -> dict:
    """The `--json` shape: the five counts (plus `static_false`) overall and per family."""
    out = {key: counts[key] for key in JSON_KEYS}
    out["families"] = {name: {key: row[key] for key in JSON_KEYS} for name, row in counts["families"].items()}
    return out


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_report(results: list[Result], counts: dict, verbose: bool) -> None:
    header = f"{'family':<8}{'positives':>10}{'found':>7}{'recall':>8}{'negatives':>11}{'false pos':>11}{'static:false (found)':>22}"
    print(header)
    print("-" * len(header))
    rows = [(family, counts["families"][family]) for family in counts["families"]] + [("all", counts)]
    for name, row in rows:
        static = f"{row['static_false']} ({row['static_false_found']})"
        print(f"{name:<8}{row['positives']:>10}{row['found']:>7}{percent(row['recall']):>8}"
              f"{row['negatives']:>11}{row['false_positives']:>11}{static:>22}")

    def where(result: Result, file: str, line: int) -> str:
        base = result.case.path if result.case.path.is_dir() else result.case.path.parent
        return f"{display(base / file)}:{line}"

    missed = [r for r in results if not r.error and not r.case.problems and not r.case.negative and not r.found]
    if missed:
        print("\nMissed positives:")
        for result in missed:
            label = " [static: false]" if result.case.static_false is not None else ""
            for file, line, codes in result.missed_marks:
                print(f"  {where(result, file, line)}  expect {', '.join(codes)}{label}")
            print(f"      bug: {result.case.bug or '(no `# bug:` line)'}")
            if result.case.static_false is not None:
                print(f"      static: false — {result.case.static_false}")
            for finding in result.findings:
                print(f"      reported instead: {where(result, finding['filename'], finding['line'])} {finding['code']}")
    false_positives = [r for r in results if not r.error and not r.case.problems and r.case.negative and r.unexpected]
    if false_positives:
        print("\nFalse positives:")
        for result in false_positives:
            print(f"  {result.case.name}  bug-like idiom: {result.case.bug or '(no `# bug:` line)'}")
            for finding in result.unexpected:
                print(f"      {where(result, finding['filename'], finding['line'])} {finding['code']} {finding['message']}")
    unexpected = [r for r in results if not r.error and not r.case.problems and not r.case.negative and r.unexpected]
    if unexpected:
        print("\nUnexpected findings on positive cases (lines without a matching mark):")
        for result in unexpected:
            for finding in result.unexpected:
                print(f"  {where(result, finding['filename'], finding['line'])} {finding['code']} {finding['message']}")
    if verbose:
        print("\nFindings per case:")
        for result in results:
            kind = "negative" if result.case.negative else ("static:false" if result.case.static_false else "positive")
            verdict = "" if result.case.negative else ("  FOUND" if result.found else "  missed")
            print(f"  {result.case.name} ({result.case.family}, {kind}){verdict}")
            print(f"      source: {result.case.source}")
            for finding in result.findings:
                print(f"      {where(result, finding['filename'], finding['line'])} {finding['code']} {finding['message']}")
            if not result.findings:
                print("      (no findings)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="cases, family folders or globs (default: benchmarks/bugs)")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--verbose", "-v", action="store_true", help="print the findings of every case")
    parser.add_argument("--jobs", "-j", type=int, default=min(8, os.cpu_count() or 1), help="cases linted at once")
    parser.add_argument("--extend-select", metavar="CODES",
                        help="also run these rules (e.g. the preview CTX2 rules a service turns on); the measure is without")
    args = parser.parse_args(argv)

    cases, problems = discover(args.paths)
    script = ctxlint_script()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        extra = ("--extend-select", args.extend_select) if args.extend_select else ()
        results = list(pool.map(lambda case: lint(case, script, extra), cases))
    counts = tally(results)
    for result in results:
        problems.extend(f"{result.case.name}: {problem}" for problem in result.case.problems)
        if result.error:
            problems.append(f"{result.case.name}: {result.error}")
    if args.json:
        print(json.dumps(public(counts), indent=2))
    else:
        print_report(results, counts, args.verbose)
    if problems:
        print("\nProblems (these cases are not scored):" if not args.json else "", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
