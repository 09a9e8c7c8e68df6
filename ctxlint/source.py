"""Turning file bytes into text the parser accepts, and back, without losing anything."""

from __future__ import annotations

import ast
import codecs
import re
import tokenize
from dataclasses import dataclass
from typing import Optional


class DecodeError(Exception):
    """The bytes are not text in the file's declared encoding."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str  # as declared by a PEP 263 cookie, else utf-8
    bom: bool

    def encode(self, text: str) -> bytes:
        """Encode fixed text the way the original was stored (encoding and BOM kept)."""
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode(data: bytes) -> SourceText:
    """Decode Python source bytes honouring a BOM and a PEP 263 coding cookie.

    Raises `DecodeError` with a one-line reason for anything CPython would refuse to
    decode: an invalid byte, an unknown or non-text codec in the cookie, a cookie that
    contradicts a BOM, a NUL character.
    """
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(iter(_first_lines(data)).__next__)
    except SyntaxError as exc:
        raise DecodeError(_detection_problem(data, bom, str(exc))) from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise DecodeError(f"file is not valid {encoding} (byte 0x{body[exc.start]:02x} on line {line})") from None
    except LookupError:  # a codec that exists but is not a text encoding: `# coding: hex`
        raise DecodeError(f"{encoding!r} is not a text encoding") from None
    except Exception as exc:  # a codec may raise anything (`# coding: undefined` raises UnicodeError)
        raise DecodeError(f"cannot decode as {encoding}: {_first_line(exc)}") from None
    nul = text.find("\0")
    if nul >= 0:  # CPython refuses NUL anywhere in source; LibCST's message would blame column 1
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise DecodeError(f"file contains a NUL byte (line {line}, column {column})")
    return SourceText(text, encoding, bom)


_NEWLINE = re.compile(rb"\r\n|\n|\r")


def _first_lines(data: bytes) -> list[bytes]:
    """The first two lines, where a coding cookie may be. CPython also ends a line at a
    lone carriage return; `tokenize.detect_encoding` reading `BytesIO` lines would not,
    and so would miss the cookie of a file with classic Mac line endings."""
    lines, start = [], 0
    for match in _NEWLINE.finditer(data):
        lines.append(data[start : match.end()])
        start = match.end()
        if len(lines) == 2:
            return lines
    lines.append(data[start:])
    return lines


def _detection_problem(data: bytes, bom: bool, reason: str) -> str:
    """A clearer reason than `tokenize.detect_encoding`'s for its common failures."""
    if reason.startswith("invalid or missing encoding declaration"):
        # detect_encoding reads the first two lines as UTF-8 to look for a cookie; a
        # non-UTF-8 byte there, with no cookie, is simply invalid UTF-8.
        body = data[len(codecs.BOM_UTF8):] if bom else data
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = body[: exc.start].count(b"\n") + 1
            return f"file is not valid utf-8 (byte 0x{body[exc.start]:02x} on line {line})"
    if bom and reason.startswith("encoding problem"):
        return f"file starts with a UTF-8 BOM but declares another encoding ({reason})"
    return reason


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# CPython's fixed parser limits (Parser/tokenizer.c: MAXLEVEL 200 brackets, MAXINDENT 100
# levels), the same in 3.9-3.13. They are not grammar: a file beyond them is rejected by
# every CPython version, so they can be checked with the running interpreter.
_LIMIT_MESSAGES = ("too many nested parentheses", "too many levels of indentation")


@dataclass(frozen=True)
class ParserLimit:
    """Why CPython cannot parse a text because of its nesting, and where."""

    reason: str
    line: int = 1
    column: int = 1


def parser_limit(text: str) -> Optional[ParserLimit]:
    """CPython's reason when `text` is nested beyond what its parser accepts, else None.

    Check this before `libcst.parse_module`: LibCST's native parser has no such limit,
    takes time quadratic in the nesting depth (seconds at a thousand levels) and, past
    about two thousand nested brackets, overflows the C stack and kills the process.
    Any other syntax error is left to LibCST, which also parses syntax newer than the
    running interpreter.
    """
    try:
        ast.parse(text)
    except (RecursionError, MemoryError):
        return ParserLimit("code is nested too deeply for the Python parser")
    except SyntaxError as exc:
        if exc.msg in _LIMIT_MESSAGES:
            return ParserLimit(exc.msg, exc.lineno or 1, exc.offset or 1)
    except (ValueError, OverflowError):  # NUL bytes before 3.12, huge literals: LibCST decides
        pass
    return None
