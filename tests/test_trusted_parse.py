"""The parse of compiled text builds the same tree as LibCST's own, and leaves LibCST as it was."""

import asyncio
import dataclasses
import sys
import textwrap
import typing
from pathlib import Path

import libcst as cst
import pytest

from ctxlint import trusted_parse
from ctxlint.trusted_parse import parse_compiled

REPO = Path(__file__).resolve().parent.parent

SYNTAX = textwrap.dedent(
    '''
    """Docstring."""
    from __future__ import annotations
    import os.path as p, sys
    from . import x  # comment
    @decorator(arg, *a, key=1, **kw)
    async def f(a, /, b: int = 1, *c, d, e=2, **f) -> "T":
        async with x as (y, z), w:
            async for i in aiter():
                await g(i)
        return [j async for j in k if j] or {m: n for m, n in o} or {*p} or (q for q in r)
    class C(Base, metaclass=M):
        attribute: dict[str, int] = {}
        def method(self):
            global g
            try:
                pass
            except (A, B) as exc:
                raise X from exc
            else:
                del self.a[1:2, ::3]
            finally:
                yield from (lambda *a, **k: a)(1)
    value = f"{a!r:>{width}} {b=}" "plain" if (n := 10) > 5 else not ~-1 ** 2
    x += 1; y @= z; print(*args, sep="")
    while True:
        break
    '''
)


def _stdlib_sources() -> list[str]:
    return [Path(module.__file__).read_text(encoding="utf-8") for module in (asyncio.tasks, dataclasses, typing)]


@pytest.mark.parametrize("text", [SYNTAX, *_stdlib_sources()], ids=["syntax", "asyncio.tasks", "dataclasses", "typing"])
def test_the_tree_is_libcsts_own(text):
    compile(text, "<test>", "exec")  # the premise: a text CPython accepts
    expected = cst.parse_module(text)
    tree = parse_compiled(text)
    assert tree.deep_equals(expected)
    assert tree.code == text


def test_every_python_file_of_the_shipped_example_parses_the_same():
    files = sorted((REPO / "examples").rglob("*.py"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parse_compiled(text).deep_equals(cst.parse_module(text)), path


def test_the_node_classes_get_storing_initializers():
    """Guards the speed-up itself: with the LibCST of the test extras, the node classes the
    parser builds most are given the storing `__init__` during the parse."""
    parse_compiled("x = 1\n")
    replaced = trusted_parse._INITIALIZERS
    assert replaced is not None
    assert {cst.Name, cst.Call, cst.Attribute, cst.SimpleWhitespace, cst.Module} <= set(replaced)


def test_nodes_built_afterwards_are_validated_by_libcsts_own_init():
    parse_compiled("x = 1\n")
    assert cst.Name.__init__ is cst.Name.__dict__["__init__"]
    assert cst.Name.__init__.__code__.co_filename == "<string>"  # the dataclass's, not ours
    assert cst.Name.__init__ is trusted_parse._INITIALIZERS[cst.Name][0]
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    call = cst.Call(func=cst.Name("f"))  # defaults and default factories still apply
    assert call.whitespace_after_func.deep_equals(cst.SimpleWhitespace(""))


def test_a_failed_parse_leaves_libcst_as_it_was():
    own = cst.Name.__init__
    with pytest.raises(cst.ParserSyntaxError):
        parse_compiled("x = (\n")
    assert cst.Name.__init__ is own
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


@pytest.mark.skipif(sys.version_info < (3, 10), reason="pattern matching")
def test_pattern_matching():
    text = textwrap.dedent(
        """
        match command.split():
            case [action, *rest] if rest:
                pass
            case {"k": 1, **others} | Point(x=0, y=others):
                pass
            case _:
                pass
        """
    )
    assert parse_compiled(text).deep_equals(cst.parse_module(text))


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameter syntax")
def test_type_parameters():
    text = "type Alias[T] = list[T]\ndef f[T: int, *Ts, **P](x: T) -> T: ...\nclass C[T]: pass\n"
    assert parse_compiled(text).deep_equals(cst.parse_module(text))
