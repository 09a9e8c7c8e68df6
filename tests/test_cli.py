"""The `ctxlint` console script: subcommands, options, config, exit codes, output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    PREVIEW_CODE,
    PREVIEW_FAMILY,
    PREVIEW_SOURCE,
    READS_CONTEXT,
    THREAD,
    THREAD_CALL,
    is_preview,
    line_of,
    run_ctxlint,
)

# Test projects select the CTX2 family explicitly.
# THREAD (conftest) is one CTX201 finding: a per-call thread whose target reads a ContextVar.
ENABLE = '[tool.ctxlint]\nextend-select = ["CTX2"]\n'


def out(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout.decode()


def err(completed: subprocess.CompletedProcess) -> str:
    return completed.stderr.decode()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(ENABLE)
    (tmp_path / "jobs.py").write_text(THREAD)
    return tmp_path


def check(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_ctxlint("check", "--no-cache", *args, cwd=project)


def test_version_and_module_entry_point() -> None:
    from ctxlint import __version__

    assert out(run_ctxlint("version")) == f"ctxlint {__version__}\n"
    module = subprocess.run([sys.executable, "-m", "ctxlint", "version"], capture_output=True, text=True)
    assert module.stdout == f"ctxlint {__version__}\n"


def test_rules_table_lists_every_rule() -> None:
    from ctxlint.rules import registry

    table = out(run_ctxlint("rules"))
    for code, rule in registry().items():
        assert any(line.split()[:4] == [code, rule.name, rule.status(), rule.fix] for line in table.splitlines())


def test_rule_prints_documentation_sections() -> None:
    text = out(run_ctxlint("rule", "CTX201"))
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix", "## Known limits"):
        assert heading in text


def test_unknown_rule_code_is_a_usage_error() -> None:
    completed = run_ctxlint("rule", "CTX999")
    assert completed.returncode == 2
    assert err(completed) == "ctxlint: error: unknown rule code 'CTX999' (see `ctxlint rules`)\n"


def test_findings_text_output_and_exit_code(project: Path) -> None:
    completed = check(project)
    assert completed.returncode == 1
    lines = out(completed).splitlines()
    assert lines[0].startswith(
        "jobs.py:12:5: CTX201 `Thread` runs `audit` with an empty context, but `audit` reads ContextVar `request_id`"
    )
    assert lines[-1] == "Found 1 error (1 fixable with --fix --unsafe-fixes)."


def test_check_is_the_default_subcommand(project: Path) -> None:
    assert out(run_ctxlint("--no-cache", "jobs.py", cwd=project)) == out(check(project, "jobs.py"))


def test_clean_project_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("print('hello')\n")
    completed = run_ctxlint("check", "--no-cache", cwd=tmp_path)
    assert completed.returncode == 0
    assert out(completed) == "All checks passed!\n"


def test_exit_zero(project: Path) -> None:
    assert check(project, "--exit-zero").returncode == 0


def test_missing_path_is_a_usage_error(project: Path) -> None:
    completed = check(project, "nope.py")
    assert completed.returncode == 2
    assert err(completed) == "ctxlint: error: nope.py: no such file or directory\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--select", "CTX202"], set()),
        (["--select", "CTX2"], {"CTX201"}),
        (["--ignore", "CTX2"], set()),
        (["--select", "CTX2", "--ignore", "CTX201"], set()),
        (["--select", "CTX201", "--ignore", "CTX2"], {"CTX201"}),  # the more specific selector wins
        (["--select", "ctx201"], {"CTX201"}),
    ],
)
def test_select_and_ignore(project: Path, args: list[str], expected: set[str]) -> None:
    findings = json.loads(out(check(project, "--output-format", "json", *args)))
    assert {f["code"] for f in findings} == expected


def test_preview_rules_need_preview_or_explicit_select(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ctxlint]\n")
    (project / "jobs.py").write_text(PREVIEW_SOURCE)
    assert is_preview(PREVIEW_CODE)
    assert PREVIEW_CODE not in out(check(project))
    assert PREVIEW_CODE not in out(check(project, "--select", "CTX"))
    assert PREVIEW_CODE in out(check(project, "--preview"))
    assert PREVIEW_CODE in out(check(project, "--extend-select", PREVIEW_CODE))
    assert PREVIEW_CODE in out(check(project, "--extend-select", PREVIEW_FAMILY))  # a family is explicit too


def test_unknown_selector_is_a_usage_error(project: Path) -> None:
    completed = check(project, "--select", "CTX999")
    assert completed.returncode == 2
    assert err(completed) == "ctxlint: error: --select: unknown rule selector 'CTX999'\n"


@pytest.mark.parametrize(
    "config, message",
    [
        ("[tool.ctxlint]\nselct = ['CTX']\n", "unknown [tool.ctxlint] key 'selct'"),
        ("[tool.ctxlint]\nselect = 'CTX'\n", "[tool.ctxlint] select must be a list of strings"),
        ("[tool.ctxlint]\npreview = 'yes'\n", "[tool.ctxlint] preview must be true or false"),
        ("[tool.ctxlint]\nignore = ['CTX9']\n", "unknown rule selector 'CTX9'"),
        ("[tool.ctxlint]\ntarget-version = 'py27'\n", "invalid target-version 'py27'"),
        ("[tool.ctxlint\nselect = []\n", "invalid TOML"),
    ],
)
def test_config_errors_name_the_file_and_problem(project: Path, config: str, message: str) -> None:
    (project / "pyproject.toml").write_text(config)
    completed = check(project)
    assert completed.returncode == 2
    lines = err(completed).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ctxlint: error: {project / 'pyproject.toml'}: ")
    assert message in lines[0]


def test_config_is_discovered_upward_and_per_directory(project: Path) -> None:
    (project / "pyproject.toml").write_text(ENABLE + "ignore = ['CTX201']\n")
    nested = project / "service"
    nested.mkdir()
    (nested / "jobs.py").write_text(THREAD)
    (nested / "ctxlint.toml").write_text("select = ['CTX2']\n")
    findings = json.loads(out(check(project, "--output-format", "json")))
    assert [f["filename"] for f in findings] == ["service/jobs.py"]
    from_inside = json.loads(out(run_ctxlint("check", "--no-cache", "--output-format", "json", "jobs.py", cwd=nested)))
    assert [f["filename"] for f in from_inside] == ["jobs.py"]


def test_explicit_config_file(project: Path) -> None:
    (project / "strict.toml").write_text("[tool.ctxlint]\nselect = ['CTX202']\n")
    assert check(project, "--config", "strict.toml").returncode == 0


def test_per_file_ignores(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_jobs.py").write_text(THREAD)
    (project / "pyproject.toml").write_text(ENABLE + "per-file-ignores = { 'tests/**' = ['CTX2'] }\n")
    findings = json.loads(out(check(project, "--output-format", "json")))
    assert [f["filename"] for f in findings] == ["jobs.py"]


def test_target_version_from_requires_python(project: Path) -> None:
    source = (
        "import contextvars\nimport threading\n" + READS_CONTEXT + "\n\ndef f():\n"
        "    threading.Thread(target=audit, context=contextvars.copy_context()).start()\n"
    )
    (project / "jobs.py").write_text(source)
    assert check(project).returncode == 1
    (project / "pyproject.toml").write_text("[project]\nrequires-python = '>=3.14'\n\n" + ENABLE)
    assert check(project).returncode == 0
    assert check(project, "--target-version", "py313").returncode == 1


def test_noqa(project: Path) -> None:
    source = (
        "import threading\n" + READS_CONTEXT + "\n\ndef f():\n"
        "    threading.Thread(target=audit).start()  # noqa\n"
        "    threading.Thread(target=audit).start()  # noqa: CTX201\n"
        "    threading.Thread(target=audit).start()  # noqa:CTX202,CTX203\n"
        "    threading.Thread(\n        target=audit,\n    ).start()  # NOQA: CTX201\n"
    )
    (project / "jobs.py").write_text(source)
    findings = json.loads(out(check(project, "--output-format", "json")))
    assert [(f["line"], f["code"]) for f in findings] == [(line_of(source, "# noqa:CTX202,CTX203"), "CTX201")]


def test_gitignore_exclude_and_virtualenvs_are_skipped(project: Path) -> None:
    for folder in ("generated", "vendor", ".venv", "env"):
        (project / folder).mkdir()
        (project / folder / "jobs.py").write_text(THREAD)
    (project / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / ".gitignore").write_text("generated/\n")
    (project / "pyproject.toml").write_text(ENABLE + "extend-exclude = ['vendor']\n")
    findings = json.loads(out(check(project, "--output-format", "json")))
    assert [f["filename"] for f in findings] == ["jobs.py"]
    explicit = json.loads(out(check(project, "--output-format", "json", "generated/jobs.py")))
    assert [f["filename"] for f in explicit] == ["generated/jobs.py"]


def test_build_output_is_skipped_but_a_package_named_build_is_linted(project: Path) -> None:
    for folder in ("build/lib/app", "dist/app", "app/build", "src/build"):
        (project / folder).mkdir(parents=True)
        (project / folder / "steps.py").write_text(THREAD)
    (project / "build" / "lib" / "app" / "__init__.py").write_text("")
    (project / "app" / "__init__.py").write_text("")  # app/build/ is a (namespace) subpackage
    (project / "src" / "build" / "__init__.py").write_text("")  # a package named `build`
    findings = json.loads(out(check(project, "--output-format", "json")))
    assert sorted(f["filename"] for f in findings) == ["app/build/steps.py", "jobs.py", "src/build/steps.py"]


def test_a_top_level_module_and_a_package_module_of_the_same_name_are_both_analysed(project: Path) -> None:
    # `jobs` names the root's jobs.py; `app.jobs` also ends with `jobs`, which once left
    # the root module's ContextVar unresolved and its hop unreported
    (project / "app").mkdir()
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "jobs.py").write_text(THREAD)
    findings = json.loads(out(check(project, "--output-format", "json")))
    assert sorted(f["filename"] for f in findings) == ["app/jobs.py", "jobs.py"]


def test_output_is_sorted_and_deterministic(project: Path) -> None:
    for name in ("b.py", "a.py", "c.py"):
        (project / name).write_text(THREAD + f"\n\ndef other(event):\n    {THREAD_CALL}.start()\n")
    first = out(check(project, "--jobs", "2"))
    assert first == out(check(project, "--jobs", "1"))
    names = [line.split(":")[0] for line in first.splitlines()[:-1]]
    assert names == sorted(names)


def test_the_project_pass_in_worker_processes_learns_what_one_process_does(project: Path) -> None:
    # enough files for the project pass to extract them in worker processes (64 or more);
    # the thread's work logs two modules away, through a filter that reads a ContextVar
    (project / "jobs.py").write_text(
        "import threading\n\nfrom steps.step_0 import step_0\n\n\n"
        "def handle(event):\n    threading.Thread(target=step_0, args=(event,)).start()\n"
    )
    steps = project / "steps"
    steps.mkdir()
    (steps / "__init__.py").write_text("")
    (steps / "logs.py").write_text(
        "import contextvars\nimport logging\n\nrequest_id = contextvars.ContextVar('request_id')\n\n\n"
        "class RequestIdFilter(logging.Filter):\n    def filter(self, record):\n"
        "        record.request_id = request_id.get(None)\n        return True\n\n\n"
        "logging.getLogger().addFilter(RequestIdFilter())\n"
    )
    for index in range(70):
        call = f"step_{index + 1}(event)" if index < 2 else "logging.info('done %s', event)"
        (steps / f"step_{index}.py").write_text(
            f"import logging\n\nfrom steps.step_{index + 1} import step_{index + 1}\n\n\n"
            f"def step_{index}(event):\n    {call}\n"
        )
    one = check(project, "--jobs", "1", "--output-format", "json")
    two = check(project, "--jobs", "2", "--output-format", "json")
    assert out(one) == out(two)
    [finding] = json.loads(out(two))
    assert "`step_0` logs through the logging hook `RequestIdFilter.filter`, which reads a ContextVar (via `step_0` → `step_1` → `step_2`)" in finding["message"]


def test_json_fields(project: Path) -> None:
    [finding] = json.loads(out(check(project, "--output-format", "json")))
    assert set(finding) >= {"code", "name", "message", "filename", "line", "column", "end_line", "end_column", "fix", "doc"}
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (12, 5, 12, 50)
    assert finding["fix"]["applicability"] == "unsafe"
    fixed = "+    threading.Thread(target=contextvars.copy_context().run, args=(audit, event)).start()"
    assert fixed in finding["fix"]["diff"]


def test_stdin(project: Path) -> None:
    completed = run_ctxlint("check", "--no-cache", "--stdin-filename", "jobs.py", cwd=project, stdin=THREAD.encode())
    assert completed.returncode == 1
    assert out(completed).startswith("jobs.py:12:5: CTX201 ")
    fixed = run_ctxlint(
        "check", "--no-cache", "--stdin-filename", "jobs.py", "--fix", "--unsafe-fixes", cwd=project, stdin=THREAD.encode()
    )
    assert "contextvars.copy_context().run" in out(fixed)


def test_fix_diff_and_safe_only(project: Path) -> None:
    assert check(project, "--fix").returncode == 1  # CTX201's fix is unsafe: not applied
    assert (project / "jobs.py").read_text() == THREAD
    diff = check(project, "--diff", "--unsafe-fixes")
    assert diff.returncode == 1
    assert "+import contextvars" in out(diff)
    assert (project / "jobs.py").read_text() == THREAD
    fixed = check(project, "--fix", "--unsafe-fixes")
    assert fixed.returncode == 0, out(fixed)
    assert out(fixed) == "Fixed 1 error.\n"
    assert "import contextvars\n" in (project / "jobs.py").read_text()
    assert check(project, "--diff", "--unsafe-fixes").returncode == 0


def test_statistics_quiet_and_verbose(project: Path) -> None:
    stats = out(check(project, "--statistics"))
    assert stats == "    1\tCTX201\t[*] thread-without-context (1 fixable)\n"
    quiet = out(check(project, "--quiet"))
    assert "Found" not in quiet and "CTX201" in quiet
    verbose = check(project, "--verbose")
    assert "opentelemetry: no" in err(verbose)
    assert "checked 1 files" in err(verbose)


def test_cache_is_used_and_kept_out_of_git(project: Path) -> None:
    first = run_ctxlint("check", cwd=project)
    second = run_ctxlint("check", cwd=project)
    assert out(first) == out(second)
    assert (project / ".ctxlint_cache" / ".gitignore").read_text().endswith("*\n")
