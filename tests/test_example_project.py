"""The shipped example service: findings, fixes that run, and the context that then flows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, run_ctxlint


def run_service(folder: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "orders"], cwd=folder, capture_output=True, text=True, timeout=60, check=True
    )
    return completed.stdout.splitlines()


def test_example_findings_fix_and_run(tmp_path: Path) -> None:
    service = tmp_path / "service"
    shutil.copytree(REPO / "examples" / "service", service)

    before = json.loads(run_ctxlint("check", "--no-cache", "--output-format", "json", cwd=service).stdout)
    assert [(f["filename"], f["line"], f["code"]) for f in before] == [
        ("orders/service.py", 28, "CTX201"),
        ("orders/service.py", 30, "CTX202"),
        ("orders/service.py", 37, "CTX203"),
    ]
    lost = run_service(service)
    assert any(line.startswith("[-] ") for line in lost), lost

    fixed = run_ctxlint("check", "--no-cache", "--fix", "--unsafe-fixes", cwd=service)
    assert fixed.returncode == 0, fixed.stdout.decode()
    assert fixed.stdout.decode() == "Fixed 3 errors.\n"

    lines = run_service(service)
    assert len(lines) == len(lost)
    assert all(line.startswith(("[req-1] ", "[req-2] ")) for line in lines), lines

    again = run_ctxlint("check", "--no-cache", cwd=service)
    assert again.returncode == 0
    assert again.stdout.decode() == "All checks passed!\n"
