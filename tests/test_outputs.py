"""CI output formats (SPEC §2.1): SARIF, GitHub workflow commands, JUnit XML, --statistics.

Every format is produced by the installed console script. SARIF is validated against the
SARIF 2.1.0 schema (tests/data/, see its README), GitHub output is read back the way the
Actions runner parses workflow commands, JUnit with the standard library's XML parser.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote_to_bytes

import jsonschema
import pytest
from conftest import READS_CONTEXT, REPO, TESTDATA, THREAD, line_of, run_ctxlint, run_json
from fixtures import materialise

SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
HOSTILE_NAME = "evil\n::error file=pwned.py,line=1::injected %0A\r,50%::.py"
# Two CTX201 findings (the targets read a ContextVar); the second message quotes the
# target's source: a would-be command and escapes.
HOSTILE_SOURCE = (
    "import threading\n"
    + READS_CONTEXT
    + """

def handle(entry):
    threading.Thread(target=audit, args=(entry,)).start()
    threading.Thread(
        target=lambda: audit("%0A::warning file=x.py::x, 100%", entry),
    ).start()
"""
)
UNICODE_SOURCE = """import threading
from contextvars import ContextVar

запрос = ContextVar("запрос", default="-")


def 处理(задача):
    print(запрос.get(), задача)


def handle(задача):
    threading.Thread(target=处理, args=(задача,)).start()
"""


# ---------------------------------------------------------------- helpers


# SARIF 2.1.0 constraints the shipped schema copy lacks (tests/data/README.md).
RESTORED_ANY_OF = {
    "message": [{"required": ["text"]}, {"required": ["id"]}],
    "physicalLocation": [{"required": ["address"]}, {"required": ["artifactLocation"]}],
    "reportingDescriptorReference": [{"required": ["index"]}, {"required": ["guid"]}, {"required": ["id"]}],
    "externalPropertyFileReference": [{"required": ["guid"]}, {"required": ["location"]}],
}


def sarif_schema() -> dict:
    """The shipped schema, validated from its `Root` definition with the lost constraints back."""
    shipped = json.loads(SCHEMA.read_text(encoding="utf-8"))
    definitions = dict(shipped["definitions"])
    for name, any_of in RESTORED_ANY_OF.items():
        definitions[name] = {**definitions[name], "anyOf": any_of}
    return {"$schema": shipped["$schema"], "definitions": definitions, "$ref": "#/definitions/Root"}


def sarif_validator() -> jsonschema.protocols.Validator:
    schema = sarif_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def ctxlint_output(fmt: str, *args: str, cwd: Path) -> bytes:
    completed = run_ctxlint("check", "--no-cache", "--output-format", fmt, *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    assert completed.stderr == b"", completed.stderr.decode()
    return completed.stdout


def uri_path(location: dict) -> str:
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    return os.fsdecode(unquote_to_bytes(artifact["uri"]))


def region(location: dict) -> tuple[int, int, int, int]:
    r = location["physicalLocation"]["region"]
    return (r["startLine"], r["startColumn"], r["endLine"], r["endColumn"])


def json_key(finding: dict) -> tuple:
    return (
        finding["filename"],
        (finding["line"], finding["column"], finding["end_line"], finding["end_column"]),
        finding["code"],
        finding["message"],
    )


def sarif_key(result: dict) -> tuple:
    location = result["locations"][0]
    return (uri_path(location), region(location), result["ruleId"], result["message"]["text"])


def apply_replacements(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (columns in code points, as the run's columnKind says)."""
    lines = io.StringIO(text, newline="").readlines()
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        if line > len(lines):
            assert column == 1
            return len(text)
        return starts[line - 1] + column - 1

    for replacement in sorted(replacements, key=lambda r: region_start(r), reverse=True):
        deleted = replacement["deletedRegion"]
        begin = offset(deleted["startLine"], deleted["startColumn"])
        end = offset(deleted["endLine"], deleted["endColumn"])
        assert begin <= end
        text = text[:begin] + replacement.get("insertedContent", {}).get("text", "") + text[end:]
    return text


def region_start(replacement: dict) -> tuple[int, int]:
    return (replacement["deletedRegion"]["startLine"], replacement["deletedRegion"]["startColumn"])


def unescape_property(text: str) -> str:
    # actions/runner ActionCommand._escapePropertyMappings, applied in the runner's order.
    for token, escaped in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        text = text.replace(escaped, token)
    return text


def unescape_data(text: str) -> str:
    for token, escaped in (("\r", "%0D"), ("\n", "%0A"), ("%", "%25")):
        text = text.replace(escaped, token)
    return text


def parse_workflow_command(line: str):
    """actions/runner `ActionCommand.TryParseV2`: (command, properties, data) or None."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    name, _, listed = message[2:end].partition(" ")
    properties = {}
    for item in listed.strip().split(","):
        key, _, value = item.partition("=")
        if key and value:
            properties[key] = unescape_property(value)
    return name, properties, unescape_data(message[end + 2 :])


def runner_lines(output: bytes) -> list[str]:
    """The lines the runner sees: it splits the step's output at \\r\\n, \\r and \\n."""
    text = output.decode("utf-8")
    assert text == "" or text.endswith("\n")
    return re.split(r"\r\n|\r|\n", text)[:-1] if text else []


def expected_level(code: str) -> str:
    from ctxlint.rules import registry

    return "warning" if code == "CTX002" or registry()[code].preview else "error"


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    # The CTX2 family is selected explicitly.
    (root / "pyproject.toml").write_text("[tool.ctxlint]\nextend-select = [\"CTX2\"]\n", encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


# ---------------------------------------------------------------- the schema itself


def test_schema_is_the_sarif_2_1_0_schema_and_rejects_invalid_sarif() -> None:
    shipped = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert shipped["$id"].endswith("/sarif-schema-2.1.0.json")
    assert shipped["definitions"]["Root"]["properties"]["version"]["enum"] == ["2.1.0"]
    validator = sarif_validator()
    assert "uri-reference" in validator.format_checker.checkers  # else URIs would go unchecked
    minimal = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    assert validator.is_valid(minimal)
    result = {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"}}}]}
    assert validator.is_valid({**minimal, "runs": [{**minimal["runs"][0], "results": [result]}]})
    invalid = [
        {},
        [],
        {"version": "2.1.0"},
        {"version": "2.0.0", "runs": []},
        {**minimal, "runs": [{"tool": {"driver": {}}}]},
        {**minimal, "runs": [{**minimal["runs"][0], "results": [{"message": {}}]}]},
        {**minimal, "runs": [{**minimal["runs"][0], "results": [{**result, "level": "fatal"}]}]},
        {
            **minimal,
            "runs": [
                {
                    **minimal["runs"][0],
                    "results": [
                        {**result, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b/é.py"}}}]}
                    ],
                }
            ],
        },
    ]
    for document in invalid:
        assert not validator.is_valid(document), document


# ---------------------------------------------------------------- all of testdata/


@pytest.fixture(scope="module")
def testdata_run(tmp_path_factory):
    """Every fixture materialised as its own project, linted once per format."""
    tmp = tmp_path_factory.mktemp("outputs")
    materialise(tmp)
    return tmp, {fmt: ctxlint_output(fmt, str(tmp), cwd=tmp) for fmt in ("json", "sarif", "github", "junit")}


def test_sarif_over_all_testdata_validates_and_matches_the_findings(testdata_run) -> None:
    from ctxlint import __version__
    from ctxlint.rules import registry

    tmp, outputs = testdata_run
    found = json.loads(outputs["json"])
    assert found, "testdata produced no findings"
    document = json.loads(outputs["sarif"])
    errors = sorted(sarif_validator().iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])
    assert outputs["sarif"].isascii()

    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("ctxlint", __version__)
    assert driver["informationUri"].startswith("https://")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp.resolve().as_uri() + "/"

    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == sorted({f["code"] for f in found})
    for rule in rules:
        cls = registry()[rule["id"]]
        assert rule["name"] == cls.name
        assert rule["shortDescription"]["text"] == cls.summary()
        assert rule["fullDescription"]["text"]
        assert rule["help"]["markdown"] == cls.documentation() == rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] == expected_level(rule["id"])

    results = run["results"]
    assert [sarif_key(r) for r in results] == [json_key(f) for f in found]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == expected_level(result["ruleId"])
    levels = Counter(r["level"] for r in results)
    assert levels["error"] and levels["warning"]  # testdata has default and preview findings

    with_fixes = 0
    for result, finding in zip(results, found):
        if "fixes" not in result:
            continue
        assert finding["fix"] is not None
        with_fixes += 1
        (fix,) = result["fixes"]
        assert fix["description"]["text"] == finding["fix"]["message"]
        assert fix["properties"]["applicability"] == finding["fix"]["applicability"]
        (change,) = fix["artifactChanges"]
        assert os.fsdecode(unquote_to_bytes(change["artifactLocation"]["uri"])) == finding["filename"]
        original = (tmp / finding["filename"]).read_text(encoding="utf-8")
        fixed = apply_replacements(original, change["replacements"])
        assert fixed != original
        compile(fixed, finding["filename"], "exec")
    assert with_fixes, "no SARIF result carried a fix"


def test_github_over_all_testdata_is_one_command_per_finding(testdata_run) -> None:
    _tmp, outputs = testdata_run
    found = json.loads(outputs["json"])
    commands = [parse_workflow_command(line) for line in runner_lines(outputs["github"])]
    assert len(commands) == len(found)
    for command, finding in zip(commands, found):
        assert command is not None
        name, properties, data = command
        assert name == expected_level(finding["code"])
        assert properties["file"] == finding["filename"]
        assert properties["title"] == finding["code"]
        assert data == finding["message"]
        assert (int(properties["line"]), int(properties["endLine"])) == (finding["line"], finding["end_line"])
        if finding["line"] == finding["end_line"]:
            assert (int(properties["col"]), int(properties["endColumn"])) == (finding["column"], finding["end_column"])
        else:  # the runner rejects columns on a multi-line annotation
            assert "col" not in properties and "endColumn" not in properties


def test_junit_over_all_testdata_has_one_testcase_per_file_and_one_failure_per_finding(testdata_run) -> None:
    tmp, outputs = testdata_run
    found = json.loads(outputs["json"])
    root = ET.fromstring(outputs["junit"])
    assert root.tag == "testsuites"
    (suite,) = list(root)
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    assert len(cases) == len(list(suite))

    linted = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*.py"))
    assert [case.get("name") for case in cases] == linted
    assert [case.get("file") for case in cases] == linted
    per_file: dict[str, list[dict]] = {}
    for finding in found:
        per_file.setdefault(finding["filename"], []).append(finding)
    for case in cases:
        failures = case.findall("failure")
        expected = per_file.get(case.get("name"), [])
        assert [(f.get("type"), f.get("message")) for f in failures] == [
            (e["code"], f"{e['code']} {e['message']}") for e in expected
        ]
        for failure, finding in zip(failures, expected):
            position = f"{finding['filename']}:{finding['line']}:{finding['column']}: {finding['code']} "
            assert failure.text.startswith(position)
        if expected:
            assert case.find("system-out").text.count("\n") == len(expected)
    failed = sum(1 for case in cases if case.find("failure") is not None)
    for element in (root, suite):
        assert (int(element.get("tests")), int(element.get("failures"))) == (len(cases), failed)
    assert failed and failed < len(cases)  # testdata has clean files too


# ---------------------------------------------------------------- hostile and non-ASCII names


def test_github_hostile_file_name_cannot_inject_a_workflow_command(tmp_path: Path) -> None:
    root = project(tmp_path / "repo", {HOSTILE_NAME: HOSTILE_SOURCE})
    found = run_json(HOSTILE_NAME, cwd=root)
    assert [f["filename"] for f in found] == [HOSTILE_NAME, HOSTILE_NAME]
    assert "%0A::warning file=x.py::x, 100%" in found[1]["message"]  # the message is hostile too

    output = ctxlint_output("github", HOSTILE_NAME, cwd=root)
    lines = runner_lines(output)
    assert len(lines) == len(found) == 2, lines
    for line, finding in zip(lines, found):
        command = parse_workflow_command(line)
        assert command is not None
        name, properties, data = command
        assert name == expected_level("CTX201")
        assert properties["file"] == HOSTILE_NAME
        assert properties["title"] == "CTX201"
        assert (int(properties["line"]), int(properties["endLine"])) == (finding["line"], finding["end_line"])
        assert data == finding["message"]
        # The command and its properties end at the first "::": no ":" may occur before it.
        assert line.startswith(f"::{name} ") and ":" not in line[2 : line.index("::", 2)]
    single, multi = (parse_workflow_command(line)[1] for line in lines)
    assert set(single) == {"file", "line", "col", "endLine", "endColumn", "title"}
    assert set(multi) == {"file", "line", "endLine", "title"}


def test_github_escapes_line_breaks_in_messages() -> None:
    from ctxlint.findings import Finding, Location
    from ctxlint.reporters.github import render
    from ctxlint.reporters.summary import RunSummary

    message = "first\r\n::error file=x.py::second\rthird\n%0A, done: 100%"
    finding = Finding("CTX101", "root-context-in-entry-point", message, "a,b:c%.py", Location(1, 1, 1, 2))
    output = render([finding], RunSummary(files_checked=1)).encode("utf-8")
    (line,) = runner_lines(output)
    assert parse_workflow_command(line) == (
        "error",
        {"file": "a,b:c%.py", "line": "1", "col": "1", "endLine": "1", "endColumn": "2", "title": "CTX101"},
        message,
    )


def test_junit_and_sarif_keep_hostile_file_names(tmp_path: Path) -> None:
    root = project(tmp_path / "repo", {HOSTILE_NAME: HOSTILE_SOURCE})
    case = ET.fromstring(ctxlint_output("junit", HOSTILE_NAME, cwd=root)).find("testsuite/testcase")
    assert case.get("name") == HOSTILE_NAME
    assert case.find("failure").get("message").startswith("CTX201 ")
    document = json.loads(ctxlint_output("sarif", HOSTILE_NAME, cwd=root))
    assert sarif_validator().is_valid(document)
    assert uri_path(document["runs"][0]["results"][0]["locations"][0]) == HOSTILE_NAME


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "json", "text"])
def test_every_format_is_well_formed_with_non_ascii_paths_and_messages(tmp_path: Path, fmt: str) -> None:
    name = "сервис/größe_模块.py"
    root = project(tmp_path / "répertoire", {name: UNICODE_SOURCE})
    found = run_json(cwd=root)
    assert [(f["filename"], f["code"]) for f in found] == [(name, "CTX201")]
    assert "处理" in found[0]["message"] and "запрос" in found[0]["message"]
    output = ctxlint_output(fmt, cwd=root)
    if fmt == "sarif":
        document = json.loads(output)
        assert sarif_validator().is_valid(document)
        assert [sarif_key(r) for r in document["runs"][0]["results"]] == [json_key(f) for f in found]
    elif fmt == "github":
        (command,) = [parse_workflow_command(line) for line in runner_lines(output)]
        assert command[1]["file"] == name and command[2] == found[0]["message"]
    elif fmt == "junit":
        failure = ET.fromstring(output).find("testsuite/testcase/failure")
        assert failure.get("message") == f"CTX201 {found[0]['message']}"
        assert failure.text.startswith(f"{name}:")
    elif fmt == "json":
        assert json.loads(output) == found
    else:
        assert output.decode("utf-8").startswith(f"{name}:{found[0]['line']}:")


def test_sarif_and_junit_stay_well_formed_with_undecodable_and_control_characters(tmp_path: Path) -> None:
    root = project(tmp_path / "repo", {})
    source = UNICODE_SOURCE.encode("utf-8")
    names = [b"bad\xff.py", b"bell\x07\x1b[31m.py"]
    for name in names:
        with open(os.path.join(os.fsencode(root), name), "wb") as stream:
            stream.write(source)
    document = json.loads(ctxlint_output("sarif", cwd=root))
    assert sarif_validator().is_valid(document)
    results = document["runs"][0]["results"]
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    assert uris == ["bad%FF.py", "bell%07%1B%5B31m.py"]
    suite = ET.fromstring(ctxlint_output("junit", cwd=root)).find("testsuite")
    assert sorted(case.get("name") for case in suite) == ["bad\\xff.py", "bell\\x07\\x1b[31m.py"]


# ---------------------------------------------------------------- SARIF details


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(THREAD, id="thread"),
        pytest.param(
            "import contextvars\n"
            + (
                "from concurrent.futures import ThreadPoolExecutor\n"
                + READS_CONTEXT
                + "\npool = ThreadPoolExecutor()\n\n\ndef f(job):\n    return pool.submit(audit, job)\n"
            ).replace("\n", "\r\n"),
            id="executor-crlf",
        ),
        pytest.param(
            "import asyncio\n" + READS_CONTEXT + "\n\nasync def f(job):\n    loop = asyncio.get_running_loop()\n"
            "    return await loop.run_in_executor(None, audit, job)\n",
            id="run-in-executor",
        ),
        pytest.param(
            "import threading\n" + READS_CONTEXT + "\n\ndef f():\n    threading.Thread(target=audit).start()",
            id="last-line-without-newline",
        ),
    ],
)
def test_sarif_fix_is_the_edit_that_fix_applies(tmp_path: Path, source: str) -> None:
    root = project(tmp_path / "repo", {"jobs.py": source})
    found = run_json("jobs.py", cwd=root)
    assert len(found) == 1 and found[0]["fix"] is not None
    (result,) = json.loads(ctxlint_output("sarif", "jobs.py", cwd=root))["runs"][0]["results"]
    fixed = run_ctxlint("check", "--no-cache", "--fix", "--unsafe-fixes", "jobs.py", cwd=root)
    assert fixed.returncode == 0, fixed.stdout.decode()
    after_fix = (root / "jobs.py").read_bytes().decode("utf-8")
    if "fixes" not in result:
        # Allowed only where the fix's diff cannot say where the change goes.
        assert not source.endswith("\n")
        return
    (change,) = result["fixes"][0]["artifactChanges"]
    assert apply_replacements(source, change["replacements"]) == after_fix


def test_sarif_related_locations_and_marked_missing_newline() -> None:
    from ctxlint.findings import Finding, Fix, Location, RelatedLocation
    from ctxlint.reporters.sarif import render
    from ctxlint.reporters.summary import RunSummary

    original = "a = 1\nspan = start()\nend = 2"
    diff = (
        "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a = 1\n-span = start()\n+with start() as span:\n"
        "-end = 2\n\\ No newline at end of file\n+    end = 2\n\\ No newline at end of file\n"
    )
    finding = Finding(
        "CTX201",
        "thread-without-context",
        "message",
        "pkg/x.py",
        Location(2, 8, 2, 15),
        related=(RelatedLocation(Location(3, 1, 3, 4), "ended here"),),
        fix=Fix("unsafe", "title", diff),
    )
    document = json.loads(render([finding], RunSummary(files_checked=1, files=("pkg/x.py",))))
    assert sarif_validator().is_valid(document)
    (result,) = document["runs"][0]["results"]
    (related,) = result["relatedLocations"]
    assert (uri_path(related), region(related), related["message"]["text"]) == ("pkg/x.py", (3, 1, 3, 4), "ended here")
    replacements = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert apply_replacements(original, replacements) == "a = 1\nwith start() as span:\n    end = 2"


def test_sarif_omits_noqa_suppressed_findings(tmp_path: Path) -> None:
    source = (
        "import threading\n" + READS_CONTEXT + "\n\ndef f():\n    threading.Thread(target=audit).start()\n"
        "    threading.Thread(target=audit).start()  # noqa: CTX201\n"
    )
    root = project(tmp_path / "repo", {"jobs.py": source})
    assert len(run_json(cwd=root)) == 1
    document = json.loads(ctxlint_output("sarif", cwd=root))
    reported = line_of(source, "threading.Thread(target=audit).start()")
    assert [region(r["locations"][0])[0] for r in document["runs"][0]["results"]] == [reported]


def test_clean_run_outputs(tmp_path: Path) -> None:
    root = project(tmp_path / "repo", {"ok.py": "print('hello')\n"})
    document = json.loads(ctxlint_output("sarif", cwd=root))
    assert sarif_validator().is_valid(document)
    assert document["runs"][0]["results"] == [] and document["runs"][0]["tool"]["driver"]["rules"] == []
    assert ctxlint_output("github", cwd=root) == b""
    suite = ET.fromstring(ctxlint_output("junit", cwd=root)).find("testsuite")
    assert [(c.get("name"), list(c)) for c in suite] == [("ok.py", [])]
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")


def test_junit_lists_standard_input_as_its_file(tmp_path: Path) -> None:
    root = project(tmp_path / "repo", {})
    args = ("--no-cache", "--output-format", "junit", "--stdin-filename", "app/jobs.py")
    completed = run_ctxlint("check", *args, cwd=root, stdin=THREAD.encode())
    assert completed.returncode == 1, completed.stderr.decode()
    (case,) = ET.fromstring(completed.stdout).find("testsuite")
    assert case.get("name") == "app/jobs.py" and len(case.findall("failure")) == 1


# ---------------------------------------------------------------- --statistics


def test_statistics_counts_per_code_with_names_and_fixable_counts(tmp_path: Path) -> None:
    root = tmp_path / "service"
    shutil.copytree(TESTDATA / "projects" / "baseline_legacy", root)
    (root / "legacy" / "more.py").write_text(
        "import threading\n\nfrom legacy.jobs import request_id\n\n\n"
        "class Worker(threading.Thread):\n    def run(self):\n        print(request_id.get())\n",
        encoding="utf-8",
    )
    args = ("--select", "CTX201,CTX202,CTX203,CTX206")  # CTX206 has no fix
    found = run_json(*args, cwd=root)
    completed = run_ctxlint("check", "--no-cache", "--statistics", *args, cwd=root)
    assert completed.returncode == 1
    rows = []
    for line in completed.stdout.decode().splitlines():
        match = re.fullmatch(r"\s*(\d+)\t(CTX\d{3})\t(\[\*\]|   ) (\S+) \((\d+) fixable\)", line)
        assert match, line
        rows.append((int(match[1]), match[2], match[3] == "[*]", match[4], int(match[5])))
    counts = Counter(f["code"] for f in found)
    fixable = Counter(f["code"] for f in found if f["fix"] is not None)
    names = {f["code"]: f["name"] for f in found}
    expected = sorted(
        ((counts[c], c, fixable[c] > 0, names[c], fixable[c]) for c in counts), key=lambda row: (-row[0], row[1])
    )
    assert rows == expected
    assert len(rows) == 4 and rows[0][0] > rows[-1][0] and not rows[-1][2]


# ---------------------------------------------------------------- docs/ci.md


def test_ci_docs_snippets_parse_and_use_real_options() -> None:
    import shlex

    import yaml

    from ctxlint.cli import build_parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    text = readme.split("\n## Running in CI\n", 1)[1].split("\n## ", 1)[0]
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    commands = []

    def collect(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script", "entry") and value:
                    commands.extend(value if isinstance(value, list) else [value])
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(blocks)
    ctxlint_commands = [c for c in commands if c.startswith("ctxlint ")]
    formats = set()
    for command in ctxlint_commands:
        words = shlex.split(command.split("||")[0].split(">")[0])
        args = build_parser().parse_args(words[1:])  # raises on an unknown option
        formats.add(args.output_format)
    assert formats >= {"github", "sarif", "junit"}
    github_job = blocks[0]["jobs"]["ctxlint"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in github_job]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    runs = [step.get("run") for step in github_job[2:]]
    assert runs == ["pip install ctxlint", "ctxlint check --output-format github"]
    sarif_job = blocks[1]["jobs"]["ctxlint"]["steps"]
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif@") for step in sarif_job)
    assert blocks[2]["ctxlint"]["artifacts"]["reports"]["junit"] == "ctxlint-junit.xml"
    pre_commit = [block for block in blocks if isinstance(block, dict) and "repos" in block]
    assert len(pre_commit) == 2
    assert all(repo["hooks"][0]["id"] == "ctxlint" for block in pre_commit for repo in block["repos"])
