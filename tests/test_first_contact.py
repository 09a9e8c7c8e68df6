"""What a new user sees first: named paths are linted, an empty run says so, and a long run
on a terminal shows its progress (through the console script, in a real git repository
and a real pseudo-terminal)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_ctxlint, script

# CTX401 (a default rule): a finding that depends on nothing outside its file.
DANGLING_TASK = "import asyncio\n\n\nasync def fetch(work):\n    asyncio.create_task(work())\n"


def git_repository(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("vendor/\n*.generated.py\n", encoding="utf-8")
    for name in ("app/main.py", "vendor/lib.py", "vendor/tools/build.py", "vendor/api.generated.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DANGLING_TASK, encoding="utf-8")
    return tmp_path


def reported(completed: subprocess.CompletedProcess) -> list[str]:
    return sorted(line.split(":", 1)[0] for line in completed.stdout.decode().splitlines() if ": CTX" in line)


def test_a_directory_a_parent_gitignore_ignores_is_linted_when_named(tmp_path: Path) -> None:
    repo = git_repository(tmp_path)
    everything = run_ctxlint("check", "--no-cache", ".", cwd=repo)
    assert reported(everything) == ["app/main.py"]
    named = run_ctxlint("check", "--no-cache", "vendor", cwd=repo)
    assert named.returncode == 1, named.stderr.decode()
    # the parent's other patterns still apply inside the named directory
    assert reported(named) == ["vendor/lib.py", "vendor/tools/build.py"]
    assert reported(run_ctxlint("check", "--no-cache", "vendor/tools", cwd=repo)) == ["vendor/tools/build.py"]


def test_a_named_directory_keeps_its_own_ignores_and_excludes(tmp_path: Path) -> None:
    repo = git_repository(tmp_path)
    (repo / "vendor" / ".gitignore").write_text("tools/\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.ctxlint]\nextend-exclude = ["vendor/lib.py"]\n', encoding="utf-8")
    assert reported(run_ctxlint("check", "--no-cache", "vendor", cwd=repo)) == []


def test_exclude_applies_to_named_paths_only_with_force_exclude(tmp_path: Path) -> None:
    repo = git_repository(tmp_path)
    (repo / "pyproject.toml").write_text('[tool.ctxlint]\nexclude = ["app"]\n', encoding="utf-8")
    assert reported(run_ctxlint("check", "--no-cache", ".", cwd=repo)) == []
    assert reported(run_ctxlint("check", "--no-cache", "app", cwd=repo)) == ["app/main.py"]
    assert reported(run_ctxlint("check", "--no-cache", "app/main.py", cwd=repo)) == ["app/main.py"]
    for named in ("app", "app/main.py"):
        forced = run_ctxlint("check", "--no-cache", "--force-exclude", named, cwd=repo)
        assert (forced.returncode, reported(forced)) == (0, []), named
    (repo / "pyproject.toml").write_text('[tool.ctxlint]\nexclude = ["app"]\nforce-exclude = true\n', encoding="utf-8")
    assert reported(run_ctxlint("check", "--no-cache", "app/main.py", cwd=repo)) == []


@pytest.mark.parametrize("content", [None, "notes.txt"])
def test_a_run_that_checks_nothing_says_so(tmp_path: Path, content: str | None) -> None:
    if content:
        (tmp_path / content).write_text("not python\n", encoding="utf-8")
    completed = run_ctxlint("check", str(tmp_path))
    assert completed.returncode == 0
    assert "warning: No Python files found under the given path(s)" in completed.stderr.decode()
    assert "All checks passed" not in completed.stdout.decode()
    assert "No Python files" not in run_ctxlint("check", "--no-cache", str(git_repository(tmp_path))).stderr.decode()


def test_verbose_counts_checked_cached_and_gated_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    (tmp_path / "client.py").write_text(DANGLING_TASK, encoding="utf-8")
    (tmp_path / "maths.py").write_text("def double(x):\n    return 2 * x\n", encoding="utf-8")
    first = run_ctxlint("check", "--verbose", ".", cwd=tmp_path).stderr.decode()
    assert "checked 2 files" in first and "(2 linted, 1 of them skipped by the gate; 0 from the cache)" in first
    second = run_ctxlint("check", "--verbose", ".", cwd=tmp_path).stderr.decode()
    assert "(0 linted, 0 of them skipped by the gate; 2 from the cache)" in second


def run_on_a_terminal(arguments: list[str], cwd: Path, env: dict[str, str]) -> bytes:
    """Run the console script with stderr on a pseudo-terminal; what it wrote there."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [script("ctxlint"), *arguments], cwd=cwd, stdout=subprocess.DEVNULL, stderr=terminal, env=env
    )
    os.close(terminal)
    written = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        written += chunk
    os.close(controller)
    assert process.wait(timeout=300) in (0, 1)
    return written


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:
    for number in range(30):
        (tmp_path / f"module_{number}.py").write_text(DANGLING_TASK, encoding="utf-8")
    # The line appears after a second of work; these files take less, so the delay is lifted.
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["CTXLINT_PROGRESS_DELAY"] = "0"
    arguments = ["check", "--no-cache", "--jobs", "1", "."]
    shown = run_on_a_terminal(arguments, tmp_path, env)
    assert b"ctxlint: 30/30 files" in shown
    assert shown.endswith(b"\r\x1b[K")  # cleared at the end
    assert run_on_a_terminal([*arguments, "--quiet"], tmp_path, env) == b""
    assert run_on_a_terminal(arguments, tmp_path, {**env, "CI": "true"}) == b""
    piped = run_ctxlint(*arguments, cwd=tmp_path, env={"CTXLINT_PROGRESS_DELAY": "0"})
    assert b"files," not in piped.stderr and b"\x1b" not in piped.stderr
