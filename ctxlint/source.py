"""Turning file bytes into text the parser accepts, and back, without losing anything."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


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
    """Decode Python source bytes honouring a BOM and a PEP 263 coding cookie."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(str(exc)) from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise DecodeError(f"file is not valid {encoding} (byte 0x{body[exc.start]:02x} on line {line})") from None
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None
    return SourceText(text, encoding, bom)
