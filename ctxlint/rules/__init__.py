"""The rules: one module per rule, in a folder per family (`ctx0` .. `ctx5`).

`rules/ctx2/ctx201_thread_without_context.py` holds the rule class CTX201, its docs and
its examples; helpers shared by a family's rules live in that family's `shared.py`. The
registry imports every module whose name starts with a rule code and collects its rule
classes, so a new rule needs nothing but its module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from ctxlint.rules.base import Rule

_FAMILY = re.compile(r"ctx\d")
_RULE_MODULE = re.compile(r"ctx\d{3}_\w+")


def registry() -> dict[str, type[Rule]]:
    """Every rule class by code, in code order."""
    return dict(_load())


@lru_cache(maxsize=None)
def _load() -> tuple[tuple[str, type[Rule]], ...]:
    rules: dict[str, type[Rule]] = {}
    for family in pkgutil.iter_modules(__path__):
        if not (family.ispkg and _FAMILY.fullmatch(family.name)):
            continue
        package = importlib.import_module(f"{__name__}.{family.name}")
        for info in pkgutil.iter_modules(package.__path__):
            if not _RULE_MODULE.fullmatch(info.name):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, Rule) and value.code and value.__module__ == module.__name__:
                    if value.code in rules:
                        raise RuntimeError(f"duplicate rule code {value.code} in {module.__name__}")
                    rules[value.code] = value
    return tuple(sorted(rules.items()))
