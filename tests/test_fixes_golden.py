"""Fix goldens: `testdata/fixes/NAME.py` fixed with `--fix --unsafe-fixes` is `NAME.py.fixed`
(preview on, so that every fixable rule runs whatever its status).

Byte for byte (encoding, BOM, line endings and the final newline are part of the golden),
the result parses, and a second `--fix` changes nothing.
"""

from __future__ import annotations

import io
import shutil
import tokenize

import libcst as cst
import pytest
from conftest import TESTDATA, run_ctxlint

FIXES = TESTDATA / "fixes"
SOURCES = sorted(FIXES.glob("*.py"))


def test_every_source_has_a_golden_and_every_golden_a_source():
    sources = {path.name for path in SOURCES}
    goldens = {path.name[: -len(".fixed")] for path in FIXES.glob("*.py.fixed")}
    assert sources == goldens


def _fix(folder, name: str) -> bytes:
    completed = run_ctxlint("check", "--preview", "--fix", "--unsafe-fixes", "--no-cache", name, cwd=folder)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    assert b"Traceback" not in completed.stderr
    assert b"fix not applied" not in completed.stderr, completed.stderr.decode()
    return (folder / name).read_bytes()


@pytest.mark.parametrize("source", SOURCES, ids=[path.name for path in SOURCES])
def test_fix_golden(tmp_path, source):
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    shutil.copyfile(source, tmp_path / source.name)
    expected = source.with_name(source.name + ".fixed").read_bytes()
    assert expected != source.read_bytes(), "a golden must show a change"

    fixed = _fix(tmp_path, source.name)
    assert fixed == expected

    # It parses: as Python source bytes (BOM and cookie honoured) and with LibCST.
    compile(fixed, source.name, "exec", dont_inherit=True)
    encoding, _ = tokenize.detect_encoding(io.BytesIO(fixed).readline)
    cst.parse_module(fixed.decode(encoding))

    # Idempotent: nothing left to change.
    assert _fix(tmp_path, source.name) == expected
