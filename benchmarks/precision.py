"""Collect ctxlint's findings on real code, for judging precision (SPEC §9).

    python benchmarks/precision.py                 # findings per rule, and the sample
    python benchmarks/precision.py --worksheet W.md  # each sampled finding with its code

The code: the benchmark corpus (SPEC §8) plus the pinned `EXTRA` distributions below
(services and libraries using OpenTelemetry, asyncio, threads and message brokers). Each
distribution is linted as its own project (a `ctxlint.toml` is placed at its root), with
every rule, preview included. Per rule, every finding is sampled when there are at most 50,
else a uniform random sample of 50 with a fixed seed, so the sample is reproducible.
The judgements themselves are written by a person in benchmarks/PRECISION.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CACHE, PINNED, unpack  # noqa: E402

EXTRA = (
    "opentelemetry-sdk==1.45.2",
    "opentelemetry-exporter-otlp-proto-grpc==1.45.2",
    "uvicorn==0.54.0",
    "aio-pika==10.2.1",
    "aiokafka==0.14.0",
    "dramatiq==2.2.1",
    "faststream==0.7.8",
)
SAMPLE = 50
SEED = 20261124


def distributions() -> list[Path]:
    roots = []
    for target, requirements in ((CACHE / "corpus", PINNED), (CACHE / "extra", EXTRA)):
        unpack(requirements, target)
        roots.extend(sorted(p for p in target.iterdir() if p.is_dir() and not p.name.startswith(".")))
    for root in roots:
        marker = root / "ctxlint.toml"
        if not marker.exists():
            marker.write_text("# each distribution is its own project\n", encoding="utf-8")
    return roots


def findings(root: Path) -> list[dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "ctxlint", "check", ".", "--preview", "--select", "CTX", "--output-format", "json", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"ctxlint failed on {root}: {completed.stderr}")
    items = json.loads(completed.stdout)
    for item in items:
        item["path"] = f"{root.name}/{item['filename']}"
        item["root"] = str(root)
    return items


def sample(items: list[dict]) -> list[dict]:
    if len(items) <= SAMPLE:
        return items
    return sorted(random.Random(SEED).sample(items, SAMPLE), key=lambda i: (i["path"], i["line"]))


def snippet(item: dict, around: int = 6) -> str:
    lines = (Path(item["root"]) / item["filename"]).read_text(encoding="utf-8", errors="replace").splitlines()
    start, end = max(item["line"] - around, 1), min(item["line"] + around, len(lines))
    return "\n".join(f"{'>' if n == item['line'] else ' '}{n:5} {lines[n - 1]}" for n in range(start, end + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worksheet", type=Path, help="write the sampled findings with their code here")
    args = parser.parse_args()
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for root in distributions():
        for item in findings(root):
            by_rule[item["code"]].append(item)
    for code in sorted(by_rule):
        print(f"{code}: {len(by_rule[code])} findings, {min(len(by_rule[code]), SAMPLE)} sampled")
    if args.worksheet:
        parts = []
        for code in sorted(by_rule):
            parts.append(f"# {code} ({len(by_rule[code])} findings)\n")
            for item in sample(by_rule[code]):
                parts.append(f"## {item['path']}:{item['line']} {code}\n{item['message']}\n```\n{snippet(item)}\n```\n")
        args.worksheet.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
