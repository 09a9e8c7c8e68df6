"""Reading a config file: its TOML, and the ctxlint table in it. Errors name the file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from ctxlint.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

CONFIG_NAMES = ("pyproject.toml", "ctxlint.toml", ".ctxlint.toml")


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror or exc}") from None


def ctxlint_table(path: Path, data: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The ctxlint table of a config file, or None if it has none."""
    tool = data.get("tool", {})
    table = tool.get("ctxlint") if isinstance(tool, dict) else None
    if path.name == "pyproject.toml":
        return table
    if table is not None:
        return table
    return {k: v for k, v in data.items() if k != "tool"}
