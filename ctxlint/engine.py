"""One file in, findings (and fixed text) out. Never raises.

files -> decode -> gate -> parse -> one walk (model + rules) -> positions -> noqa -> fixes.
The gate skips the LibCST parse for files that cannot trigger any enabled rule; such files
are still checked for syntax errors with `ast`, so CTX001 is reported either way.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from ctxlint.findings import Finding, Fix, Location, RelatedLocation
from ctxlint.noqa import is_suppressed, logical_line_text
from ctxlint.project import ProjectFacts
from ctxlint.rules.base import FileContext, Report, Rule, registry
from ctxlint.settings import Settings
from ctxlint.source import DecodeError, SourceText, decode

SYNTAX_ERROR = "CTX001"
INTERNAL_ERROR = "CTX002"


@dataclass
class FileResult:
    filename: str
    findings: list[Finding] = field(default_factory=list)
    fixed: Optional[bytes] = None  # the file's new bytes when fixes were applied
    fix_problems: list[str] = field(default_factory=list)


def active_rules(codes: Iterable[str], facts: ProjectFacts) -> list[type[Rule]]:
    rules = registry()
    selected = []
    for code in sorted(codes):
        rule = rules.get(code)
        if rule is None or rule.engine_only:
            continue
        if rule.opentelemetry_only and not facts.opentelemetry:
            continue
        selected.append(rule)
    return selected


def gate(rules: Sequence[type[Rule]], text: str) -> list[type[Rule]]:
    """Rules whose trigger tokens occur in `text` (a plain substring test: conservative)."""
    kept = []
    for rule in rules:
        if rule.triggers and not any(token in text for token in rule.triggers):
            continue
        if any(not any(token in text for token in group) for group in rule.requires):
            continue
        kept.append(rule)
    return kept


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
        return _lint_text(source, filename, settings, facts, codes, fix, use_gate)
    except Exception as exc:  # the engine's last line of defence: report, never raise
        if INTERNAL_ERROR in codes:
            result.findings.append(
                _engine_finding(INTERNAL_ERROR, f"internal error in ctxlint engine: {type(exc).__name__}", filename)
            )
        return result


def lint_text(
    text: str,
    filename: str,
    settings: Settings,
    facts: ProjectFacts,
    *,
    relative_path: Optional[str] = None,
    apply_noqa: bool = True,
) -> FileResult:
    """Lint already-decoded source (the flake8 plugin gets text, not bytes)."""
    codes = settings.codes_for(relative_path or filename)
    try:
        return _lint_text(SourceText(text, "utf-8", False), filename, settings, facts, codes, None, True, apply_noqa)
    except Exception as exc:
        result = FileResult(filename)
        if INTERNAL_ERROR in codes:
            result.findings.append(
                _engine_finding(INTERNAL_ERROR, f"internal error in ctxlint engine: {type(exc).__name__}", filename)
            )
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
) -> FileResult:
    result = FileResult(filename)
    rules = active_rules(codes, facts)
    if use_gate:
        rules = gate(rules, source.text)
    if not rules:
        if SYNTAX_ERROR in codes and not _compiles(source.text):
            parsed = _parse(source.text)
            if isinstance(parsed, SyntaxProblem):
                result.findings.append(parsed.finding(filename))
        return result
    module = _parse(source.text)
    if isinstance(module, SyntaxProblem):
        if SYNTAX_ERROR in codes:
            result.findings.append(module.finding(filename))
        return result
    reports, errors = run_rules(module, rules, filename, settings, facts)
    reported = _to_findings(module, source.text, reports, filename, codes, apply_noqa)
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


def _fix_allowed(applicability: str, mode: str) -> bool:
    return applicability == "safe" or mode == "unsafe"


def _compiles(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False


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


def _parse(text: str):
    """A LibCST module, or the `SyntaxProblem` saying why it cannot be parsed."""
    import libcst as cst

    try:
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


def run_rules(module, rules: Sequence[type[Rule]], filename: str, settings: Settings, facts: ProjectFacts):
    """Walk `module` once with every rule; returns (reports, [(rule name, exception)])."""
    from ctxlint.model import SemanticModel
    from ctxlint.walker import walk

    model = SemanticModel()
    context = FileContext(filename, model, settings, facts)
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
    module, text: str, reports: list[Report], filename: str, codes, apply_noqa: bool = True
) -> list[tuple[Finding, Report]]:
    """Positions for the reports that survive `# noqa` (computed only when there are any)."""
    reports = [r for r in reports if r.rule.code in codes]
    if not reports:
        return []
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    statement_ranges = sorted(
        (positions[node].start.line, positions[node].end.line)
        for node in positions
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
    )
    noqa_text = logical_line_text(text)
    findings = []
    for report in reports:
        location = _location(positions, report.node)
        statement_end = _statement_end(statement_ranges, location.line)
        noqa_lines = tuple(sorted({location.line, statement_end}))
        if apply_noqa and is_suppressed(report.rule.code, noqa_lines, noqa_text):
            continue
        fix = None
        if report.fix is not None:
            fix = Fix(report.fix.applicability, report.fix.title, _fix_diff(module, report, filename))
        finding = (
            Finding(
                code=report.rule.code,
                name=report.rule.name,
                message=report.message,
                filename=filename,
                location=location,
                related=tuple(
                    RelatedLocation(_location(positions, node), message) for node, message in report.related
                ),
                fix=fix,
                noqa_lines=noqa_lines,
            )
        )
        findings.append((finding, report))
    return findings


def _location(positions, node) -> Location:
    code_range = positions[node]
    return Location(
        code_range.start.line, code_range.start.column + 1, code_range.end.line, code_range.end.column + 1
    )


def _statement_end(ranges: list[tuple[int, int]], line: int) -> int:
    """Last line of the innermost simple statement starting at or before `line` containing it."""
    best = line
    for start, end in ranges:
        if start > line:
            break
        if start <= line <= end:
            best = end
    return best


def _fix_diff(module, report: Report, filename: str) -> str:
    from ctxlint.fixes import apply_fixes

    fixed, problem = apply_fixes(module, [report.fix])
    if problem or fixed is None:
        return ""
    return "".join(
        difflib.unified_diff(
            module.code.splitlines(keepends=True),
            fixed.splitlines(keepends=True),
            fromfile=f"a/{filename}",
            tofile=f"b/{filename}",
        )
    )


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
