"""`--fix` never loses data: what it writes parses, is written atomically, keeps the
file's encoding, BOM, newlines, final newline, mode and owner, and is not written over a
file that changed meanwhile or is read-only. `--diff` shows exactly what `--fix` does.

The fix goldens (test_fixes_golden.py) pin the bytes of each fix; these tests pin the
guarantees around writing them.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tokenize
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from conftest import TESTDATA, run_ctxlint, script

FIX = ("check", "--preview", "--no-cache", "--fix", "--unsafe-fixes")
THREAD = "threading.Thread(target=job, args=(value,)).start()"
FIXED_THREAD = "threading.Thread(target=contextvars.copy_context().run, args=(job, value)).start()"


def source(newline: str = "\n", final_newline: bool = True) -> str:
    lines = ['"""Caf\u00e9."""', "", "import threading", "", "", "def start(job, value):", f"    {THREAD}"]
    return newline.join(lines) + (newline if final_newline else "")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    return tmp_path


def fix(project: Path, *paths: str, env: dict | None = None) -> subprocess.CompletedProcess:
    completed = run_ctxlint(*FIX, *paths, cwd=project, env=env)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    assert b"Traceback" not in completed.stderr and b"internal error" not in completed.stderr
    return completed


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".ctxlint"))


# ---------------------------------------------------------------------------- format kept


@pytest.mark.parametrize("final_newline", [True, False], ids=["final-newline", "no-final-newline"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-bom", "latin-1", "cp1252"])
def test_encoding_bom_newlines_and_final_newline_are_kept(project, encoding, newline, final_newline):
    text = source(newline, final_newline)
    if encoding in ("latin-1", "cp1252"):
        text = f"# -*- coding: {encoding} -*-{newline}" + text
    codec = "utf-8-sig" if encoding == "utf-8-bom" else encoding
    path = project / "module.py"
    path.write_bytes(text.encode(codec))
    completed = fix(project, "module.py")
    if newline == "\r" and final_newline:
        # LibCST drops the last line break of a file with lone "\r" line endings: the fix
        # is refused rather than written without it.
        assert completed.stderr.decode() == (
            "ctxlint: warning: module.py: the fix would change the file's final newline; fix not written\n"
        )
        assert path.read_bytes() == text.encode(codec)
        return
    expected = text.replace(THREAD, FIXED_THREAD).replace(
        f"{newline}import threading", f"{newline}import contextvars{newline}import threading"
    )
    assert path.read_bytes() == expected.encode(codec)


def test_mode_and_owner_are_kept(project):
    path = project / "tool.py"
    path.write_text(source(), encoding="utf-8")
    path.chmod(0o751)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    before = path.stat()
    fix(project, "tool.py")
    after = path.stat()
    assert FIXED_THREAD in path.read_text(encoding="utf-8")
    assert after.st_mode == before.st_mode
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_symlink_is_kept_and_its_target_fixed(project):
    (project / "real.py").write_text(source(), encoding="utf-8")
    (project / "link.py").symlink_to("real.py")
    fix(project, "link.py")
    assert (project / "link.py").is_symlink()
    assert FIXED_THREAD in (project / "real.py").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- atomic, and parses


def test_write_is_a_rename_and_leaves_no_temporary_file(project):
    path = project / "module.py"
    path.write_text(source(), encoding="utf-8")
    inode = path.stat().st_ino
    fix(project, "module.py")
    assert FIXED_THREAD in path.read_text(encoding="utf-8")
    assert path.stat().st_ino != inode  # a new file renamed over the old one, never a partial write
    assert leftovers(project) == []


def test_unwritable_directory_leaves_the_file_intact(project):
    from test_robustness import without_permission_override

    folder = project / "locked"
    folder.mkdir()
    path = folder / "module.py"
    path.write_text(source(), encoding="utf-8")
    folder.chmod(0o555)  # files can be read and written, but none created: no temporary file
    try:
        prefix = without_permission_override()
        completed = subprocess.run([*prefix, script("ctxlint"), *FIX, "locked/module.py"], cwd=project, capture_output=True, check=False)
        assert completed.returncode == 1
        assert completed.stderr.decode() == "ctxlint: warning: locked/module.py: cannot write fix: Permission denied\n"
        assert path.read_text(encoding="utf-8") == source()
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o755)


def test_a_fix_whose_result_does_not_parse_is_refused():
    from ctxlint.fixes import apply_fixes
    from ctxlint.rules.base import Replacement

    module = cst.parse_module("value = compute(1)\n")
    call = module.body[0].body[0].value
    broken = Replacement(call, cst.Name("lambda"), "safe", "a broken fix")
    assert apply_fixes(module, [broken]) == (None, "the fixed code would not parse (ParserSyntaxError)")


def test_unparsable_bytes_are_never_written(tmp_path):
    from ctxlint.cache import content_digest
    from ctxlint.fixes import write_atomically

    path = tmp_path / "module.py"
    original = source().encode("utf-8")
    path.write_bytes(original)
    problem = write_atomically(path, b"def broken(:\n", content_digest(original))
    assert problem == f"{path}: the fixed code would not parse; fix not written"
    assert path.read_bytes() == original
    assert leftovers(tmp_path) == []


def test_fix_never_deletes_a_comment(project):
    path = project / "module.py"
    path.write_text(
        "import threading\n\n\ndef handle(request):\n"
        "    threading.Thread(\n"
        "        target=audit,\n"
        "        args=(\n"
        "            request.id,  # the request id\n"
        "            request.user,  # who asked\n"
        "        ),\n"
        "    ).start()\n",
        encoding="utf-8",
    )

    def comments(data: bytes) -> Counter:
        tokens = tokenize.tokenize(io.BytesIO(data).readline)
        return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)

    before = comments(path.read_bytes())
    fix(project, "module.py")
    assert comments(path.read_bytes()) == before


# ---------------------------------------------------------------------------- races, read-only


# Installed with PYTHONPATH: another program edits the file after ctxlint read it and
# just before the fix is written (a deterministic stand-in for an editor saving).
CONCURRENT_EDIT = '''
import ctxlint.fixes

_write_atomically = ctxlint.fixes.write_atomically


def _edited_meanwhile(path, data, expected_hash):
    path.write_bytes(path.read_bytes() + b"# saved by an editor meanwhile\\n")
    return _write_atomically(path, data, expected_hash)


ctxlint.fixes.write_atomically = _edited_meanwhile
'''


def test_file_changed_after_it_was_read_is_not_overwritten(project, tmp_path_factory):
    hook = tmp_path_factory.mktemp("hook")
    (hook / "sitecustomize.py").write_text(CONCURRENT_EDIT, encoding="utf-8")
    path = project / "module.py"
    path.write_text(source(), encoding="utf-8")
    python_path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    completed = fix(project, "module.py", env={"PYTHONPATH": python_path})
    assert completed.returncode == 1
    assert completed.stderr.decode() == (
        "ctxlint: warning: module.py: changed while ctxlint was running; fix not written\n"
    )
    assert path.read_text(encoding="utf-8") == source() + "# saved by an editor meanwhile\n"
    assert leftovers(project) == []


def test_read_only_file_is_reported_not_written(project):
    path = project / "module.py"
    path.write_text(source(), encoding="utf-8")
    path.chmod(0o444)
    completed = fix(project, "module.py")
    assert completed.returncode == 1
    assert completed.stderr.decode() == "ctxlint: warning: module.py: file is read-only; fix not written\n"
    assert path.read_text(encoding="utf-8") == source()


def test_file_writable_only_by_its_owner_is_reported_for_others(project):
    from test_robustness import without_permission_override

    path = project / "module.py"
    path.write_text(source(), encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)  # 0o644, owned by someone else
    else:
        path.chmod(0o444)
    prefix = without_permission_override()
    completed = subprocess.run([*prefix, script("ctxlint"), *FIX, "module.py"], cwd=project, capture_output=True, check=False)
    assert completed.returncode == 1
    assert completed.stderr.decode() == "ctxlint: warning: module.py: file is read-only; fix not written\n"
    assert path.read_text(encoding="utf-8") == source()


# ---------------------------------------------------------------------------- --diff == --fix


LINE = re.compile(r"[^\n]*\n|[^\n]+")


def apply_diff(diff: str, originals: dict[str, str]) -> dict[str, str]:
    """Apply a unified diff to decoded texts keyed by `a/` path; returns the new texts."""
    lines = LINE.findall(diff)  # only "\n" ends a line: a "\r" is content, as for GNU patch
    result: dict[str, str] = {}
    index = 0
    while index < len(lines):
        assert lines[index].startswith("--- a/") and lines[index + 1].startswith("+++ b/"), lines[index : index + 2]
        name = lines[index][len("--- a/") :].rstrip("\n")
        old = LINE.findall(originals[name])
        new: list[str] = []
        at = 0
        index += 2
        while index < len(lines) and lines[index].startswith("@@ "):
            header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@", lines[index])
            start = int(header.group(1))
            removed, added = int(header.group(2) or 1), int(header.group(3) or 1)
            new.extend(old[at : max(start - 1, 0)])
            at = max(start - 1, 0)
            index += 1
            while removed or added:
                kind, body = lines[index][:1], lines[index][1:]
                if index + 1 < len(lines) and lines[index + 1].startswith("\\ No newline"):
                    body = body[:-1]
                    index += 1
                if kind in (" ", "-"):
                    assert old[at] == body, (name, old[at], body)
                    at += 1
                    removed -= 1
                if kind in (" ", "+"):
                    new.append(body)
                    added -= 1
                index += 1
        new.extend(old[at:])
        result[name] = "".join(new)
    return result


def decoded(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


@pytest.mark.parametrize("unsafe", [True, False], ids=["unsafe-fixes", "safe-fixes"])
def test_fix_and_diff_agree_on_a_tree(tmp_path, unsafe):
    tree = {}
    for path in sorted((TESTDATA / "fixes").glob("*.py")):
        tree[f"pkg/{path.name}"] = path.read_bytes()
    tree["pkg/clean.py"] = b"x = 1\n"
    copies = {}
    for name in ("diffed", "fixed"):
        root = tmp_path / name
        for relative, data in tree.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        (root / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
        copies[name] = root
    extra = ["--unsafe-fixes"] if unsafe else []

    diffed = run_ctxlint("check", "--preview", "--no-cache", "--diff", *extra, "pkg", cwd=copies["diffed"])
    assert diffed.returncode in (0, 1) and b"Traceback" not in diffed.stderr, diffed.stderr
    assert {p: (copies["diffed"] / p).read_bytes() for p in tree} == tree  # --diff changes nothing

    fixed = run_ctxlint("check", "--preview", "--no-cache", "--fix", *extra, "pkg", cwd=copies["fixed"])
    assert fixed.returncode in (0, 1) and b"Traceback" not in fixed.stderr, fixed.stderr
    after = {p: (copies["fixed"] / p).read_bytes() for p in tree}

    patched = apply_diff(diffed.stdout.decode("utf-8"), {p: decoded(data) for p, data in tree.items()})
    changed = {p for p in tree if after[p] != tree[p]}
    assert set(patched) == changed
    for relative in changed:
        assert patched[relative] == decoded(after[relative]), relative
    if unsafe:
        assert len(changed) == len(tree) - 1  # every golden source has a fix; clean.py none
