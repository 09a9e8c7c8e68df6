"""The rule base class: what a rule declares, and how it reports.

A rule is a LibCST visitor (`visit_<Node>` / `leave_<Node>` methods) that declares its
code, name, status, fix availability, the trigger tokens the engine's gate looks for, its
documentation and two examples that double as tests. Rules never parse, read files,
read config or print: they get a `FileContext` and call `report`.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Optional, Sequence, Union

import libcst as cst

from ctxlint.findings import Place

if TYPE_CHECKING:
    from ctxlint.analysis.model import SemanticModel
    from ctxlint.analysis.project import ProjectFacts
    from ctxlint.settings import Settings


# Trigger tokens that stand for syntax, not names (ctxlint/gate.py matches them).
ASYNC_DEF = "async def"
GENERATOR = "yield"
INFINITE_LOOP = "while True"  # `while True:` or `while <integer>:`
EXCEPT_CLAUSE = "except"
BARE_EXCEPT = "except:"  # an `except` clause that names no class
# a loop (not a `for`) in an `async def` whose body has no `await`, `async for` or `async with`
AWAITLESS_LOOP = "while loop that never awaits"
# an `async def` whose own code names a cancellation class (`CancelledError`, `Cancelled`,
# `BaseException`, `get_cancelled_exc_class`) or holds a bare `except:` (any `async def`
# when the module's top-level code names one: an alias of it may be caught anywhere)
COROUTINE_CATCHING_CANCELLATION = "async def catching cancellation"
CANCELLATION_WORDS = ("Cancelled", "get_cancelled_exc_class", "BaseException")


class WholeName(str):
    """A trigger token that must be a whole name of the code (`inject`, not the
    `db_injector` that a plain token, matched as part of a name, would accept)."""


@dataclass(frozen=True)
class TextTrigger:
    """Lets a file through the gate when the lower-cased names and strings of its code
    contain one of `markers` (a quick test) and match `pattern` (written for lower-case
    text)."""

    markers: tuple[str, ...]
    pattern: re.Pattern

    def found_in(self, lowered: str) -> bool:
        return any(marker in lowered for marker in self.markers) and self.pattern.search(lowered) is not None


@dataclass(frozen=True)
class Replacement:
    """A fix: replace `old` with `new` (LibCST nodes), adding `imports` if missing."""

    old: cst.CSTNode
    new: cst.CSTNode
    applicability: str  # "safe" | "unsafe"
    title: str
    imports: tuple[str, ...] = ()
    # Module-level functions the new code calls, as source: each is added after the
    # imports unless the module already defines a function of that name.
    helpers: tuple[str, ...] = ()


@dataclass
class Report:
    rule: type["Rule"]
    node: cst.CSTNode
    message: str
    fix: Optional[Replacement] = None
    related: Sequence[tuple[Union[cst.CSTNode, Place], str]] = ()


@dataclass
class FileContext:
    """Everything a rule may know about the file it is visiting."""

    path: str
    model: "SemanticModel"
    settings: "Settings"
    facts: "ProjectFacts"
    reports: list[Report] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)  # shared per-file analyses
    relative_path: str = ""  # relative to the project root (the call graph names modules by it)

    @property
    def target_version(self) -> tuple[int, int]:
        return self.settings.target_version



class Rule(cst.BatchableCSTVisitor):
    """## What it does
    (each rule's docstring starts here, with ruff's section headings)
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    preview: ClassVar[bool] = False
    fix: ClassVar[str] = "none"  # "none" | "safe" | "unsafe"
    # The gate (ctxlint/gate.py) parses a file only if its code names one of `triggers`,
    # one token of each group in `requires` and one of `modules` (imported modules: only
    # for a rule that reports nothing but names resolved through such an import). Must be
    # conservative: a file lacking them can never produce this rule's finding.
    triggers: ClassVar[tuple[str, ...]] = ()
    # Text no name can hold (hyphenated header names in strings): a match in the code's
    # names and one-line strings (`CodeIndex.lowered`) counts as one of `triggers`.
    text_trigger: ClassVar[Optional["TextTrigger"]] = None
    requires: ClassVar[tuple[tuple[str, ...], ...]] = ()
    modules: ClassVar[tuple[str, ...]] = ()
    opentelemetry_only: ClassVar[bool] = False
    # Runs only in a project that sets up tracing itself (`ProjectFacts.tracing_setup`).
    tracing_setup_only: ClassVar[bool] = False
    example: ClassVar[str] = ""  # code that is reported (documentation and test)
    use_instead: ClassVar[str] = ""  # the same code written correctly (never reported)
    fix_doc: ClassVar[str] = "None."
    known_limits: ClassVar[str] = "None known."
    engine_only: ClassVar[bool] = False  # CTX0xx: produced by the engine, never walked
    # Asks `facts.flow` about the linted file's own functions, so the engine must give
    # it a call graph of the text being linted (stdin, an editor buffer, a changed file).
    uses_context_flow: ClassVar[bool] = False

    _visitor_method_names: ClassVar[Optional[tuple[str, ...]]] = None  # see visitor_method_names

    @classmethod
    def project_triggers(cls, facts: "ProjectFacts") -> tuple[str, ...]:
        """More trigger tokens, named by the project pass (a project function's name)."""
        return ()

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.model = context.model

    @classmethod
    def visitor_method_names(cls) -> tuple[str, ...]:
        """The `visit_`/`leave_` methods the rule defines or inherits (LibCST's no-op
        defaults left out), found on first use: a run that lints nothing pays nothing."""
        names = cls.__dict__.get("_visitor_method_names")
        if names is None:
            found = {
                name
                for klass in cls.__mro__
                for name in vars(klass)
                if name.startswith(("visit_", "leave_"))
            }
            names = tuple(
                name
                for name in sorted(found)
                if inspect.isfunction(member := getattr(cls, name)) and not getattr(member, "_is_no_op", False)
            )
            cls._visitor_method_names = names
        return names

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        fix: Optional[Replacement] = None,
        related: Sequence[tuple[Union[cst.CSTNode, Place], str]] = (),
    ) -> None:
        self.context.reports.append(Report(type(self), node, message, fix, tuple(related)))

    def module_reference(self, module: str) -> tuple[str, tuple[str, ...]]:
        """How fix code can name `module`: an existing import alias, else `import module`."""
        for name, binding in self.model.module_scope.bindings.items():
            if binding.path == module and isinstance(binding.node, cst.ImportAlias):
                return name, ()
        return module, (module,)

    # ------------------------------------------------------------------ docs

    @classmethod
    def status(cls) -> str:
        return "preview" if cls.preview else "default"

    @classmethod
    def summary(cls) -> str:
        """The first sentence of "What it does"."""
        text = cls.section("What it does")
        return text.split("\n\n")[0].replace("\n", " ").strip()

    @classmethod
    def section(cls, heading: str) -> str:
        doc = inspect.cleandoc(cls.__doc__ or "")
        parts = doc.split("## ")
        for part in parts:
            title, _, body = part.partition("\n")
            if title.strip().rstrip("?") == heading.rstrip("?"):
                return body.strip()
        return ""

    @classmethod
    def documentation(cls) -> str:
        """The rule's full docs, in ruff's section order plus Fix and Known limits."""

        def code_block(source: str) -> str:
            return "```python\n" + textwrap.dedent(source).strip("\n") + "\n```"

        return "\n\n".join(
            [
                f"# {cls.code} {cls.name} ({cls.status()}, fix: {cls.fix})",
                "## What it does\n" + cls.section("What it does"),
                "## Why is this bad?\n" + cls.section("Why is this bad"),
                "## Example\n" + code_block(cls.example),
                "## Use instead\n" + code_block(cls.use_instead),
                "## Fix\n" + textwrap.dedent(cls.fix_doc).strip(),
                "## Known limits\n" + textwrap.dedent(cls.known_limits).strip(),
            ]
        ) + "\n"
