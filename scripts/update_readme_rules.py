"""Regenerate the README's rule index from the rule registry.

    python scripts/update_readme_rules.py

tests/test_docs.py fails when the README's index differs from `ctxlint rules --markdown`.
"""

import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"


def main() -> None:
    table = subprocess.run(
        [sys.executable, "-m", "ctxlint", "rules", "--markdown"], capture_output=True, text=True, check=True
    ).stdout
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    README.write_text(head + START + table + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
