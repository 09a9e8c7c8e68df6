"""The pre-commit hooks, installed from this repository by the real `pre-commit try-repo`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, THREAD, THREAD_CALL, script

# CTX201 at 12:5: the thread's work reads a ContextVar; GOOD runs it in a copy of the context.
BAD = THREAD
GOOD = "import contextvars\n" + THREAD.replace(
    THREAD_CALL, "threading.Thread(target=contextvars.copy_context().run, args=(audit, event))"
)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git("init", "-q", cwd=tmp_path)
    _git("config", "user.email", "test@example.com", cwd=tmp_path)
    _git("config", "user.name", "test", cwd=tmp_path)
    return tmp_path


def _try_repo(repo: Path, hook: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home")}
    return subprocess.run(
        [script("pre-commit"), "try-repo", str(REPO), hook, "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_hook_fails_on_bad_file_and_passes_on_fixed_one(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.ctxlint]\nextend-select = ["CTX2"]\n')
    (repo / "handler.py").write_text(BAD)
    _git("add", "handler.py", "pyproject.toml", cwd=repo)
    failed = _try_repo(repo, "ctxlint")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "handler.py:12:5: CTX201" in failed.stdout

    (repo / "handler.py").write_text(GOOD)
    _git("add", "handler.py", cwd=repo)
    passed = _try_repo(repo, "ctxlint")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
