"""benchmarks/precision.py lints each service of benchmarks/services.json for the rule
families it was judged for (`judged_for`), so adding a service for one family leaves the
judged samples of the others as they were."""

from __future__ import annotations

import json
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import precision  # noqa: E402


def test_a_service_judged_for_one_family_is_linted_for_that_family_alone() -> None:
    assert precision._judged_part("CTX", ["CTX2"]) == "CTX2"
    assert precision._judged_part("CTX2,CTX4", ["CTX2"]) == "CTX2"
    assert precision._judged_part("CTX201,CTX4", ["CTX2"]) == "CTX201"
    assert precision._judged_part("CTX4,CTX5", ["CTX2"]) == ""
    assert precision._judged_part("CTX4,CTX5", None) == "CTX4,CTX5"


def test_every_service_names_what_it_was_judged_for_or_is_judged_for_everything() -> None:
    data = json.loads((REPO / "benchmarks" / "services.json").read_text(encoding="utf-8"))
    names = {service["name"] for service in data["services"]}
    assert {hop["service"] for hop in data["hops"]} <= names
    partial = {service["name"]: service["judged_for"] for service in data["services"] if "judged_for" in service}
    assert partial == {name: ["CTX2"] for name in ("ragflow", "seer", "skyvern", "openhands", "promptflow", "localstack", "jumpserver", "zentral", "letta", "flagsmith", "phoenix", "nautobot", "polar", "pgadmin4", "db-gpt", "recipes", "bisheng")}


def test_hop_recall_counts_the_judged_losses_a_finding_is_reported_at() -> None:
    seer = {"CTX202": [{"path": "seer/src/seer/automation/autofix/tools/tools.py", "line": 601}]}
    assert precision.hop_recall(seer, {"seer"}) == (1, [])
    elsewhere = {"CTX202": [{"path": "seer/src/seer/automation/autofix/tools/tools.py", "line": 600}]}
    assert precision.hop_recall(elsewhere, {"seer", "skyvern"}) == (1, ["seer/src/seer/automation/autofix/tools/tools.py:601"])
