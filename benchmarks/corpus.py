"""The benchmark corpus (SPEC §8): pinned wheels from PyPI, `.py` files unpacked.

    python benchmarks/corpus.py            # prints the corpus directory
    python benchmarks/corpus.py --stats    # files and lines

Wheels are cached in `$CTXLINT_BENCH_CACHE/wheels` (default `~/.cache/ctxlint-bench`;
skipped when present) and unpacked into `$CTXLINT_BENCH_CACHE/corpus/<distribution>/`.
The cache lives outside the repository because linters (ctxlint included) honour the
repository's .gitignore. Each distribution is a project of its own: `mark_projects` puts
an empty `ctxlint.toml` at its root (as `benchmarks/precision.py` does), so that project
facts (OpenTelemetry use, instrumentation) are those of that distribution.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

CACHE = Path(os.environ.get("CTXLINT_BENCH_CACHE", Path.home() / ".cache" / "ctxlint-bench"))
WHEELS = CACHE / "wheels"
CORPUS = CACHE / "corpus"

PINNED = (
    "sentry-sdk==2.75.0",
    "distributed==2026.8.0",
    "celery==5.7.0",
    "kombu==5.7.0",
    "prefect==3.9.1",
    "starlette==1.10.0",
    "anyio==4.16.0",
    "httpx==0.28.1",
    "tornado==6.6.1",
    "langchain-core==1.8.1",
    "opentelemetry-instrumentation==0.66b2",
    "opentelemetry-instrumentation-requests==0.66b2",
    "opentelemetry-instrumentation-celery==0.66b2",
    "opentelemetry-instrumentation-asgi==0.66b2",
    "opentelemetry-instrumentation-grpc==0.66b2",
)


def _normalise(requirement: str) -> tuple[str, str]:
    name, version = requirement.split("==")
    return name.replace("-", "_").lower(), version


def _wheel_for(requirement: str) -> Path | None:
    name, version = _normalise(requirement)
    for wheel in WHEELS.glob("*.whl"):
        stem = wheel.name.lower()
        if stem.startswith(f"{name}-{version}-"):
            return wheel
    return None


def download(requirements=PINNED) -> None:
    missing = [r for r in requirements if _wheel_for(r) is None]
    if not missing:
        return
    WHEELS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", str(WHEELS), *missing],
        check=True,
    )


def unpack(requirements=PINNED, target: Path = CORPUS) -> Path:
    """Download if needed and unpack every `.py` file; returns the corpus directory."""
    download(requirements)
    for requirement in requirements:
        name, _version = _normalise(requirement)
        destination = target / name
        if destination.is_dir():
            continue
        wheel = _wheel_for(requirement)
        assert wheel is not None, requirement
        partial = target / f".{name}.partial"
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.endswith(".py") and ".data/" not in member:
                    archive.extract(member, partial)
        partial.rename(destination)
    return target


PROJECT_MARKER = "ctxlint.toml"


def mark_projects(directory: Path = CORPUS) -> None:
    """Make each unpacked distribution its own ctxlint project (an empty config file)."""
    for root in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
        marker = root / PROJECT_MARKER
        if not marker.exists():
            marker.write_text("# each distribution is its own project\n", encoding="utf-8")


def standard_library(target: Path = CACHE / "stdlib") -> Path:
    """A copy of the running interpreter's standard library with its tests (`.py` files
    only, no site-packages), as one project: code full of threads and asyncio, where the
    text gate skips less than on the corpus."""
    if not target.is_dir():
        source = Path(sysconfig.get_paths()["stdlib"])
        partial = target.with_name(f".{target.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        for path in source.rglob("*.py"):
            relative = path.relative_to(source)
            if relative.parts[0] in ("site-packages", "dist-packages") or "__pycache__" in relative.parts:
                continue
            (partial / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, partial / relative)
        (partial / PROJECT_MARKER).write_text("# the standard library, one project\n", encoding="utf-8")
        partial.rename(target)
    return target


def stats(directory: Path) -> tuple[int, int]:
    files = list(directory.rglob("*.py"))
    lines = sum(len(f.read_bytes().splitlines()) for f in files)
    return len(files), lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stats", action="store_true")
    args = parser.parse_args()
    directory = unpack()
    mark_projects(directory)
    print(directory)
    if args.stats:
        files, lines = stats(directory)
        print(f"{files} files, {lines} lines")


if __name__ == "__main__":
    main()
