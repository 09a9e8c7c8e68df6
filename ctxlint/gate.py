"""Which enabled rules could fire in a file, decided from what CPython compiled (conservative).

A rule declares the tokens it can fire on: `triggers` (one must occur, or its
`text_trigger` pattern match the text), `requires` (each
group must have one occurrence) and `modules` (the file must name one of these modules,
or the root module and the last part of one of these dotted paths). A file that fails
them is never parsed by LibCST.

Tokens are looked up in the names of the compiled code, not in its text: identifiers,
attribute and imported module names (`"http.client"`), keyword-argument names, the words
of strings that may be names or annotations (`getattr(x, "name")`, `"Client | None"`),
and the words after the colon of lines shaped like an annotated assignment (CPython does
not compile a local variable's annotation). Comments and docstrings, where words like
"http", "send" or "span" are common, count for nothing. A module matches only a whole
dotted root (`http` matches `http` and `http.client`, not `httpx`): a rule declares
modules only if it reports nothing but names it resolved through an import of one of them
(relative imports resolve to relative paths), and an import is always compiled. A token
matches part of a name (`Cancelled` matches `CancelledError`) unless it is a `WholeName`.
A few tokens stand for syntax rather than names (`ASYNC_DEF`, `GENERATOR`,
`INFINITE_LOOP`, `EXCEPT_CLAUSE`, `BARE_EXCEPT`, and `AWAITLESS_LOOP` and
`COROUTINE_CATCHING_CANCELLATION`, read from the coroutines' own code).

Where the names are not to be trusted the gate falls back to testing the file's text:
text that CPython does not compile, and Python 3.9, whose compiler drops the code under
`if False:` (LibCST, and so the rules, still see it).
"""

from __future__ import annotations

import dis
import inspect
import re
import sys
import types
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

if TYPE_CHECKING:
    from ctxlint.analysis.project import ProjectFacts
    from ctxlint.rules.base import Rule

from ctxlint.rules.base import (
    ASYNC_DEF,
    AWAITLESS_LOOP,
    BARE_EXCEPT,
    CANCELLATION_WORDS,
    COROUTINE_CATCHING_CANCELLATION,
    EXCEPT_CLAUSE,
    GENERATOR,
    INFINITE_LOOP,
    WholeName,
)

_CO_ASYNC = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR
_CO_GENERATOR = inspect.CO_GENERATOR | inspect.CO_ASYNC_GENERATOR
# A compound statement starts a logical line, so its keyword starts a physical one.
_STATEMENTS = {
    INFINITE_LOOP: re.compile(r"^[ \t\f]*while\b[ \t\f(\\\r\n]*(?:True\b|\d)", re.MULTILINE),
    EXCEPT_CLAUSE: re.compile(r"^[ \t\f]*except\b", re.MULTILINE),
    BARE_EXCEPT: re.compile(r"^[ \t\f]*except[ \t\f]*:", re.MULTILINE),
}
_WHILE = re.compile(r"^[ \t\f]*while\b", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
# `name: annotation = value`, `self.name: ...`, `(name): ...` (and anything else shaped
# like them: conservative). Only a name's or an attribute's annotation binds a type, and
# neither holds a colon before its own.
_ANNOTATED = re.compile(r"^[ \t\f]*[(\w][^:\n]*:(?!=)([^\n=]*)", re.MULTILINE)
_MAX_ANNOTATION_LINES = 30
_NAMES_ARE_COMPLETE = sys.version_info >= (3, 10)
# CPython lays a loop's own code between the target of its backward jump and the jump; the
# blocks it moves out of the way (3.12's exception handlers) go after all of a function's
# code, so nothing from outside the loop lies in between: a loop can look emptier than it
# is, never fuller. Checked on 3.11 to 3.13 against the syntax of every infinite
# loop in the corpus, the standard library and site-packages; elsewhere any coroutine may
# hold such a loop.
_LOOPS_ARE_READABLE = (3, 11) <= sys.version_info[:2] <= (3, 13)
_BACKWARD_JUMPS = frozenset(
    code for name, code in dis.opmap.items()
    if name.startswith(("JUMP_BACKWARD", "POP_JUMP_BACKWARD")) and name != "JUMP_BACKWARD_NO_INTERRUPT"
)
# where a backward jump that closes no loop of the source lands: a `for`'s next item, and
# (3.12) the end of an await's own send loop, which its exception path jumps back to
_NOT_LOOP_STARTS = frozenset({"FOR_ITER", "END_SEND"})
_AWAITS = frozenset(dis.opmap[name] for name in ("GET_AWAITABLE", "GET_ANEXT", "BEFORE_ASYNC_WITH") if name in dis.opmap)


class CodeIndex:
    """The names of one file's code, for the gate's token tests."""

    def __init__(self, text: str, code: Optional[types.CodeType]) -> None:
        # The line patterns know only "\n"; CPython also ends lines at "\r".
        self.text = text if "\r" not in text else text.replace("\r\n", "\n").replace("\r", "\n")
        self.flags = 0
        self._lowered: Optional[str] = None
        self.names: Optional[str] = None  # "\n"-separated, with a "\n" at each end
        self._strings: list[str] = []  # the one-line string constants
        self._found: dict = {}  # token -> `has(token)`: rules share tokens
        self._code = code
        if code is not None and _NAMES_ARE_COMPLETE:
            self.names = self._names(code)

    def _names(self, code: types.CodeType) -> Optional[str]:
        names: set[str] = set()
        pending = [code]
        while pending:
            unit = pending.pop()
            self.flags |= unit.co_flags
            names.add(unit.co_name)
            names.update(unit.co_names, unit.co_varnames, unit.co_cellvars, unit.co_freevars)
            for constant in unit.co_consts:
                if isinstance(constant, types.CodeType):
                    pending.append(constant)
                elif isinstance(constant, str):
                    _add_string_words(constant, names)
                    if "\n" not in constant:
                        self._strings.append(constant)
                elif isinstance(constant, tuple):  # keyword-argument names, constant tuples
                    for item in constant:
                        if isinstance(item, str):
                            _add_string_words(item, names)
                            if "\n" not in item:
                                self._strings.append(item)
        for match in _ANNOTATED.finditer(self.text):
            annotation = _annotation_text(self.text, match)
            if annotation is None:
                return None  # an annotation too long to follow: test the text instead
            names.update(_WORD.findall(annotation))
        return "\n" + "\n".join(names) + "\n"

    @property
    def lowered(self) -> str:
        """The code's names and one-line strings, lower-cased, a line each (the file's text
        where the names are not trusted): what a `TextTrigger` searches. Comments are left
        out, and so are strings with a line break (most docstrings): no identifier or
        header name holds one."""
        if self._lowered is None:
            if self.names is None:
                self._lowered = self.text.lower()
            else:
                self._lowered = (self.names + "\n".join(self._strings)).lower()
        return self._lowered

    def has(self, token: str) -> bool:
        key = token if type(token) is str else (token, type(token))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._has(token)
        return found

    def _has(self, token: str) -> bool:
        if self.names is None:
            return _text_token(token) in self.text
        if token == ASYNC_DEF:
            return bool(self.flags & _CO_ASYNC)
        if token == GENERATOR:
            return bool(self.flags & _CO_GENERATOR)
        if token == AWAITLESS_LOOP:
            # (a loop other than a `for` is a `while`: no `while` line, no such loop to look for)
            return not _LOOPS_ARE_READABLE or (_WHILE.search(self.text) is not None and _has_awaitless_loop(self._code))
        if token == COROUTINE_CATCHING_CANCELLATION:
            return _coroutine_catches_cancellation(self._code, self.text)
        pattern = _STATEMENTS.get(token)
        if pattern is not None:
            return pattern.search(self.text) is not None
        if type(token) is WholeName:
            return f"\n{token}\n" in self.names
        return token in self.names

    def names_module(self, path: str) -> bool:
        """The root module of `path` is named whole, and so is its last part (a name
        resolved to `http.client.HTTPConnection` is spelt `HTTPConnection` somewhere)."""
        root, _dot, rest = path.partition(".")
        if rest and not self.has(rest.rpartition(".")[2]):
            return False
        if self.names is None:
            return root in self.text
        return f"\n{root}\n" in self.names or f"\n{root}." in self.names


def gate(rules: Sequence[type[Rule]], index: CodeIndex, facts: ProjectFacts) -> list[type[Rule]]:
    """The rules whose tokens occur in the file (the others cannot fire there)."""
    return [rule for rule in rules if _may_fire(rule, index, facts)]


def _may_fire(rule: type[Rule], index: CodeIndex, facts: ProjectFacts) -> bool:
    triggers = rule.triggers + rule.project_triggers(facts)
    if triggers and not any(index.has(token) for token in triggers):
        if rule.text_trigger is None or not rule.text_trigger.found_in(index.lowered):
            return False
    if rule.modules and not any(index.names_module(module) for module in rule.modules):
        return False
    return all(any(index.has(token) for token in group) for group in rule.requires)


def _coroutines(code: types.CodeType) -> Iterator[types.CodeType]:
    """The code of every coroutine and async generator defined in `code`, nested ones too."""
    pending = [code]
    while pending:
        unit = pending.pop()
        pending.extend(constant for constant in unit.co_consts if isinstance(constant, types.CodeType))
        if unit.co_flags & _CO_ASYNC:
            yield unit


def _has_awaitless_loop(code: types.CodeType) -> bool:
    """A coroutine or async generator of `code` has a loop, other than a `for`, whose body
    holds no await instruction."""
    for unit in _coroutines(code):
        instructions = list(dis.get_instructions(unit))
        position = {instruction.offset: index for index, instruction in enumerate(instructions)}
        for index, instruction in enumerate(instructions):
            if instruction.opcode not in _BACKWARD_JUMPS:
                continue
            start = position.get(instruction.argval)
            if start is None or instructions[start].opname in _NOT_LOOP_STARTS:
                continue
            if not any(inside.opcode in _AWAITS for inside in instructions[start:index]):
                return True
    return False


def _coroutine_catches_cancellation(code: types.CodeType, text: str) -> bool:
    """An `async def` of `code` names a cancellation class in its own code (not in the
    functions nested in it) or holds a bare `except:`; or the module's top-level code names
    one (it may bind an alias, `Cancelled = asyncio.CancelledError`, or import one that a
    coroutine catches by another name)."""
    if any(word in name for name in code.co_names for word in CANCELLATION_WORDS):
        return True
    bare = [text.count("\n", 0, match.start()) + 1 for match in _STATEMENTS[BARE_EXCEPT].finditer(text)]
    for unit in _coroutines(code):
        if any(word in name for name in unit.co_names for word in CANCELLATION_WORDS):
            return True
        lines = [line for _start, _end, line in unit.co_lines() if line is not None]
        if bare and lines and any(min(lines) <= line <= max(lines) for line in bare):
            return True
    return False


def _text_token(token: str) -> str:
    """What a syntax token looks like in text (for the text fallback)."""
    return token.split()[0].rstrip(":")


def _add_string_words(value: str, names: set[str]) -> None:
    """The words of a string that may be a name or an annotation (`"create_task"`,
    `"context.Context | None"`, `"Annotated[Pool, Depends(pool)]"`), not prose: PEP 563 writes
    an annotation with spaces only around an operator or inside brackets."""
    if "\n" not in value and (" " not in value or "[" in value or "(" in value or "|" in value):
        names.update(_WORD.findall(value))


def _annotation_text(text: str, match: re.Match) -> Optional[str]:
    """The annotation that starts after the colon, with its continuation lines while its
    brackets are open (None past `_MAX_ANNOTATION_LINES`)."""
    annotation = match.group(1)
    end = match.end()
    for _ in range(_MAX_ANNOTATION_LINES):
        if end >= len(text) or not _open_brackets(annotation):
            return annotation
        following = text.find("\n", end + 1)
        following = len(text) if following < 0 else following
        annotation += text[end:following]
        end = following
    return None


def _open_brackets(text: str) -> bool:
    return text.count("[") + text.count("(") + text.count("{") > text.count("]") + text.count(")") + text.count("}")
