"""benchmarks/recall.py scores the real-bug corpus (SPEC §10): a marked line counts as
found only when a finding of the marked family lands on it, a negative counts every
finding against the rules, and `--extend-select` adds rules without changing the cases."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

BUGS = REPO / "benchmarks" / "bugs"
FOUND = BUGS / "ctx5" / "otel_django_attach_in_process_request.py"  # a default rule finds it
PREVIEW = BUGS / "ctx4" / "coinbasepro_client_requests_without_timeout.py"  # only the preview CTX403 does
NEGATIVE = BUGS / "ctx2" / "ctx201_sentry_background_worker_ok.py"


def score(*args: str | Path) -> dict:
    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "recall.py"), "--json", *map(str, args)],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_default_rules_find_the_default_case_and_miss_the_preview_one() -> None:
    counts = score(FOUND, PREVIEW, NEGATIVE)
    assert (counts["positives"], counts["found"], counts["negatives"], counts["false_positives"]) == (2, 1, 1, 0)
    assert counts["families"]["CTX5"]["found"] == 1
    assert counts["families"]["CTX4"]["found"] == 0


def test_extend_select_turns_the_preview_rules_on() -> None:
    counts = score("--extend-select", "CTX403", PREVIEW, NEGATIVE)
    assert (counts["found"], counts["false_positives"]) == (1, 0)


def test_a_mark_on_the_wrong_line_is_a_miss_and_a_reported_negative_a_false_positive(tmp_path: Path) -> None:
    family = tmp_path / "ctx5"
    family.mkdir()
    text = FOUND.read_text(encoding="utf-8")
    mark = "  # expect: CTX502"
    attach = "token = context.attach(propagate.extract(request.META))"
    start = "span = tracer.start_span(request.path, kind=SpanKind.SERVER)"
    assert attach + mark in text and start in text
    unmarked = text.replace(mark, "")
    (family / "moved_mark.py").write_text(unmarked.replace(start, start + mark), encoding="utf-8")
    (family / "reported_negative.py").write_text(unmarked.replace("# fix:", "# expect: none\n# fix:", 1), encoding="utf-8")
    shutil.copy(FOUND, family / "found.py")

    counts = score(family)
    assert (counts["positives"], counts["found"]) == (2, 1)
    assert (counts["negatives"], counts["false_positives"]) == (1, 1)
