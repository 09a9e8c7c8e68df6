"""One file in, findings (and fixed text) out. Never raises.

files -> decode -> CPython check -> gate -> parse -> one walk (model + rules) -> positions
-> noqa -> fixes.

Every file is first compiled by the running CPython, which costs a tenth of a LibCST
parse: LibCST's native parser has no nesting limit of its own and, on code nested a few
thousand levels deep, exhausts the C stack and kills the process, so text that CPython's
parser refuses for its nesting becomes CTX001 without ever reaching LibCST. The same
check is the syntax check of the files the gate keeps away from LibCST (those whose code
cannot trigger any enabled rule), so CTX001 is reported either way, and its bytecode
gives the gate the names the code uses (ctxlint/gate.py). The LibCST stages then run with
a raised recursion limit (code generation and the semantic model recurse once per nesting
level, and valid code may be nested as deep as CPython accepts) and without cyclic
garbage collection.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import re
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import CodeType
from typing import Iterable, Optional, Sequence, Union

import libcst as cst

from ctxlint.analysis.project import ProjectFacts
from ctxlint.analysis.project.callgraph import graph_of_source
from ctxlint.collector import cycle_collection_paused
from ctxlint.findings import Finding, Fix, Location, Place, RelatedLocation
from ctxlint.gate import CodeIndex, gate
from ctxlint.noqa import is_suppressed, logical_line_text
from ctxlint.positions import Spans
from ctxlint.rules import registry
from ctxlint.rules.base import FileContext, Report, Rule
from ctxlint.settings import Settings
from ctxlint.source import DecodeError, SourceText, decode, parser_limit
from ctxlint.trusted_parse import parse_compiled

SYNTAX_ERROR = "CTX001"
INTERNAL_ERROR = "CTX002"


@dataclass
class FileResult:
    filename: str
    findings: list[Finding] = field(default_factory=list)
    fixed: Optional[bytes] = None  # the file's new bytes when fixes were applied
    fix_problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # for the user, not findings
    gated: bool = False  # the gate found no enabled rule that can fire: LibCST never ran


def active_rules(codes: Iterable[str], facts: ProjectFacts) -> list[type[Rule]]:
    key = (
        codes if isinstance(codes, frozenset) else frozenset(codes),
        bool(facts.opentelemetry),
        facts.tracing_setup is not None,
    )
    selected = _ACTIVE.get(key)
    if selected is None:
        rules = registry()
        selected = []
        for code in sorted(key[0]):
            rule = rules.get(code)
            if rule is None or rule.engine_only:
                continue
            if rule.opentelemetry_only and not facts.opentelemetry:
                continue
            if rule.tracing_setup_only and facts.tracing_setup is None:
                continue
            selected.append(rule)
        if len(_ACTIVE) < 256:
            _ACTIVE[key] = selected
    return list(selected)


# (enabled codes, OpenTelemetry project, tracing set up) -> rules: the same few
# combinations recur per file.
_ACTIVE: dict[tuple[frozenset[str], bool, bool], list[type[Rule]]] = {}


def lint_bytes(
    data: bytes,
    filename: str,
    settings: Settings,
    facts: ProjectFacts,
    *,
    fix: Optional[str] = None,  # None | "safe" | "unsafe"
    use_gate: bool = True,
    relative_path: Optional[str] = None,
) -> FileResult:
    """Lint one file's bytes. `filename` is the display path; `relative_path` is relative
    to the project root (for `per-file-ignores`), defaulting to `filename`."""
    codes = settings.codes_for(relative_path or filename)
    result = FileResult(filename)
    try:
        source = decode(data)
    except DecodeError as exc:
        if SYNTAX_ERROR in codes:
            result.findings.append(_engine_finding(SYNTAX_ERROR, f"cannot decode file: {exc}", filename))
        return result
    try:
        return _lint_text(source, filename, settings, facts, codes, fix, use_gate, relative_path=relative_path or filename)
    except Exception as exc:  # the engine's last line of defence: report, never raise
        return _internal_error(exc, filename, codes)


def lint_text(
    text: str,
    filename: str,
    settings: Settings,
    facts: ProjectFacts,
    *,
    relative_path: Optional[str] = None,
    apply_noqa: bool = True,
    tree: Optional[ast.Module] = None,
) -> FileResult:
    """Lint already-decoded source (the flake8 plugin gets text, not bytes), with the `ast`
    tree of it that flake8 has parsed, if any."""
    codes = settings.codes_for(relative_path or filename)
    try:
        return _lint_text(
            SourceText(text, "utf-8", False), filename, settings, facts, codes, None, True, apply_noqa,
            relative_path=relative_path or filename, tree=tree,
        )
    except Exception as exc:
        return _internal_error(exc, filename, codes)


def _internal_error(exc: Exception, filename: str, codes: frozenset[str]) -> FileResult:
    result = FileResult(filename)
    if INTERNAL_ERROR in codes:
        message = f"internal error in ctxlint engine: {type(exc).__name__}"
        result.findings.append(_engine_finding(INTERNAL_ERROR, message, filename))
    return result


def _lint_text(
    source: SourceText,
    filename: str,
    settings: Settings,
    facts: ProjectFacts,
    codes: frozenset[str],
    fix: Optional[str],
    use_gate: bool,
    apply_noqa: bool = True,
    *,
    relative_path: str,
    tree: Optional[ast.Module] = None,
) -> FileResult:
    result = FileResult(filename)
    if tree is not None and use_gate and not gate(active_rules(codes, facts), CodeIndex(source.text, None), facts):
        # A text flake8 has parsed (it reports the syntax errors) that names nothing any
        # rule fires on, comments included: no need to compile it for a closer look.
        result.gated = True
        return result
    code = _compile(source.text if tree is None else tree)
    compiles = code is not None
    if not compiles:
        limit = parser_limit(source.text)
        if limit is not None:  # never handed to LibCST
            if SYNTAX_ERROR in codes:
                where = f" (line {limit.line}, column {limit.column})" if limit.line > 1 or limit.column > 1 else ""
                result.findings.append(
                    SyntaxProblem(f"syntax error: {limit.reason}{where}", limit.line, limit.column).finding(filename)
                )
            return result
    rules = active_rules(codes, facts)
    if use_gate:
        rules = gate(rules, CodeIndex(source.text, code), facts)
    try:
        with _deep_recursion(), cycle_collection_paused():
            if not rules:
                result.gated = True
                if SYNTAX_ERROR in codes and not compiles:
                    parsed = _parse(source.text)
                    if isinstance(parsed, SyntaxProblem):
                        result.findings.append(parsed.finding(filename))
                return result
            return _lint_module(
                source, filename, settings, facts, codes, fix, rules, apply_noqa, compiles, result, relative_path
            )
    except RecursionError:
        # Valid code nested deeper than LibCST's recursive code generation can follow on
        # this interpreter (Python 3.12 caps C recursion at a fixed depth that no
        # recursion limit raises): not a ctxlint bug to report as CTX002, but not checked.
        version = "%d.%d" % sys.version_info[:2]
        skipped = FileResult(filename)
        skipped.warnings.append(f"{filename}: not checked: code nested too deeply for LibCST on Python {version}")
        return skipped


def _lint_module(
    source: SourceText,
    filename: str,
    settings: Settings,
    facts: ProjectFacts,
    codes: frozenset[str],
    fix: Optional[str],
    rules: list[type[Rule]],
    apply_noqa: bool,
    cpython_accepted: bool,
    result: FileResult,
    relative_path: str,
) -> FileResult:
    module = _parse(source.text, cpython_accepted)
    if isinstance(module, SyntaxProblem):
        if cpython_accepted:
            # Valid Python that LibCST's parser does not handle. Not CTX001 (it is no syntax
            # error, and a file the gate skips is never given to LibCST, so reporting it
            # here would make the findings depend on the gate): a warning that it was not
            # checked.
            result.warnings.append(
                f"{filename}: not checked: LibCST's parser rejects this valid Python "
                f"(line {module.line}, column {module.column})"
            )
        elif SYNTAX_ERROR in codes:
            result.findings.append(module.finding(filename))
        return result
    if any(rule.uses_context_flow for rule in rules):
        facts = _with_linted_text(facts, source, relative_path)
    reports, errors = run_rules(module, rules, filename, settings, facts, relative_path)
    reported = _to_findings(module, source.text, reports, filename, codes, apply_noqa, relative_path)
    result.findings = [finding for finding, _report in reported]
    for rule_name, exc in errors:
        if INTERNAL_ERROR in codes:
            result.findings.append(
                _engine_finding(
                    INTERNAL_ERROR, f"internal error in {rule_name}: {type(exc).__name__}: {exc}", filename
                )
            )
    result.findings = _dedupe(result.findings)
    if fix is not None:
        from ctxlint.fixes import apply_fixes

        wanted = [r.fix for _f, r in reported if r.fix is not None and _fix_allowed(r.fix.applicability, fix)]
        if wanted:
            fixed_text, problem = apply_fixes(module, wanted)
            if problem:
                result.fix_problems.append(f"{filename}: fix not applied: {problem}")
            elif fixed_text is not None and fixed_text != source.text:
                result.fixed = source.encode(fixed_text)
    return result


def _with_linted_text(facts: ProjectFacts, source: SourceText, relative_path: str) -> ProjectFacts:
    """The facts, with the call graph of the text being linted when the project pass read
    another text or none (standard input, an editor's unsaved buffer, a file outside the
    pass): rules then judge the code they see."""
    if facts.flow.read.get(relative_path) == hashlib.sha256(source.encode(source.text)).hexdigest():
        return facts
    flow = facts.flow.with_source(relative_path, graph_of_source(source.text))
    return dataclasses.replace(facts, flow=flow)


def _fix_allowed(applicability: str, mode: str) -> bool:
    return applicability == "safe" or mode == "unsafe"


# The recursion limit for the CPython check (CPython's default, whatever the host process
# set: the parser's verdict on deep nesting depends on it) and for the LibCST stages.
CHECK_RECURSION_LIMIT = 1000
DEEP_RECURSION_LIMIT = 20000


def _compile(text: Union[str, ast.Module]) -> Optional[CodeType]:
    """What CPython compiles `text` (or its `ast` tree, which spares the parse) to, or None
    if it refuses it (bytecode, not an `ast` tree: few Python objects). `optimize=0`: the
    gate reads the names of `assert`s too."""
    with _recursion_limit(CHECK_RECURSION_LIMIT), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings are not ours to print
        try:
            return compile(text, "<file>", "exec", dont_inherit=True, optimize=0)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None


@contextmanager
def _recursion_limit(limit: int):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _deep_recursion():
    return _recursion_limit(max(sys.getrecursionlimit(), DEEP_RECURSION_LIMIT))


@dataclass(frozen=True)
class SyntaxProblem:
    reason: str
    line: int = 1
    column: int = 1

    def finding(self, filename: str) -> Finding:
        return _engine_finding(SYNTAX_ERROR, self.reason, filename, self.line, self.column)


def _compile_problem(text: str) -> Optional[SyntaxProblem]:
    try:
        compile(text, "<file>", "exec", ast.PyCF_ONLY_AST)
    except SyntaxError as exc:
        line = max(exc.lineno or 1, 1)
        column = max(exc.offset or 1, 1)
        return SyntaxProblem(f"syntax error: {exc.msg} (line {line}, column {column})", line, column)
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return SyntaxProblem(f"syntax error: {exc}")
    return None


def _parse(text: str, cpython_accepted: bool = False):
    """A LibCST module, or the `SyntaxProblem` saying why it cannot be parsed."""
    try:
        if cpython_accepted:
            return parse_compiled(text)
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        # CPython's own message and position are clearer than LibCST's when both reject it.
        problem = _compile_problem(text)
        if problem is not None:
            return problem
        reason = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
        line, column = max(exc.raw_line, 1), max(exc.raw_column + 1, 1)
        return SyntaxProblem(f"syntax error: {reason} (line {line}, column {column})", line, column)
    except RecursionError:
        return SyntaxProblem("syntax error: code is nested too deeply to parse")
    except Exception as exc:
        text_reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return SyntaxProblem(f"syntax error: {text_reason}")


def run_rules(
    module, rules: Sequence[type[Rule]], filename: str, settings: Settings, facts: ProjectFacts, relative_path: str = ""
):
    """Walk `module` once with every rule; returns (reports, [(rule name, exception)])."""
    from ctxlint.analysis.model import SemanticModel
    from ctxlint.analysis.walker import walk

    model = SemanticModel()
    context = FileContext(filename, model, settings, facts, relative_path=relative_path or filename)
    errors: list[tuple[str, BaseException]] = []

    def on_error(visitor: object, exc: BaseException) -> None:
        name = getattr(visitor, "code", None) or "the semantic model"
        if isinstance(visitor, Rule):
            name = f"{visitor.code} ({visitor.name})"
        errors.append((name, exc))

    visitors = []
    for rule in rules:
        try:
            visitors.append(rule(context))
        except Exception as exc:
            errors.append((f"{rule.code} ({rule.name})", exc))
    walk(module, model, visitors, on_error)
    return context.reports, errors


def _to_findings(
    module, text: str, reports: list[Report], filename: str, codes, apply_noqa: bool = True, relative_path: str = ""
) -> list[tuple[Finding, Report]]:
    """Positions for the reports that survive `# noqa` (computed only when there are any)."""
    reports = [r for r in reports if r.rule.code in codes]
    if not reports:
        return []
    wanted = [r.node for r in reports]
    wanted.extend(node for r in reports for node, _message in r.related if not isinstance(node, Place))
    spans = Spans(module, wanted)
    # flake8's noqa regex needs a hash, one space and "noqa": a file without that text
    # suppresses nothing, so the (pure Python, slow) tokenizer pass is skipped.
    noqa_text = logical_line_text(text) if apply_noqa and _NOQA_HINT.search(text) else None
    findings = []
    for report in reports:
        location = _location(spans.range(report.node))
        statement_end = spans.statement_end(report.node, location.line)
        noqa_lines = tuple(sorted({location.line, statement_end}))
        if noqa_text is not None and is_suppressed(report.rule.code, noqa_lines, noqa_text):
            continue
        fix = None
        if report.fix is not None:
            fix = Fix(report.fix.applicability, report.fix.title, _fix_diff(module, text, report, filename))
        finding = Finding(
            code=report.rule.code,
            name=report.rule.name,
            message=report.message,
            filename=filename,
            location=location,
            related=tuple(_related(spans, place, message, relative_path, filename) for place, message in report.related),
            fix=fix,
            noqa_lines=noqa_lines,
        )
        findings.append((finding, report))
    return findings


_NOQA_HINT = re.compile(r"# noqa", re.IGNORECASE)


def _related(spans: Spans, place, message: str, relative_path: str, filename: str) -> RelatedLocation:
    """A related location: a node of this file, or a line of another file of the project
    (named like the finding's own file: `filename` is `relative_path` as given)."""
    if not isinstance(place, Place):
        return RelatedLocation(_location(spans.range(place)), message)
    where = Location(place.line, 1, place.line, 1)
    if place.path == relative_path:
        return RelatedLocation(where, message)
    prefix = filename[: len(filename) - len(relative_path)] if filename.endswith(relative_path) else ""
    return RelatedLocation(where, message, prefix + place.path)


def _location(code_range) -> Location:
    return Location(
        code_range.start.line, code_range.start.column + 1, code_range.end.line, code_range.end.column + 1
    )


def _fix_diff(module: cst.Module, text: str, report: Report, filename: str) -> str:
    from ctxlint.fixes import apply_fixes, unified_diff

    fixed, problem = apply_fixes(module, [report.fix])
    if problem or fixed is None:
        return ""
    return unified_diff(text, fixed, filename)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    unique = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        key = finding.sort_key
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _engine_finding(code: str, message: str, filename: str, line: int = 1, column: int = 1) -> Finding:
    rule = registry()[code]
    return Finding(code, rule.name, message, filename, Location(line, column, line, column))
