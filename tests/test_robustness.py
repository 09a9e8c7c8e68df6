"""What ctxlint does with bad input (the table in the README, one test per row).

Every case goes through the installed console script. Each file case is linted next to
a file with a known finding, to show that the run goes on with the other files; no case
may let a traceback reach the user.

Unreadable files and directories: the suite runs as root, and root reads a `chmod 000`
file anyway. Those cases therefore run ctxlint as root *without* the capabilities that
bypass permission bits (`setpriv --bounding-set=-dac_override,-dac_read_search`): the
kernel then applies the mode bits to root as to anyone, while the interpreter under
/root/.pyenv (owned by root) stays usable. Each such test first proves that a plain
read really fails under the same conditions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import READS_CONTEXT, THREAD_CALL as CANARY_CALL, run_ctxlint, script

# The CTX201 rule's documented example: reported, by the rule's own docs test.
from ctxlint.rules.ctx2.ctx201_thread_without_context import ThreadWithoutContext

OTHER = textwrap.dedent(ThreadWithoutContext.example).lstrip()
THREAD_CALL = "threading.Thread(target=send_audit_log, args=(request.id,)).start()"
# After READS_CONTEXT (conftest): a thread started per call whose work reads a ContextVar.
CANARY = f"\n\ndef handle(event):\n    {CANARY_CALL}.start()\n"
# CTX402 on the line before the last (a finding without a fix; needs `import asyncio`).
SWALLOWED_CANCEL = (
    "\n\nasync def poll(client):\n    while True:\n        try:\n            await client.fetch()\n"
    "        except asyncio.CancelledError:\n            pass\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    (tmp_path / "other.py").write_text(OTHER, encoding="utf-8")
    return tmp_path


def check(project: Path, *args: str, prefix: tuple[str, ...] = (), stdin: bytes | None = None):
    """Run `ctxlint check --preview --output-format json` in `project`: (completed, findings).

    Preview rules are on: every rule runs on the bad input (CTX201, whose documented
    example marks the other file, may be a preview rule)."""
    command = [*prefix, script("ctxlint"), "check", "--preview", "--no-cache", "--output-format", "json", *args]
    env = {k: v for k, v in os.environ.items() if k != "CTXLINT_DEBUG"}
    completed = subprocess.run(command, cwd=project, input=stdin, capture_output=True, env=env, timeout=600, check=False)
    assert b"Traceback" not in completed.stderr, completed.stderr.decode()
    assert b"internal error" not in completed.stderr, completed.stderr.decode()
    findings = json.loads(completed.stdout) if completed.returncode in (0, 1) else []
    return completed, findings


def line_of(text: str, fragment: str) -> int:
    """The 1-based number of the first line of `text` containing `fragment`."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def codes_of(findings: list[dict], filename: str) -> list[tuple[int, str]]:
    return sorted((f["line"], f["code"]) for f in findings if f["filename"] == filename)


def only(findings: list[dict], filename: str) -> dict:
    found = [f for f in findings if f["filename"] == filename]
    assert len(found) == 1, found
    return found[0]


def assert_other_linted(findings: list[dict]) -> None:
    assert [code for _line, code in codes_of(findings, "other.py")] == ["CTX201"]


def usage_error(completed: subprocess.CompletedProcess) -> str:
    """The one-line `ctxlint: error: ...` message of a usage error (exit 2)."""
    assert completed.returncode == 2
    lines = completed.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctxlint: error: "), lines
    assert completed.stdout == b""
    return lines[0]


def warnings_of(completed: subprocess.CompletedProcess) -> list[str]:
    lines = completed.stderr.decode().splitlines()
    assert all(line.startswith("ctxlint: warning: ") for line in lines), lines
    return lines


# ---------------------------------------------------------------------------- source text


def test_syntax_error(project: Path):
    (project / "broken.py").write_text("import threading\n\ndef f(:\n    pass\n", encoding="utf-8")
    completed, findings = check(project, ".")
    assert completed.returncode == 1
    finding = only(findings, "broken.py")
    assert finding["code"] == "CTX001"
    assert (finding["line"], finding["column"]) == (3, 7)
    assert "syntax error" in finding["message"] and "(line 3, column 7)" in finding["message"]
    assert_other_linted(findings)


@pytest.mark.parametrize(
    "data, where",
    [
        (b'x = "caf\xe9"\n', "byte 0xe9 on line 1"),  # in the first two lines, where a cookie may be
        (b'"""Docs."""\n\nx = 1\ny = "\xff"\n', "byte 0xff on line 4"),
    ],
    ids=["first-line", "later-line"],
)
def test_invalid_utf8(project: Path, data: bytes, where: str):
    (project / "latin.py").write_bytes(data)
    _completed, findings = check(project, ".")
    finding = only(findings, "latin.py")
    assert finding["code"] == "CTX001"
    assert finding["message"] == f"cannot decode file: file is not valid utf-8 ({where})"
    assert_other_linted(findings)


def test_pep263_latin1_cookie(project: Path):
    source = "# -*- coding: latin-1 -*-\n" + '"""Caf\u00e9 na\u00efve."""\n' + OTHER
    (project / "legacy.py").write_bytes(source.encode("latin-1"))
    _completed, findings = check(project, ".")
    assert codes_of(findings, "legacy.py") == [(line_of(source, THREAD_CALL), "CTX201")]
    assert_other_linted(findings)


def test_utf8_bom(project: Path):
    # The call on the first line: the BOM must not shift its column. (The thread runs the
    # caller's callable `job`: CTX201 whatever the project hands it.)
    source = "import threading; handle = lambda job: threading.Thread(target=job).start()\n"
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + source.encode("utf-8"))
    _completed, findings = check(project, ".")
    finding = only(findings, "bom.py")
    assert (finding["code"], finding["line"], finding["column"]) == ("CTX201", 1, 40)
    assert_other_linted(findings)


@pytest.mark.parametrize("newlines", [["\r\n"], ["\r\n", "\n"], ["\n", "\r\n", "\r"]], ids=["crlf", "crlf-lf", "lf-crlf-cr"])
def test_crlf_and_mixed_newlines(project: Path, newlines: list[str]):
    lines = OTHER.splitlines()
    text = "".join(line + newlines[number % len(newlines)] for number, line in enumerate(lines))
    (project / "windows.py").write_bytes(text.encode("utf-8"))
    _completed, findings = check(project, ".")
    finding = only(findings, "windows.py")
    assert (finding["code"], finding["line"], finding["column"]) == ("CTX201", line_of(OTHER, THREAD_CALL), 5)
    assert_other_linted(findings)


def test_nul_bytes(project: Path):
    (project / "nul.py").write_bytes(b"import threading\nx = 1\0\n")
    _completed, findings = check(project, ".")
    finding = only(findings, "nul.py")
    assert finding["code"] == "CTX001"
    assert finding["message"] == "cannot decode file: file contains a NUL byte (line 2, column 6)"
    assert_other_linted(findings)


def test_empty_file(project: Path):
    (project / "empty.py").write_bytes(b"")
    completed, findings = check(project, ".")
    assert codes_of(findings, "empty.py") == []
    assert_other_linted(findings)
    completed, findings = check(project, "empty.py")
    assert completed.returncode == 0 and findings == []


@pytest.mark.slow
def test_five_megabyte_file(project: Path):
    block = textwrap.dedent(
        '''
        def handler_{i}(request):
            """Handle request {i}."""
            value = request.args.get("key_{i}", {i})
            if value > {i}:
                return {{"status": "ok", "value": value * 2}}
            return None

        '''
    )
    parts, size, i = ["import asyncio\n"], 0, 0
    while size < 5 * 1024 * 1024:
        part = block.format(i=i)
        parts.append(part)
        size, i = size + len(part), i + 1
    # A finding without a fix on the last lines (a fix's diff would re-render all 5 MB,
    # which the fix tests cover on small files).
    parts.append(SWALLOWED_CANCEL)
    text = "".join(parts)
    (project / "huge.py").write_text(text, encoding="utf-8")
    _completed, findings = check(project, ".")
    assert codes_of(findings, "huge.py") == [(text.count("\n") - 1, "CTX402")]
    assert_other_linted(findings)


# A thread whose work reads a ContextVar (CTX201), after a 1,000-deep expression.
DEEP_CHAIN = "import threading\n" + READS_CONTEXT + "\ntotal = " + " + ".join(["1"] * 1000) + "\n" + CANARY
DEEP_ATTRIBUTE = "import threading\n" + READS_CONTEXT + "\nvalue = config" + ".child" * 1000 + "\n" + CANARY
DEEP_CALLS = "import threading\n\nvalue = " + "f(" * 1000 + ")" * 1000 + "\nthreading.Thread(target=print).start()\n"
DEEP_BLOCKS = "import threading\n" + "".join(" " * depth + "if x:\n" for depth in range(1000)) + " " * 1000 + "pass\n"


@pytest.mark.parametrize(
    "source, expected",
    [
        # valid Python nested 1,000 deep: linted as usual
        (DEEP_CHAIN, [(line_of(DEEP_CHAIN, CANARY_CALL), "CTX201")]),
        (DEEP_ATTRIBUTE, [(line_of(DEEP_ATTRIBUTE, CANARY_CALL), "CTX201")]),
        # beyond CPython's own limits (200 nested brackets, 100 indentation levels)
        (DEEP_CALLS, [(3, "CTX001")]),
        (DEEP_BLOCKS, [(102, "CTX001")]),
    ],
    ids=["operator-chain", "attribute-chain", "nested-calls", "nested-blocks"],
)
def test_thousand_deep_nesting(project: Path, source: str, expected: list):
    (project / "deep.py").write_text(source, encoding="utf-8")
    completed, findings = check(project, ".")
    if sys.version_info[:2] == (3, 12) and expected[0][1] != "CTX001":
        # Python 3.12 caps C recursion at a fixed depth that LibCST's code generation
        # reaches here: the file is skipped with a warning, never a CTX002
        assert warnings_of(completed) == ["ctxlint: warning: deep.py: not checked: code nested too deeply for LibCST on Python 3.12"]
        expected = []
    assert codes_of(findings, "deep.py") == expected
    for finding in findings:
        if finding["code"] == "CTX001":
            assert finding["message"].startswith("syntax error: too many")
    assert_other_linted(findings)


# ---------------------------------------------------------------------------- the file system


def without_permission_override() -> tuple[str, ...]:
    """A command prefix under which mode bits apply to this user (see the module doc)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: util-linux `setpriv` is needed to test unreadable files"
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    if subprocess.run([*prefix, "true"], capture_output=True, check=False).returncode != 0:
        # a container that withholds CAP_SETPCAP: root cannot be made to see mode bits
        pytest.skip("running as root where setpriv cannot drop the permission override")
    return prefix


def assert_unreadable(path: Path, prefix: tuple[str, ...]) -> None:
    probe = "import os, sys; os.listdir(sys.argv[1]) if os.path.isdir(sys.argv[1]) else open(sys.argv[1], 'rb')"
    completed = subprocess.run([*prefix, sys.executable, "-c", probe, str(path)], capture_output=True, check=False)
    assert completed.returncode != 0 and b"PermissionError" in completed.stderr, completed.stderr


def test_unreadable_file(project: Path):
    secret = project / "secret.py"
    secret.write_text("x = 1\n", encoding="utf-8")
    secret.chmod(0)
    prefix = without_permission_override()
    assert_unreadable(secret, prefix)
    for args in (["."], ["secret.py", "other.py"]):
        _completed, findings = check(project, *args, prefix=prefix)
        finding = only(findings, "secret.py")
        assert (finding["code"], finding["message"]) == ("CTX001", "cannot read file: Permission denied")
        assert_other_linted(findings)


def test_unreadable_directory(project: Path):
    locked = project / "locked"
    locked.mkdir()
    (locked / "inside.py").write_text(OTHER, encoding="utf-8")
    locked.chmod(0)
    prefix = without_permission_override()
    try:
        assert_unreadable(locked, prefix)
        completed, findings = check(project, ".", prefix=prefix)
        assert warnings_of(completed) == ["ctxlint: warning: locked: cannot read directory: Permission denied"]
        assert {f["filename"] for f in findings} == {"other.py"}
        assert_other_linted(findings)
        # A file named inside it: reported as unreadable, the other file still linted.
        completed, findings = check(project, "locked/inside.py", "other.py", prefix=prefix)
        finding = only(findings, "locked/inside.py")
        assert (finding["code"], finding["message"]) == ("CTX001", "cannot read file: Permission denied")
        assert_other_linted(findings)
    finally:
        locked.chmod(0o755)


def test_broken_symlink(project: Path):
    (project / "gone.py").symlink_to("nowhere.py")
    for args in (["."], ["gone.py", "other.py"]):
        _completed, findings = check(project, *args)
        finding = only(findings, "gone.py")
        assert (finding["code"], finding["message"]) == ("CTX001", "cannot read file: broken symlink or missing file")
        assert_other_linted(findings)


def test_symlink_loops_in_a_tree(project: Path):
    package = project / "package"
    package.mkdir()
    (package / "module.py").write_text(OTHER, encoding="utf-8")
    (package / "parent").symlink_to("..", target_is_directory=True)  # a directory loop
    (package / "self.py").symlink_to("self.py")  # a file that is a loop
    _completed, findings = check(project, ".")
    # The directory loop is not followed: each real file is linted once.
    assert codes_of(findings, "package/module.py") == [(line_of(OTHER, THREAD_CALL), "CTX201")]
    finding = only(findings, "package/self.py")
    assert (finding["code"], finding["message"]) == ("CTX001", "cannot read file: Too many levels of symbolic links")
    assert_other_linted(findings)


def test_fifo_is_skipped_not_read(project: Path):
    # Reading a FIFO blocks until someone writes to it: a hang, not a finding.
    os.mkfifo(project / "pipe.py")
    completed, findings = check(project, ".")
    assert warnings_of(completed) == ["ctxlint: warning: pipe.py: skipped, not a regular file"]
    assert_other_linted(findings)
    completed, findings = check(project, "pipe.py", "other.py")
    assert warnings_of(completed) == ["ctxlint: warning: pipe.py: skipped, not a regular file"]
    assert_other_linted(findings)


def test_path_that_does_not_exist(project: Path):
    completed, _ = check(project, "missing.py", "other.py")
    assert usage_error(completed) == "ctxlint: error: missing.py: no such file or directory"


def test_non_python_file_named_on_the_command_line(project: Path):
    (project / "notes.txt").write_text("threading.Thread(target=print)\n", encoding="utf-8")
    completed, findings = check(project, "notes.txt", "other.py")
    assert warnings_of(completed) == ["ctxlint: warning: notes.txt: skipped, not a Python file"]
    assert completed.returncode == 1
    assert_other_linted(findings)


# ---------------------------------------------------------------------------- configuration


def test_broken_toml(project: Path):
    (project / "pyproject.toml").write_text('[tool.ctxlint]\nselect = ["CTX"\n', encoding="utf-8")
    message = usage_error(check(project, ".")[0])
    assert message.startswith(f"ctxlint: error: {project / 'pyproject.toml'}: invalid TOML: ")


def test_toml_that_is_not_utf8(project: Path):
    (project / "pyproject.toml").write_bytes(b'[tool.ctxlint]\nselect = ["CTX\xff"]\n')
    message = usage_error(check(project, ".")[0])
    assert message.startswith(f"ctxlint: error: {project / 'pyproject.toml'}: invalid TOML: ")


def test_unknown_config_key(project: Path):
    (project / "pyproject.toml").write_text("[tool.ctxlint]\nselct = ['CTX2']\n", encoding="utf-8")
    message = usage_error(check(project, ".")[0])
    assert message == f"ctxlint: error: {project / 'pyproject.toml'}: unknown [tool.ctxlint] key 'selct'"


def test_unknown_rule_code_in_select(project: Path):
    message = usage_error(check(project, "--select", "CTX999", ".")[0])
    assert message == "ctxlint: error: --select: unknown rule selector 'CTX999'"


def test_stdin_filename_with_empty_input(project: Path):
    completed, findings = check(project, "--stdin-filename", "app/empty.py", stdin=b"")
    assert (completed.returncode, findings, completed.stderr) == (0, [], b"")
    fixed = run_ctxlint("check", "--preview", "--fix", "--unsafe-fixes", "--stdin-filename", "empty.py", cwd=project, stdin=b"")
    assert (fixed.returncode, fixed.stdout, fixed.stderr) == (0, b"", b"")


# ---------------------------------------------------------------------------- never runs code


def test_linted_code_is_never_executed(tmp_path: Path):
    """Files whose import, execution or configuration would have side effects: none occur."""
    marker = tmp_path / "MARKER"
    effect = f"open({str(marker)!r}, 'w').write(__name__)\n"
    package = tmp_path / "app"
    package.mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    for name in ("__init__.py", "__main__.py", "conftest.py", "setup.py", "sitecustomize.py", "views.py"):
        (package / name).write_text(effect + OTHER, encoding="utf-8")
    (package / "settings.py").write_text(
        "import opentelemetry.instrumentation.auto_instrumentation\n" + effect, encoding="utf-8"
    )
    (tmp_path / "script").write_text("#!/usr/bin/env python3\n" + effect, encoding="utf-8")

    completed, findings = check(tmp_path, ".", "script")
    assert completed.returncode == 1
    assert codes_of(findings, "app/views.py") == [(line_of(effect + OTHER, THREAD_CALL), "CTX201")]
    completed = subprocess.run(
        [script("flake8"), "--select", "CTX", "--ctxlint-preview", "app"], cwd=tmp_path, capture_output=True, timeout=600, check=False
    )
    assert b"CTX201" in completed.stdout, completed.stderr
    fixed = run_ctxlint("check", "--preview", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert not marker.exists()


# ---------------------------------------------------------------------------- supported Pythons


# Three threads whose work reads a ContextVar (CTX201), among syntax up to Python 3.12.
NEWER_SYNTAX = '''\
import threading
from contextvars import ContextVar

request_id = ContextVar("request_id", default="-")


def audit(*event):
    print(request_id.get(), *event)


def dispatch(command):
    match command:  # 3.10
        case {"action": "start", **rest}:
            threading.Thread(target=audit, args=(rest,)).start()
        case [first, *others] if first:
            pass
        case _:
            pass


def gather(work):
    try:
        work()
    except* ValueError as group:  # 3.11
        threading.Thread(target=audit, args=(group,)).start()


class Box[T]:  # 3.12
    def get[U: int](self, x: U) -> T: ...


type Pairs[K] = dict[K, list[K]]  # 3.12


def label(items):
    name = request_id.get()
    return f"{"-".join(f'{i!r:>{len(name)}}' for i in items)} {name=}"  # 3.12 (PEP 701)


def show(items):
    threading.Thread(target=label, args=(items,)).start()
'''


def test_newer_syntax_than_the_running_interpreter_is_linted(project: Path):
    (project / "modern.py").write_text(NEWER_SYNTAX, encoding="utf-8")
    _completed, findings = check(project, "modern.py", "other.py")
    lines = [number for number, line in enumerate(NEWER_SYNTAX.splitlines(), 1) if "threading.Thread(" in line]
    assert codes_of(findings, "modern.py") == [(line, "CTX201") for line in lines]
    assert_other_linted(findings)
    fixed = run_ctxlint("check", "--preview", "--no-cache", "--fix", "--unsafe-fixes", "modern.py", cwd=project)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (project / "modern.py").read_text(encoding="utf-8")
    assert text.count("contextvars.copy_context().run") == 3
    assert "type Pairs[K] = dict[K, list[K]]" in text and "except* ValueError" in text


def test_package_metadata_states_the_supported_pythons():
    from importlib.metadata import metadata

    info = metadata("ctxlint")
    assert info["Requires-Python"] == ">=3.9"
    versions = {c.rsplit(" :: ", 1)[1] for c in info.get_all("Classifier") if c.startswith("Programming Language :: Python :: 3.")}
    assert versions == {"3.9", "3.10", "3.11", "3.12", "3.13"}


@pytest.mark.parametrize("enabled", [True, False])
def test_linting_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    """The engine pauses cyclic collection while LibCST builds a tree (the flake8 plugin
    runs inside flake8's process): on return, and on an error, the host's setting stands."""
    import gc

    from ctxlint.analysis.project import ProjectFacts
    from ctxlint.engine import lint_text
    from ctxlint.settings import Settings

    source = "import asyncio\n\nasync def handler():\n    asyncio.create_task(work())\n"
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        for text in (source, source + "def broken(:\n"):
            result = lint_text(text, "example.py", Settings(), ProjectFacts())
            assert gc.isenabled() is enabled
        assert [finding.code for finding in lint_text(source, "example.py", Settings(), ProjectFacts()).findings] == ["CTX401"]
        assert result.findings[0].code == "CTX001"
    finally:
        gc.enable() if was else gc.disable()
