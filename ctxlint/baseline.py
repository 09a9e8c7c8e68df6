"""Baselines: adopt ctxlint on an existing codebase and fail only on new findings.

`--write-baseline FILE` records every current finding; `--baseline FILE` drops the
findings recorded there. A finding is identified by its fingerprint

    (path, code, context, occurrence)

- `path`: the file, relative to the baseline file's directory (so the baseline works
  from any working directory, and is the same on every machine);
- `context`: a hash of the reported line and its nearest non-blank neighbour above and
  below, each with whitespace collapsed, so re-indenting, blank lines, and edits
  elsewhere in the file (which shift line numbers) keep the fingerprint;
- `occurrence`: the finding's index among the findings of that file with the same code
  and context, in source order, so a copy of a baselined line is still new.

Neither the line number nor the message is part of it: lines move, and messages may be
reworded between versions. Both are stored anyway, for people reading the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections import Counter
from pathlib import Path
from typing import Sequence

from ctxlint.errors import UsageError
from ctxlint.findings import Finding
from ctxlint.source import DecodeError, decode

FORMAT_VERSION = 1
STDIN = "-"

Fingerprint = tuple[str, str, str, int]


def write_baseline(path: Path, findings: Sequence[Finding]) -> None:
    base = path.absolute().parent
    entries = [
        {
            "path": file,
            "code": code,
            "context": context,
            "occurrence": occurrence,
            # For people reading the file; not part of the fingerprint.
            "line": f.location.line,
            "message": f.message,
        }
        for f, (file, code, context, occurrence) in zip(findings, fingerprints(findings, base))
    ]
    entries.sort(key=lambda e: (e["path"], e["line"], e["code"], e["occurrence"]))
    document = {"ctxlint-baseline": FORMAT_VERSION, "findings": entries}
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8", "surrogateescape")
    if not os.path.isdir(base):
        raise UsageError(f"{path}: cannot write baseline: directory {base} does not exist")
    # Write a file next to the target and rename it: never a half-written baseline.
    temporary = base / f".{path.name}.{os.getpid()}.tmp"
    try:
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None


def filter_baselined(path: Path, findings: Sequence[Finding]) -> list[Finding]:
    known = read_baseline(path)
    return [f for f, key in zip(findings, fingerprints(findings, path.absolute().parent)) if key not in known]


def read_baseline(path: Path) -> set[Fingerprint]:
    try:
        document = json.loads(path.read_bytes().decode("utf-8", "surrogateescape"))
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found (create it with --write-baseline)") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"{path}: baseline is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("ctxlint-baseline") != FORMAT_VERSION:
        raise UsageError(f"{path}: not a ctxlint baseline (version {FORMAT_VERSION}); write it with --write-baseline")
    try:
        return {
            (str(e["path"]), str(e["code"]), str(e["context"]), int(e["occurrence"])) for e in document["findings"]
        }
    except (KeyError, TypeError, ValueError):
        raise UsageError(f"{path}: malformed baseline entry; write it again with --write-baseline") from None


def fingerprints(findings: Sequence[Finding], base: Path) -> list[Fingerprint]:
    """The fingerprint of each finding, in the order given."""
    sources: dict[str, list[str]] = {}
    keyed = []
    for finding in findings:
        if finding.filename not in sources:
            sources[finding.filename] = _source_lines(finding.filename)
        context = _context(sources[finding.filename], finding.location.line)
        keyed.append((_relative(finding.filename, base), finding.code, context))
    # Occurrence indexes count in source order, whatever order the findings came in.
    seen: Counter = Counter()
    occurrence = {}
    for i in sorted(range(len(findings)), key=lambda i: findings[i].sort_key):
        occurrence[i] = seen[keyed[i]]
        seen[keyed[i]] += 1
    return [(*keyed[i], occurrence[i]) for i in range(len(findings))]


def _relative(filename: str, base: Path) -> str:
    if filename == STDIN:
        return filename
    try:
        return Path(os.path.relpath(Path(filename).absolute(), base)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(filename).absolute().as_posix()


def _source_lines(filename: str) -> list[str]:
    """The file's physical lines, normalised; [] when it cannot be read or decoded."""
    if filename == STDIN:
        return []
    try:
        text = decode(Path(filename).read_bytes()).text
    except (OSError, DecodeError):
        return []
    # Physical lines as the parser counts them (`str.splitlines` also breaks at \f).
    return [" ".join(line.split()) for line in io.StringIO(text, newline="").readlines()]


def _context(lines: list[str], line: int) -> str:
    """A hash of line `line` (1-based) and its nearest non-blank neighbours."""
    index = line - 1
    here = lines[index] if 0 <= index < len(lines) else ""
    above = next((text for text in reversed(lines[: max(index, 0)]) if text), "")
    below = next((text for text in lines[index + 1 :] if text), "")
    return hashlib.sha256("\n".join((above, here, below)).encode("utf-8", "surrogateescape")).hexdigest()[:16]
