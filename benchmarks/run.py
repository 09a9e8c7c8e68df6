"""The benchmark harness (SPEC §8): ctxlint and its peers, side by side, on one corpus.

    python benchmarks/run.py                 # 3 runs each, writes benchmarks/RESULTS.md
    python benchmarks/run.py --runs 5        # more runs (medians are reported)
    python benchmarks/run.py --only ctxlint-cold,parse-only --no-write   # a quick look

Run it from any Python 3.9+ interpreter with `venv` and network access to PyPI (the
first run downloads the corpus wheels and installs the peers). Everything it fetches
lives under `$CTXLINT_BENCH_CACHE` (default `~/.cache/ctxlint-bench`), outside the
repository, because linters honour the repository's `.gitignore`:

- `wheels/`, `corpus/`: the pinned distributions and their `.py` files
  (`benchmarks/corpus.py`); each distribution is its own project (a `ctxlint.toml`
  marks its root), as in a monorepo;
- `venvs/ctxlint`: this checkout installed (not editable) with flake8, for the ctxlint
  runs, the LibCST parse-only pass and flake8 with the ctxlint plugin;
- `venvs/flake8`, `venvs/fixit`, `venvs/ruff`: each peer alone, so no other plugin loads;
- `ctxlint-cache/`: the result cache of the warm runs; `pycache/`: bytecode
  (`PYTHONPYCACHEPREFIX`), so that, as for an installed tool, modules are compiled once.

Each measurement is a whole process (its worker processes included): wall seconds, CPU
seconds (user + system, from `wait4`) and peak RSS (the largest single process of the
tree). Every command runs `--runs` times, the commands taking turns so that a change in
background load hits them all alike, and the medians are reported with the ratios the
performance issue sets as targets. It is a documented command, not a test: timings on a
shared machine are noisy, so the load average is recorded with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CACHE, mark_projects, standard_library, stats, unpack  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
DOCS = REPO / "docs" / "performance.md"
VENVS = CACHE / "venvs"
RESULT_CACHE = CACHE / "ctxlint-cache"
PYCACHE = CACHE / "pycache"
BEGIN, END = "<!-- benchmark-results:begin -->", "<!-- benchmark-results:end -->"

PEERS = {
    "fixit": ("fixit==2.2.1",),
    "ruff": ("ruff==0.17.6",),
    "flake8": ("flake8==7.5.0",),
}
FLAKE8 = "flake8==7.5.0"
# One file of the corpus for the single-file runs: a large module of a large project.
SINGLE_FILE = Path("distributed") / "distributed" / "worker.py"

PARSE_ONLY = r"""
import os, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
import libcst

def parse(paths):
    failed = 0
    for path in paths:
        try:
            libcst.parse_module(Path(path).read_bytes())
        except Exception:
            failed += 1
    return failed

if __name__ == "__main__":
    files = sorted(str(p) for p in Path(sys.argv[1]).rglob("*.py"))
    workers = os.cpu_count() or 1
    batches = [files[i::workers * 8] for i in range(workers * 8)]
    with ProcessPoolExecutor(workers) as pool:
        failed = sum(pool.map(parse, batches))
    print(f"parsed {len(files) - failed} of {len(files)} files")
"""


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    returncode: int


@dataclass
class Benchmark:
    name: str
    title: str
    command: list[str]
    cwd: Path
    prepare: Optional[Callable[[], None]] = None
    stdin: Optional[Path] = None
    samples: list[Sample] = field(default_factory=list)
    output: str = ""

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)


# ---------------------------------------------------------------------------- setup


def venv(name: str, requirements: list[str]) -> Path:
    """A virtualenv under the cache with exactly `requirements` installed."""
    folder = VENVS / name
    stamp = folder / "requirements.json"
    wanted = json.dumps(requirements)
    python = folder / "bin" / "python"
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print(f"setting up {folder} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *requirements], check=True)
        stamp.write_text(wanted)
    return folder / "bin"


def install_checkout(bin_dir: Path) -> None:
    """Install this checkout (its current state, not editable) into the ctxlint venv."""
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(REPO)],
        check=True,
    )


def _installed(bin_dir: Path, distribution: str) -> str:
    """The version of `distribution` installed in the venv of `bin_dir`."""
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    completed = subprocess.run([str(bin_dir / "python"), "-c", code], capture_output=True, text=True)
    return completed.stdout.strip() or "?"


# ---------------------------------------------------------------------------- measuring


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed tool has its bytecode compiled
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


# Runs the measured command as its child and prints that child's rusage. Linux keeps a
# process's peak RSS across fork and exec, so a command started straight from this
# harness (which holds the outputs of earlier runs) would report the harness's own peak;
# started from this small, freshly executed shim it starts from the shim's ~10 MB.
RUSAGE_SHIM = r"""
import json, os, sys
report, command = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(report)
    os.execvp(command[0], command)
_pid, status, usage = os.wait4(pid, 0)
os.write(report, json.dumps([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss]).encode())
"""


def measure(benchmark: Benchmark) -> Sample:
    """Run once; wall, CPU of the whole process tree and its largest RSS."""
    if benchmark.prepare is not None:
        benchmark.prepare()
    stdin = open(benchmark.stdin, "rb") if benchmark.stdin else subprocess.DEVNULL
    report_read, report_write = os.pipe()
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", RUSAGE_SHIM, str(report_write), *benchmark.command],
            cwd=benchmark.cwd, stdin=stdin, stdout=out, stderr=subprocess.STDOUT, env=environment(),
            pass_fds=(report_write,),
        )
        os.close(report_write)
        report = os.read(report_read, 4096)
        process.wait()
        wall = time.perf_counter() - started
        os.close(report_read)
        out.seek(0)
        benchmark.output = out.read().decode("utf-8", "replace")
    if benchmark.stdin:
        stdin.close()
    returncode, cpu, maxrss = json.loads(report)
    rss_mb = maxrss / 1024 if sys.platform != "darwin" else maxrss / 2**20
    return Sample(wall, cpu, rss_mb, returncode)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# ---------------------------------------------------------------------------- the run


def benchmarks(corpus: Path, stdlib: Path, bins: dict[str, Path], only: Optional[set[str]]) -> list[Benchmark]:
    ctxlint = str(bins["ctxlint"] / "ctxlint")
    python = str(bins["ctxlint"] / "python")
    cache = ["--cache-dir", str(RESULT_CACHE)]
    single = corpus / SINGLE_FILE

    def prime() -> None:
        subprocess.run([ctxlint, "check", *cache, "--exit-zero", "--quiet", "."], cwd=corpus, env=environment(),
                       stdout=subprocess.DEVNULL, check=True)

    parse_script = VENVS / "parse_only.py"
    parse_script.write_text(PARSE_ONLY)
    every = [
        Benchmark("ctxlint-cold", "ctxlint cold (`--no-cache`)", [ctxlint, "check", "--no-cache", "--exit-zero", "."], corpus),
        Benchmark("ctxlint-all", "ctxlint cold, every rule (`--no-cache --preview`)",
                  [ctxlint, "check", "--no-cache", "--preview", "--exit-zero", "."], corpus),
        Benchmark("ctxlint-warm", "ctxlint warm (second run)", [ctxlint, "check", *cache, "--exit-zero", "."], corpus, prime),
        Benchmark(
            "single-warm", f"ctxlint one file, warm (`{SINGLE_FILE.as_posix()}`)",
            [ctxlint, "check", *cache, "--exit-zero", str(SINGLE_FILE)], corpus, prime,
        ),
        Benchmark(
            "single-changed", "ctxlint one changed file, facts warm (stdin)",
            [ctxlint, "check", *cache, "--exit-zero", "--stdin-filename", str(SINGLE_FILE), "-"], corpus, prime, single,
        ),
        Benchmark("parse-only", "LibCST parse only (`parse_module`, all cores)", [python, str(parse_script), "."], corpus),
        Benchmark("stdlib-cold", "standard library: ctxlint cold (`--no-cache`)",
                  [ctxlint, "check", "--no-cache", "--exit-zero", "."], stdlib),
        Benchmark("stdlib-all", "standard library: ctxlint cold, every rule (`--preview`)",
                  [ctxlint, "check", "--no-cache", "--preview", "--exit-zero", "."], stdlib),
        Benchmark("stdlib-parse-only", "standard library: LibCST parse only", [python, str(parse_script), "."], stdlib),
        Benchmark("fixit", "fixit lint", [str(bins["fixit"] / "fixit"), "lint", "."], corpus),
        Benchmark("ruff", "ruff check --select ALL --no-cache",
                  [str(bins["ruff"] / "ruff"), "check", "--select", "ALL", "--no-cache", "--exit-zero", "--quiet", "."], corpus),
        Benchmark("flake8", "flake8 -j2", [str(bins["flake8"] / "flake8"), "-j2", "--exit-zero", "."], corpus),
        Benchmark("flake8-ctxlint", "flake8 -j2 with the ctxlint plugin",
                  [str(bins["ctxlint"] / "flake8"), "-j2", "--exit-zero", "."], corpus),
    ]
    return [b for b in every if only is None or b.name in only]


def ratio(results: dict[str, Benchmark], a: str, b: str, attribute: str) -> Optional[float]:
    if a not in results or b not in results:
        return None
    denominator = results[b].median(attribute)
    return results[a].median(attribute) / denominator if denominator else None


def targets(results: dict[str, Benchmark]) -> list[tuple[str, str, str, Optional[bool]]]:
    """(target, measured, how, met) for each target of the performance issue."""
    rows = []

    def add(label: str, value: Optional[float], fmt: str, met: Callable[[float], bool], how: str) -> None:
        rows.append((label, "n/a" if value is None else fmt.format(value), how, None if value is None else met(value)))

    add("cold CPU <= 1.0x LibCST parse-only CPU", ratio(results, "ctxlint-cold", "parse-only", "cpu"), "{:.2f}x",
        lambda v: v <= 1.0, "ctxlint cold CPU / parse-only CPU")
    add("every rule: cold CPU <= 1.0x parse-only CPU", ratio(results, "ctxlint-all", "parse-only", "cpu"), "{:.2f}x",
        lambda v: v <= 1.0, "ctxlint --preview cold CPU / parse-only CPU")
    add("standard library: cold CPU <= 1.0x parse-only CPU", ratio(results, "stdlib-cold", "stdlib-parse-only", "cpu"),
        "{:.2f}x", lambda v: v <= 1.0, "on the standard library and its tests")
    add("standard library, every rule: cold CPU <= 1.0x parse-only CPU",
        ratio(results, "stdlib-all", "stdlib-parse-only", "cpu"), "{:.2f}x", lambda v: v <= 1.0,
        "ctxlint --preview cold CPU / parse-only CPU")
    add("cold wall >= 20x faster than fixit", ratio(results, "fixit", "ctxlint-cold", "wall"), "{:.1f}x",
        lambda v: v >= 20, "fixit wall / ctxlint cold wall")
    add("warm wall <= ruff --select ALL --no-cache wall", ratio(results, "ctxlint-warm", "ruff", "wall"), "{:.2f}x",
        lambda v: v <= 1.0, "ctxlint warm wall / ruff wall")
    add("flake8 + ctxlint wall <= 1.5x flake8", ratio(results, "flake8-ctxlint", "flake8", "wall"), "{:.2f}x",
        lambda v: v <= 1.5, "flake8 with plugin wall / without")
    single = results["single-warm"].median("wall") if "single-warm" in results else None
    add("single file in the corpus, warm <= 0.5 s wall", single, "{:.2f} s", lambda v: v <= 0.5, "median wall")
    ours = [b for name, b in results.items() if name.startswith(("ctxlint", "single", "flake8-ctxlint"))]
    peak = max((b.median("rss_mb") for b in ours), default=None)
    add("peak RSS per process <= 300 MB (ctxlint runs)", peak, "{:.0f} MB", lambda v: v <= 300, "largest median peak RSS")
    return rows


def report(results: dict[str, Benchmark], context: dict[str, str]) -> str:
    lines = [
        f"Measured {context['date']} by `python benchmarks/run.py --runs {context['runs']}` "
        f"(commit {context['commit']}).",
        "",
        f"Machine: {context['machine']}; Python {context['python']}; load average "
        f"{context['load_before']} before, {context['load_after']} after.",
        f"Corpus: {context['corpus']} (SPEC §8, each distribution its own project). Standard library "
        f"(Python {context['python']}, tests included, one project): {context['stdlib']}.",
        f"Tools: {context['tools']}.",
        "",
        "| run | wall s | CPU s | peak RSS MB | runs (wall s) |",
        "|---|---:|---:|---:|---|",
    ]
    for benchmark in results.values():
        walls = ", ".join(f"{s.wall:.2f}" for s in benchmark.samples)
        lines.append(
            f"| {benchmark.title} | {benchmark.median('wall'):.2f} | {benchmark.median('cpu'):.2f} | "
            f"{benchmark.median('rss_mb'):.0f} | {walls} |"
        )
    lines += ["", "| target | measured | how | met |", "|---|---:|---|---|"]
    for label, measured, how, met in targets(results):
        verdict = "—" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {label} | {measured} | {how} | {verdict} |")
    lines.append("")
    return "\n".join(lines)


def write_block(path: Path, block: str) -> None:
    """Replace the generated block of `path` (between the markers), keeping the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{block}{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median reported; at least 3)")
    parser.add_argument("--only", help="comma-separated benchmark names (see the table), for a quick look")
    parser.add_argument("--no-write", action="store_true", help="print the results, do not update RESULTS.md")
    args = parser.parse_args()
    if args.runs < 3 and not args.no_write:
        parser.error("--runs below 3 only with --no-write: the recorded results are medians of at least 3 runs")
    only = set(args.only.split(",")) if args.only else None

    corpus = unpack()
    mark_projects(corpus)
    files, lines = stats(corpus)
    stdlib = standard_library()
    stdlib_files, stdlib_lines = stats(stdlib)
    bins = {name: venv(name, list(requirements)) for name, requirements in PEERS.items()}
    bins["ctxlint"] = venv("ctxlint", [FLAKE8, str(REPO)])  # the checkout with its dependencies
    install_checkout(bins["ctxlint"])  # ... refreshed to its current state on every run
    PYCACHE.mkdir(parents=True, exist_ok=True)

    selected = benchmarks(corpus, stdlib, bins, only)
    load_before = load_average()
    for round_number in range(args.runs):
        for benchmark in selected:
            sample = measure(benchmark)
            benchmark.samples.append(sample)
            print(
                f"[{round_number + 1}/{args.runs}] {benchmark.name:15} wall {sample.wall:7.2f} s  "
                f"cpu {sample.cpu:7.2f} s  rss {sample.rss_mb:6.0f} MB  exit {sample.returncode}",
                file=sys.stderr,
            )
    results = {b.name: b for b in selected}
    for benchmark in selected:
        if benchmark.samples[-1].returncode not in (0, 1):
            print(f"warning: {benchmark.name} exited {benchmark.samples[-1].returncode}:\n{benchmark.output[-2000:]}",
                  file=sys.stderr)
    if "flake8-ctxlint" in results and not re.search(r": CTX\d{3} ", results["flake8-ctxlint"].output):
        print("warning: flake8 with the plugin reported no CTX finding; is the plugin loaded?", file=sys.stderr)

    context = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "runs": str(args.runs),
        "commit": _commit(),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_before": load_before,
        "load_after": load_average(),
        "corpus": f"{files} files, {lines:,} lines",
        "stdlib": f"{stdlib_files} files, {stdlib_lines:,} lines",
        "tools": ", ".join(
            f"{name} {_installed(bins[venv_name], name)}"
            for name, venv_name in (
                ("ctxlint", "ctxlint"), ("libcst", "ctxlint"), ("fixit", "fixit"), ("ruff", "ruff"),
                ("flake8", "flake8"), ("pyflakes", "flake8"), ("pycodestyle", "flake8"),
            )
        ),
    }
    block = report(results, context)
    print(block)
    if not args.no_write:
        write_block(RESULTS, block)
        if DOCS.exists():
            write_block(DOCS, block)
    return 0


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
