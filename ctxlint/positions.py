"""Source ranges of the few nodes that reports point at, without positioning every node.

LibCST's PositionProvider generates the whole module's code while recording a position
for every node: about twice the cost of the parse, for the handful of nodes a report
needs. `Spans` gets the same answers for less. One plain code generation (no position
bookkeeping, stopped as soon as the last wanted node is reached) records the chain of
enclosing nodes and the token index where each starts. Then only the statements that
enclose a wanted node are generated again with LibCST's own PositionProvidingCodegenState,
started at that statement's line and column and indentation: code generation of a
statement inside a block or module body depends on nothing else (its parent passes it
no arguments), so the positions are LibCST's, exactly. Anything unusual (a node outside
any such statement, a node not in the tree) falls back to the PositionProvider.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata.position_provider import PositionProvidingCodegenState


class _AllFound(Exception):
    pass


class _Trail(CodegenState):
    """Plain code generation that records the enclosing nodes of each wanted node."""

    def __init__(self, module, wanted: set[int]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.remaining = len(wanted)
        self.nodes: list = []
        self.starts: list[int] = []
        self.depths: list[int] = []
        # id(node) -> (enclosing nodes, outermost first, ending with the node; the index
        # of their first token; the indentation in force when each of them starts)
        self.found: dict[int, tuple[list, list[int], list[list[str]]]] = {}

    def before_codegen(self, node) -> None:
        self.nodes.append(node)
        self.starts.append(len(self.tokens))
        self.depths.append(len(self.indent_tokens))
        key = id(node)
        if key in self.wanted and key not in self.found:
            indent = self.indent_tokens
            self.found[key] = (self.nodes[:], self.starts[:], [indent[:depth] for depth in self.depths])
            self.remaining -= 1
            if not self.remaining:
                raise _AllFound

    def after_codegen(self, node) -> None:
        self.nodes.pop()
        self.starts.pop()
        self.depths.pop()

    def pop_trailing_newline(self) -> None:
        pass  # positions count the module's last newline, as PositionProvider does


class Spans:
    """Source ranges (LibCST's `PositionProvider` semantics) of chosen nodes of a module."""

    def __init__(self, module: cst.Module, nodes: Sequence[cst.CSTNode]) -> None:
        self.module = module
        self._everything = None  # PositionProvider's answer, computed only if needed
        trail = _Trail(module, {id(node) for node in nodes})
        try:
            module._codegen(trail)
        except _AllFound:
            pass
        self.chains = {key: chain for key, (chain, _starts, _indents) in trail.found.items()}
        roots: dict[int, tuple[cst.CSTNode, int, list[str]]] = {}
        for chain, starts, indents in trail.found.values():
            index = _root_index(chain)
            if index is not None:
                roots.setdefault(id(chain[index]), (chain[index], starts[index], indents[index]))
        where = _line_columns(trail.tokens, sorted({start for _node, start, _indent in roots.values()}))
        provider = _Computed()
        for root, start, indent in roots.values():
            line, column = where[start]
            state = PositionProvidingCodegenState(
                default_indent=module.default_indent,
                default_newline=module.default_newline,
                provider=provider,
                indent_tokens=list(indent),
                line=line,
                column=column,
            )
            root._codegen(state)
        self.ranges = provider._computed

    def range(self, node: cst.CSTNode):
        found = self.ranges.get(node)
        if found is not None:
            return found
        return self._all_positions()[node]  # KeyError for a node outside the module, as before

    def statement_end(self, node: cst.CSTNode, line: int) -> int:
        """Last line of the simple statement whose lines include `line` (else `line`).

        Simple statements never share a line, so the one covering the line of `node` is
        the simple statement enclosing `node`, or else the one-line body (`if x: y`) of
        the compound statement whose header holds `node`.
        """
        chain = self.chains.get(id(node))
        if chain is None or node not in self.ranges or isinstance(node, (cst.IndentedBlock, cst.Module)):
            # (a block's range starts at its first statement, which may share its line
            # with a one-line body: the general search handles it)
            return self._statement_end_anywhere(line)
        for current in reversed(chain):
            if isinstance(current, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                return self._end_if_covers(current, line)
            body = getattr(current, "body", None)
            if isinstance(body, cst.SimpleStatementSuite):
                return self._end_if_covers(body, line)
            if isinstance(current, (cst.BaseStatement, cst.BaseSuite, cst.Module)):
                return line
        return line

    def _end_if_covers(self, statement: cst.CSTNode, line: int) -> int:
        code_range = self.range(statement)
        return code_range.end.line if code_range.start.line <= line <= code_range.end.line else line

    def _statement_end_anywhere(self, line: int) -> int:
        positions = self._all_positions()
        ranges = sorted(
            (code_range.start.line, code_range.end.line)
            for node, code_range in positions.items()
            if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
        )
        best = line
        for start, end in ranges:
            if start > line:
                break
            if start <= line <= end:
                best = end
        return best

    def _all_positions(self):
        if self._everything is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            self._everything = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        return self._everything


class _Computed:
    """The one attribute of a metadata provider that PositionProvidingCodegenState uses."""

    def __init__(self) -> None:
        self._computed: dict = {}


def _root_index(chain: list) -> Optional[int]:
    """Index in `chain` of the innermost statement directly in a block or module body."""
    for index in range(len(chain) - 1, 0, -1):
        if isinstance(chain[index], cst.BaseStatement) and isinstance(chain[index - 1], (cst.Module, cst.IndentedBlock)):
            return index
    return None


_NEWLINE = re.compile(r"\r\n?|\n")


def _line_columns(tokens: list[str], marks: list[int]) -> dict[int, tuple[int, int]]:
    """(line, column) at each token index in `marks` (sorted), counted as LibCST's
    position state counts them: line breaks within each token."""
    line, column, at = 1, 0, 0
    result = {}
    for mark in marks:
        chunk = "".join(tokens[at:mark])
        if "\r" in chunk:  # a "\r" ending one token and "\n" starting the next are two breaks
            for token in tokens[at:mark]:
                segments = _NEWLINE.split(token)
                if len(segments) == 1:
                    column += len(token)
                else:
                    line += len(segments) - 1
                    column = len(segments[-1])
        else:
            breaks = chunk.count("\n")
            if breaks:
                line += breaks
                column = len(chunk) - chunk.rfind("\n") - 1
            else:
                column += len(chunk)
        at = mark
        result[mark] = (line, column)
    return result


