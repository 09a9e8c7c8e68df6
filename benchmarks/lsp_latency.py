"""Edit-to-diagnostic time of `ctxlint server`, next to `ctxlint check FILE` warm.

    python benchmarks/lsp_latency.py              # 10 rounds, writes its block of RESULTS.md
    python benchmarks/lsp_latency.py --runs 20 --no-write

The file is the single file of `benchmarks/run.py` (a large module of a large project of
the benchmark corpus, `python benchmarks/corpus.py`). One language server is started
over stdio, as an editor starts it, with the corpus as its workspace, and the file is
opened. Then, in turns, so that background load hits both alike:

- **server, one edit**: a comment line is inserted in the middle of the file (or
  removed again), and the time runs from sending `textDocument/didChange` (the whole
  text, as the server asks) to receiving the `publishDiagnostics` of that version: the
  debounce, the lint of the whole file and both JSON trips. Facts are not recomputed
  (an edit never does that);
- **CLI, one file, warm**: `ctxlint check FILE` with a primed cache, a whole process,
  as `benchmarks/run.py` measures it (its "one file, warm" row).

Also reported, not a target: a burst of keystrokes (five edits 40 ms apart: one lint
after the last), and the first diagnostics after `didOpen` (project facts computed
once, LibCST imported).

Run it from an environment where this checkout is installed with its server extra
(`pip install -e '.[server]'`): both the CLI and the server come from that environment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import mark_projects, unpack  # noqa: E402
from run import RESULTS, SINGLE_FILE, _commit, load_average  # noqa: E402

BEGIN, END = "<!-- lsp-latency:begin -->", "<!-- lsp-latency:end -->"
HANG = 300.0


class Session:
    """A language client talking to `ctxlint server` over stdio, timing diagnostics."""

    def __init__(self, command: list[str], root: Path) -> None:
        from lsprotocol import types
        from pygls.lsp.client import LanguageClient

        self.types = types
        self.command = command
        self.root = root
        self.client = LanguageClient("ctxlint-latency", "1")
        self.arrivals: dict[tuple[str, Optional[int]], float] = {}
        self.facts_computed = 0

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(ls, params) -> None:
            self.arrivals.setdefault((params.uri, params.version), time.perf_counter())

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log(ls, params) -> None:
            self.facts_computed += "project facts computed" in params.message

    async def start(self) -> None:
        types = self.types
        await self.client.start_io(*self.command)
        uri = self.root.as_uri()
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=uri,
                workspace_folders=[types.WorkspaceFolder(uri=uri, name=self.root.name)],
            )
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def wait(self, uri: str, version: int) -> float:
        deadline = time.perf_counter() + HANG
        while (uri, version) not in self.arrivals:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no diagnostics for version {version} after {HANG:.0f} s")
            await asyncio.sleep(0.001)
        return self.arrivals[(uri, version)]

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        item = self.types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        self.client.text_document_did_open(self.types.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(self, uri: str, version: int, text: str) -> float:
        types = self.types
        started = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return started


def cli_warm(ctxlint: str, corpus: Path, cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [ctxlint, "check", "--cache-dir", str(cache), "--exit-zero", "--quiet", str(SINGLE_FILE)],
        cwd=corpus,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


async def measure(ctxlint: str, corpus: Path, runs: int) -> dict[str, list[float]]:
    path = corpus / SINGLE_FILE
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2
    edited = "".join(lines[:middle] + ["# an edit of an unrelated line\n"] + lines[middle:])
    samples: dict[str, list[float]] = {"server-edit": [], "cli-warm": [], "server-burst": [], "server-open": []}

    with tempfile.TemporaryDirectory() as cache_dir:
        cache = Path(cache_dir)
        cli_warm(ctxlint, corpus, cache)  # prime the result and facts caches
        session = Session([ctxlint, "server"], corpus)
        await session.start()
        started = time.perf_counter()
        uri = session.open(path, text)
        samples["server-open"].append(await session.wait(uri, 1) - started)
        version = 1
        for round_number in range(runs):
            await asyncio.sleep(0.3)  # the server is idle: an isolated edit
            version += 1
            started = session.change(uri, version, edited if version % 2 == 0 else text)
            samples["server-edit"].append(await session.wait(uri, version) - started)
            samples["cli-warm"].append(cli_warm(ctxlint, corpus, cache))
            await asyncio.sleep(0.3)
            for keystroke in range(5):  # typing: one lint, after the last keystroke
                version += 1
                started = session.change(
                    uri, version, edited[: len(edited) - 5 + keystroke] if keystroke < 4 else edited
                )
                if keystroke < 4:
                    await asyncio.sleep(0.04)
            samples["server-burst"].append(await session.wait(uri, version) - started)
            version += 1  # back to the original text for the next round
            session.change(uri, version, text)
            await session.wait(uri, version)
            print(
                f"[{round_number + 1}/{runs}] server edit {samples['server-edit'][-1]:.3f} s  "
                f"cli warm {samples['cli-warm'][-1]:.3f} s  burst {samples['server-burst'][-1]:.3f} s",
                file=sys.stderr,
            )
        computed = session.facts_computed
        await session.stop()
    if computed != 1:
        print(f"warning: project facts were computed {computed} times, not once", file=sys.stderr)
    return samples


def report(samples: dict[str, list[float]], context: dict[str, str]) -> str:
    def row(label: str, name: str) -> str:
        values = samples[name]
        runs = ", ".join(f"{v:.2f}" for v in values[:20]) + (", ..." if len(values) > 20 else "")
        return f"| {label} | {statistics.median(values):.3f} | {min(values):.3f} | {max(values):.3f} | {runs} |"

    server, cli = statistics.median(samples["server-edit"]), statistics.median(samples["cli-warm"])
    met = "yes" if server <= cli else "no"
    return "\n".join(
        [
            f"Measured {context['date']} by `python benchmarks/lsp_latency.py --runs {context['runs']}` "
            f"(commit {context['commit']}).",
            "",
            f"Machine: {context['machine']}; Python {context['python']}; load average "
            f"{context['load_before']} before, {context['load_after']} after. "
            f"File: `{SINGLE_FILE.as_posix()}` ({context['lines']} lines).",
            "",
            "| run | median s | min s | max s | runs (s) |",
            "|---|---:|---:|---:|---|",
            row("server: one edit to its diagnostics (debounce, lint, both JSON trips)", "server-edit"),
            row("CLI: `ctxlint check FILE`, warm (whole process)", "cli-warm"),
            row("server: five keystrokes 40 ms apart, last one to its diagnostics", "server-burst"),
            row("server: `didOpen` to the first diagnostics (project facts, LibCST import)", "server-open"),
            "",
            "| target | measured | met |",
            "|---|---:|---|",
            f"| server edit-to-diagnostic <= CLI one file warm (medians, side by side) | "
            f"{server:.3f} s vs {cli:.3f} s ({server / cli:.2f}x) | {met} |",
            "",
        ]
    )


def write_block(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{path} has no {BEGIN} ... {END} block")
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{block}{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="rounds (medians reported; at least 5 to write)")
    parser.add_argument("--no-write", action="store_true", help="print the results, do not update RESULTS.md")
    args = parser.parse_args()
    if args.runs < 5 and not args.no_write:
        parser.error("--runs below 5 only with --no-write")
    ctxlint = str(Path(sys.executable).parent / "ctxlint")
    if not os.path.exists(ctxlint):
        parser.error(f"{ctxlint} not found: install this checkout with `pip install -e '.[server]'`")
    corpus = unpack()
    mark_projects(corpus)
    load_before = load_average()
    samples = asyncio.run(measure(ctxlint, corpus, args.runs))
    context = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "runs": str(args.runs),
        "commit": _commit(),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_before": load_before,
        "load_after": load_average(),
        "lines": f"{len((corpus / SINGLE_FILE).read_text(encoding='utf-8').splitlines()):,}",
    }
    block = report(samples, context)
    print(block)
    if not args.no_write:
        write_block(RESULTS, block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
