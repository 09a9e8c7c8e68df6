"""Every fixture reports exactly the findings marked `# error: CTXnnn` — no more, no less."""

from __future__ import annotations

import pytest
from fixtures import expected_findings, fixture_files, lint_all, project_dirs


@pytest.fixture(scope="module")
def linted(tmp_path_factory):
    return lint_all(tmp_path_factory.mktemp("fixtures"))


def _ids():
    from conftest import TESTDATA

    files = [p.relative_to(TESTDATA).as_posix() for p in fixture_files()]
    projects = [p.relative_to(TESTDATA).as_posix() for d in project_dirs() for p in sorted(d.rglob("*.py"))]
    return files + projects


@pytest.mark.parametrize("name", _ids())
def test_fixture(linted, name):
    from conftest import TESTDATA

    fixtures, actual = linted
    fixture = next(f for f in fixtures if f.source == TESTDATA / name)
    expected = expected_findings(fixture.source)
    got = actual.get(fixture.copy.resolve(), set())
    missing = sorted(expected - got)
    unexpected = sorted(got - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
