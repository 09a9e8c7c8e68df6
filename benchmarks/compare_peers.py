"""Side by side with ruff: RUF006 + S113 against ctxlint's CTX401 + CTX403.

    python benchmarks/compare_peers.py              # over the benchmark corpus (SPEC §8)
    python benchmarks/compare_peers.py PATH         # over a directory of your own
    python benchmarks/compare_peers.py --json PATH  # machine-readable

Lists (a) ruff findings ctxlint misses and (b) ctxlint findings ruff misses, each as
`path:line: CODE message`. A ruff finding is matched by a ctxlint finding with the
corresponding code (RUF006 -> CTX401, S113 -> CTX403) in the same file whose reported
line range contains ruff's line: ruff reports S113 on the `timeout=None` keyword, ctxlint
on the call. Both tools honour `# noqa` as they would in a user's CI; ruff runs
`--isolated` so the corpus's own ruff settings do not change what it checks.

ruff is found with `--ruff`, next to this interpreter, or on PATH; install it with
`python -m pip install ruff`. ctxlint is the one importable by this interpreter.
The judgement of every disagreement on the corpus is in benchmarks/PEERS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

PEER_CODES = {"RUF006": "CTX401", "S113": "CTX403"}


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the compared directory, "/"-separated
    line: int
    end_line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


def find_ruff(explicit: str | None) -> str:
    candidates = [explicit] if explicit else [str(Path(sys.executable).parent / "ruff"), shutil.which("ruff")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit(
        "compare_peers: ruff not found (looked next to this interpreter and on PATH); "
        f"install it with `{sys.executable} -m pip install ruff` or pass --ruff PATH"
    )


def _run(command: list[str], root: Path) -> str:
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"compare_peers: {' '.join(command[:3])} failed:\n{completed.stderr}")
    return completed.stdout


def _relative(path: str, root: Path) -> str:
    return Path(os.path.relpath(Path(root, path).resolve(), root)).as_posix()


def ruff_findings(ruff: str, root: Path) -> list[Finding]:
    command = [ruff, "check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json"]
    output = _run([*command, "--select", ",".join(PEER_CODES), "."], root)
    return [
        Finding(
            _relative(item["filename"], root),
            item["location"]["row"],
            item["end_location"]["row"],
            item["code"],
            item["message"],
        )
        for item in json.loads(output or "[]")
    ]


def _ctxlint(*args: str) -> str:
    # `python -m` puts its working directory first on sys.path: run it from an empty one,
    # so that linted code (a directory named `asyncio`, ...) cannot shadow real modules.
    with tempfile.TemporaryDirectory() as empty:
        return _run([sys.executable, "-m", "ctxlint", *args], Path(empty))


def ctxlint_findings(root: Path) -> list[Finding]:
    options = ["--no-cache", "--exit-zero", "--output-format", "json", "--select", ",".join(PEER_CODES.values())]
    output = _ctxlint("check", *options, str(root))
    return [
        Finding(_relative(item["filename"], root), item["line"], item["end_line"], item["code"], item["message"])
        for item in json.loads(output or "[]")
    ]


def compare(ruff: list[Finding], ours: list[Finding]):
    """(matched pairs, ruff only, ctxlint only)."""
    unmatched = sorted(ours, key=lambda f: (f.path, f.line, f.code))
    matched, ruff_only = [], []
    for theirs in sorted(ruff, key=lambda f: (f.path, f.line, f.code)):
        partner = next(
            (
                f
                for f in unmatched
                if f.path == theirs.path and f.code == PEER_CODES[theirs.code] and f.line <= theirs.line <= f.end_line
            ),
            None,
        )
        if partner is None:
            ruff_only.append(theirs)
        else:
            unmatched.remove(partner)
            matched.append((theirs, partner))
    return matched, ruff_only, unmatched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, help="directory to compare (default: the benchmark corpus)")
    parser.add_argument("--ruff", help="the ruff executable to use")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    args = parser.parse_args(argv)
    ruff = find_ruff(args.ruff)
    if args.path is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from corpus import unpack

        root = unpack()
    else:
        root = args.path
    root = root.resolve()
    matched, ruff_only, ctxlint_only = compare(ruff_findings(ruff, root), ctxlint_findings(root))
    versions = {"ruff": _run([ruff, "--version"], root).strip(), "ctxlint": _ctxlint("version").strip()}
    if args.json:
        print(
            json.dumps(
                {
                    "root": str(root),
                    "versions": versions,
                    "matched": [{"ruff": asdict(a), "ctxlint": asdict(b)} for a, b in matched],
                    "ruff_only": [asdict(f) for f in ruff_only],
                    "ctxlint_only": [asdict(f) for f in ctxlint_only],
                },
                indent=2,
            )
        )
        return 0
    print(
        f"{versions['ruff']} --select {','.join(PEER_CODES)}  vs  "
        f"{versions['ctxlint']} --select {','.join(PEER_CODES.values())}  on {root}"
    )
    print(f"found by both: {len(matched)}")
    print(f"(a) ruff findings ctxlint misses: {len(ruff_only)}")
    for finding in ruff_only:
        print(f"    {finding}")
    print(f"(b) ctxlint findings ruff misses: {len(ctxlint_only)}")
    for finding in ctxlint_only:
        print(f"    {finding}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
