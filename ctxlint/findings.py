"""The finding: what a rule reports, in the shape every reporter and cache reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Location:
    """A 1-based line and column range in one file."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Place:
    """A line of a file of the project (a step of a call path a rule reports), relative to
    the project root; the engine turns it into a related location."""

    path: str
    line: int


@dataclass(frozen=True)
class RelatedLocation:
    location: Location
    message: str
    filename: Optional[str] = None  # another file (as given/relative); None: the finding's own


@dataclass(frozen=True)
class Fix:
    """A fix expressed as whole-file text after the edit (computed from LibCST nodes)."""

    applicability: str  # "safe" | "unsafe"
    message: str
    diff: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    message: str
    filename: str
    location: Location
    related: tuple[RelatedLocation, ...] = ()
    fix: Optional[Fix] = None
    # Line range whose noqa comments apply (flake8's logical-line mapping plus
    # the statement's last line); filled by the engine, not part of the public API.
    noqa_lines: tuple[int, ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (self.filename, loc.line, loc.column, self.code, self.message)

    def to_dict(self) -> dict:
        """The stable JSON shape (an API: never rename fields)."""
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "filename": self.filename,
            "line": loc.line,
            "column": loc.column,
            "end_line": loc.end_line,
            "end_column": loc.end_column,
            "fix": None
            if self.fix is None
            else {
                "applicability": self.fix.applicability,
                "message": self.fix.message,
                "diff": self.fix.diff,
            },
            "related": [
                {
                    "filename": r.filename or self.filename,
                    "message": r.message,
                    "line": r.location.line,
                    "column": r.location.column,
                    "end_line": r.location.end_line,
                    "end_column": r.location.end_column,
                }
                for r in self.related
            ],
            "doc": f"ctxlint rule {self.code}",
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        def loc(d: dict) -> Location:
            return Location(d["line"], d["column"], d["end_line"], d["end_column"])

        fix = data.get("fix")
        return cls(
            code=data["code"],
            name=data["name"],
            message=data["message"],
            filename=data["filename"],
            location=loc(data),
            related=tuple(
                RelatedLocation(loc(r), r["message"], r.get("filename") if r.get("filename") != data["filename"] else None)
                for r in data.get("related", ())
            ),
            fix=None if fix is None else Fix(fix["applicability"], fix["message"], fix.get("diff", "")),
            noqa_lines=tuple(data.get("noqa_lines", ())),
        )
