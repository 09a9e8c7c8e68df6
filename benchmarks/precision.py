"""Collect ctxlint's findings on real code, for judging precision (SPEC §9).

    python benchmarks/precision.py                 # findings per rule, and the sample
    python benchmarks/precision.py --worksheet W.md  # each sampled finding with its code
    python benchmarks/precision.py --select CTX1,CTX2 --findings F.json  # some rules; every finding as JSON
    python benchmarks/precision.py --select CTX1,CTX2 --check benchmarks/PRECISION.md
        # the judgements written there against today's sample: precision per rule,
        # sampled findings not judged yet, judged findings no longer reported
    python benchmarks/precision.py --corpus services --select CTX2 --check benchmarks/precision/*.md
        # the same on the service corpus (benchmarks/services.json), and how many of the
        # hops judged a real loss there are reported

The code: the benchmark corpus (SPEC §8) plus the pinned `EXTRA` distributions below
(services and libraries using OpenTelemetry, asyncio, threads and message brokers). Each
distribution is linted as its own project (a `ctxlint.toml` is placed at its root), with
every rule, preview included. Per rule, every finding is sampled when there are at most 50,
else a uniform random sample of 50 with a fixed seed, so the sample is reproducible.
The judgements themselves are written by a person in benchmarks/PRECISION.md and
benchmarks/precision/*.md.

`--corpus services` lints the real applications of `benchmarks/services.json` instead:
each is pinned to a commit, and its work tree must be at the `root` recorded there (they
are fetched by hand; their code is never committed here). Judgement rows name a finding
by `<distribution or service>/<path>:<line>`, so one table can hold both corpora; `--check`
counts the rows of the corpus being checked.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Optional

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
    # services with request handlers (tornado, FastAPI) and OpenTelemetry-heavy SDKs
    "jupyter-server==2.21.1",
    "flower==2.2.0",
    "gradio==6.31.0",
    "temporalio==1.35.0",
    "langfuse==5.0.4",
    # OpenTelemetry instrumentations of message brokers, serverless and a web framework
    "opentelemetry-instrumentation-aws-lambda==0.66b1",
    "opentelemetry-instrumentation-pika==0.66b1",
    "opentelemetry-instrumentation-kafka-python==0.66b1",
    "opentelemetry-instrumentation-tornado==0.66b1",
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


SERVICES = Path(__file__).resolve().parent / "services.json"


def services(select: str = "CTX") -> list[tuple[Path, str]]:
    """The services' work trees, each with the part of `select` judged on it: a service
    added for one family (`"judged_for"`) is linted for that family only."""
    roots = []
    for service in json.loads(SERVICES.read_text(encoding="utf-8"))["services"]:
        judged = _judged_part(select, service.get("judged_for"))
        if not judged:
            continue
        root = Path(service["root"])
        if not root.is_dir():
            raise SystemExit(f"{service['name']}: no work tree at {root} (fetch {service['repo']} at {service['commit']})")
        # Linted as the project lints itself: the paths its own hooks exclude (tool
        # fixtures, vendored code) are excluded here too.
        excluded = service.get("exclude", {})
        config = "# each service is its own project\n"
        if excluded:
            config += f"# as in {excluded['from']}\nextend-exclude = {json.dumps(excluded['paths'])}\n"
        (root / "ctxlint.toml").write_text(config, encoding="utf-8")
        roots.append((root, judged))
    return roots


def _judged_part(select: str, families: Optional[list[str]]) -> str:
    """The selectors of `select` within `families` (all of them when None): `CTX` within
    `["CTX2"]` is `CTX2`, `CTX2,CTX4` is `CTX2`."""
    if families is None:
        return select
    kept = []
    for code in (c.strip().upper() for c in select.split(",")):
        kept += [code if code.startswith(family) else family for family in families if code.startswith(family) or family.startswith(code)]
    return ",".join(dict.fromkeys(kept))


def findings(root: Path, select: str = "CTX") -> list[dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "ctxlint", "check", ".", "--preview", "--select", select, "--output-format", "json", "--no-cache"],
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


# A judgement row in PRECISION.md, under a `## CTXnnn` heading:
# | `path:line` | TP / FP / debatable | one line of reasoning |
_HEADING = re.compile(r"^##\s+(CTX\d{3})\b")
_ROW = re.compile(r"^\|\s*`?(?P<where>[^`|\s]+:\d+)`?\s*\|\s*(?P<verdict>TP|FP|debatable)\s*\|")


def judgements(path: Path) -> dict[str, dict[str, str]]:
    """rule -> {"path:line": verdict} from the judgement tables of PRECISION.md."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    rule = None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading is not None or re.match(r"#{1,2}\s", line):  # `###` stays in the rule
            rule = heading.group(1) if heading is not None else None
            continue
        row = _ROW.match(line)
        if rule is not None and row is not None:
            found[rule][row.group("where")] = row.group("verdict")
    return found


def judgements_in(paths: list[Path], roots: list[Path]) -> dict[str, dict[str, str]]:
    """The judgements of every file, keeping the rows that name a finding under `roots`."""
    names = {root.name for root in roots}
    merged: dict[str, dict[str, str]] = defaultdict(dict)
    for path in paths:
        for code, rows in judgements(path).items():
            merged[code].update({where: verdict for where, verdict in rows.items() if where.split("/", 1)[0] in names})
    return merged


def check(by_rule: dict[str, list[dict]], judged: dict[str, dict[str, str]]) -> bool:
    """Print precision per rule from the judgements; False when they and the sample differ."""
    consistent = True
    for code in sorted(set(by_rule) | set(judged)):
        sampled = {f"{item['path']}:{item['line']}" for item in sample(by_rule.get(code, []))}
        verdicts = judged.get(code, {})
        counted = [verdicts[where] for where in sampled if where in verdicts]
        tp, fp, debatable = (counted.count(v) for v in ("TP", "FP", "debatable"))
        judged_total = tp + fp + debatable
        precision = f"{100 * tp / judged_total:.0f}%" if judged_total else "n/a"
        print(f"{code}: {len(by_rule.get(code, []))} findings, {len(sampled)} sampled, "
              f"TP {tp} FP {fp} debatable {debatable}: precision {precision} (debatable counted against)")
        for where in sorted(sampled - set(verdicts)):
            consistent = False
            print(f"  not judged: {where}")
        for where in sorted(set(verdicts) - sampled):
            consistent = False
            print(f"  judged but not in the sample: {where}")
    return consistent


def hop_recall(by_rule: dict[str, list[dict]], linted: set[str]) -> tuple[int, list[str]]:
    """Of the hops `services.json` judges a real loss (in the services linted), how many
    and which ones no finding is reported at (same file, the hop's line)."""
    reported = {(item["path"], item["line"]) for items in by_rule.values() for item in items}
    losses = [
        (f"{hop['service']}/{hop['path']}", hop["line"])
        for hop in json.loads(SERVICES.read_text(encoding="utf-8"))["hops"]
        if hop["verdict"] == "loss" and hop["service"] in linted
    ]
    return len(losses), [f"{path}:{line}" for path, line in losses if (path, line) not in reported]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worksheet", type=Path, help="write the sampled findings with their code here")
    parser.add_argument("--select", default="CTX", help="rule codes or prefixes, comma-separated (default: every rule)")
    parser.add_argument("--findings", type=Path, help="write every finding (path, line, code, message) as JSON here")
    parser.add_argument("--check", type=Path, nargs="+", help="compare the judgements in these files with the sample")
    parser.add_argument("--corpus", choices=("libraries", "services"), default="libraries",
                        help="the pinned distributions (default) or the services of benchmarks/services.json")
    args = parser.parse_args()
    by_rule: dict[str, list[dict]] = defaultdict(list)
    linted = [(root, args.select) for root in distributions()] if args.corpus == "libraries" else services(args.select)
    roots = [root for root, _select in linted]
    for root, select in linted:
        for item in findings(root, select):
            by_rule[item["code"]].append(item)
    if args.findings:
        every = [
            {key: item[key] for key in ("path", "line", "code", "message")}
            for code in sorted(by_rule)
            for item in by_rule[code]
        ]
        args.findings.write_text(json.dumps(every, indent=1) + "\n", encoding="utf-8")
    for code in sorted(by_rule):
        print(f"{code}: {len(by_rule[code])} findings, {min(len(by_rule[code]), SAMPLE)} sampled")
    if args.corpus == "services":
        losses, missed = hop_recall(by_rule, {root.name for root in roots})
        if losses:
            print(f"judged losses reported: {losses - len(missed)} of {losses}")
            for hop in missed:
                print(f"  missed: {hop}")
    if args.worksheet:
        parts = []
        for code in sorted(by_rule):
            parts.append(f"# {code} ({len(by_rule[code])} findings)\n")
            for item in sample(by_rule[code]):
                parts.append(f"## {item['path']}:{item['line']} {code}\n{item['message']}\n```\n{snippet(item)}\n```\n")
        args.worksheet.write_text("\n".join(parts), encoding="utf-8")
    if args.check:
        selectors = tuple(code.strip().upper() for code in args.select.split(","))
        judged = {code: rows for code, rows in judgements_in(args.check, roots).items() if code.startswith(selectors)}
        if not check(by_rule, judged):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
