"""LibCST's parse of a text CPython has compiled, with its nodes built without validation.

LibCST's native parser builds every node by calling its class. Two parts of that call do
work that cannot find anything in the tree of valid Python: `__post_init__` validates the
node (a fifth of the cost of `parse_module`; LibCST's own source says as much in a PERF
note on it), and the frozen dataclass `__init__` sets each field through
`object.__setattr__`, which looks the field up on the class again (a tenth). For this one
call each node class gets an `__init__` of the same signature that stores its fields
straight into their slots and validates nothing. Nodes built by rules and fixes are
built, and validated, by LibCST's own `__init__`.

A class is given one only if it is exactly what the replacement assumes: a LibCST
dataclass whose `__init__` is the generated one, whose fields are all slots set by
`__init__`, and whose `__post_init__` is the validation hook. Any other class (a future
LibCST's) keeps its own; if `__post_init__` is not the expected hook, nothing is replaced.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

import libcst as cst
from libcst._nodes.base import CSTNode

_VALIDATING_POST_INIT = CSTNode.__dict__.get("__post_init__")
_POST_INIT_ONLY_VALIDATES = getattr(getattr(_VALIDATING_POST_INIT, "__code__", None), "co_names", None) == ("_validate",)

# class -> (its own `__init__`, the one that only stores), filled on first use
_INITIALIZERS: Optional[dict[type, tuple[Callable, Callable]]] = None


def parse_compiled(text: str) -> cst.Module:
    """`libcst.parse_module(text)` for a text CPython has compiled."""
    with _storing_initializers():
        return cst.parse_module(text)


@contextmanager
def _storing_initializers() -> Iterator[None]:
    global _INITIALIZERS
    if not _POST_INIT_ONLY_VALIDATES:
        yield
        return
    if _INITIALIZERS is None:
        _INITIALIZERS = _storing_initializers_of(_node_classes())
    for cls, (_own, storing) in _INITIALIZERS.items():
        cls.__init__ = storing  # type: ignore[misc]
    CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        yield
    finally:
        CSTNode.__post_init__ = _VALIDATING_POST_INIT  # type: ignore[method-assign]
        for cls, (own, _storing) in _INITIALIZERS.items():
            cls.__init__ = own  # type: ignore[misc]


def _no_validation(self: CSTNode) -> None:
    pass


def _node_classes() -> list[type]:
    """The node classes LibCST exports (its parser builds those)."""
    return [
        value for value in vars(cst).values()
        if isinstance(value, type) and issubclass(value, CSTNode) and dataclasses.is_dataclass(value)
    ]


def _storing_initializers_of(classes: list[type]) -> dict[type, tuple[Callable, Callable]]:
    found = {}
    for cls in classes:
        storing = _storing_initializer(cls)
        if storing is not None:
            found[cls] = (cls.__dict__["__init__"], storing)
    return found


def _storing_initializer(cls: type) -> Optional[Callable]:
    """An `__init__` with the signature of `cls`'s dataclass `__init__` that stores each
    argument into its slot, or None if `cls` is not shaped as expected."""
    own = cls.__dict__.get("__init__")
    if (
        getattr(getattr(own, "__code__", None), "co_filename", None) != "<string>"  # not generated
        or "__post_init__" in cls.__dict__
        or not cls.__dict__.get("__slots__")
    ):
        return None
    namespace: dict[str, object] = {"MISSING": dataclasses.MISSING}
    parameters, statements = [], []
    for index, spec in enumerate(dataclasses.fields(cls)):
        slot = next((klass.__dict__[spec.name] for klass in cls.__mro__ if spec.name in klass.__dict__), None)
        if not spec.init or getattr(spec, "kw_only", False) is True or type(slot).__name__ != "member_descriptor":
            return None
        namespace[f"set{index}"] = slot.__set__  # type: ignore[union-attr]
        if spec.default is not dataclasses.MISSING:
            namespace[f"default{index}"] = spec.default
            parameters.append(f"{spec.name}=default{index}")
            statements.append(f"set{index}(self, {spec.name})")
        elif spec.default_factory is not dataclasses.MISSING:
            namespace[f"factory{index}"] = spec.default_factory
            parameters.append(f"{spec.name}=MISSING")
            statements.append(f"set{index}(self, factory{index}() if {spec.name} is MISSING else {spec.name})")
        else:
            parameters.append(spec.name)
            statements.append(f"set{index}(self, {spec.name})")
    # (the setters and defaults are the factory's parameters: closure cells of the `__init__`)
    source = (
        f"def make({', '.join(namespace)}):\n"
        f"    def __init__(self, {', '.join(parameters)}):\n"
        + "".join(f"        {statement}\n" for statement in statements or ["pass"])
        + "    return __init__\n"
    )
    scope: dict[str, Callable] = {}
    exec(source, {}, scope)
    storing = scope["make"](**namespace)
    storing.__qualname__ = f"{cls.__qualname__}.__init__"
    return storing
