"""Problems found in the data: where (file, line, entity, field) and what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    entity: str
    field: str
    message: str
    severity: str = "error"  # or "warning"
    column: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        if self.line and self.column:
            where += f":{self.column}"
        parts = [where, self.entity or "-", self.field or "-", self.message]
        return one_line(": ".join(parts))

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "entity": self.entity, "field": self.field, "message": self.message,
                "severity": self.severity}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|\n|\r")


def one_line(text: str) -> str:
    """``text`` on one clean line: a NUL, a control character or a line break becomes a
    visible escape (\\x00, \\n), so that one problem is always one line of output."""
    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        return {"\n": "\\n", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}" if ord(char) < 256
                                                   else f"\\u{ord(char):04x}")
    return _CONTROL.sub(escape, text)


class InvalidData(Exception):
    """Raised when data does not validate; carries every problem found in the run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the data")


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """A ' (did you mean ...?)' suffix, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def show_value(value: Any, width: int = 60) -> str:
    """A value as a message shows it: ``repr``, cut to ``width`` characters, and never
    expanded whole first (reprlib stops at a few items and levels, so a huge or deeply
    nested value costs nothing to show)."""
    import reprlib

    if value is None:
        return "nothing"
    shower = reprlib.Repr()
    shower.maxlevel, shower.maxstring, shower.maxother = 3, width, width
    shower.maxlist = shower.maxdict = shower.maxtuple = shower.maxset = 6
    text = shower.repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


_WARNED: set[str] = set()


def warn_once(message: str) -> None:
    """One line on standard error, at most once per process for the same message."""
    import sys

    if message not in _WARNED:
        _WARNED.add(message)
        print(message, file=sys.stderr)


# scheme://user:password@host: the password runs to the LAST "@" before the host, since a
# password may itself hold "@", "/" or "#"
_USERINFO = re.compile(r"([A-Za-z][\w+.-]*://)([^/@\s:'\"]*):([^\s'\"]*)@")
SECRET_VARIABLES = ("NEO4J_PASSWORD",)


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with credentials blanked out, whatever their source: the password of any
    ``scheme://user:password@host`` URI, the values of the secret environment variables
    (NEO4J_PASSWORD) and of a password inside NEO4J_URI, and any ``secrets`` given."""
    import os

    values = [os.environ.get(name) for name in SECRET_VARIABLES] + list(secrets)
    for uri in (os.environ.get("NEO4J_URI", ""), *[s for s in secrets if s and "://" in s]):
        values.append(uri_password(uri))
    # a password holding "/", "#" or "?" is cut there by URL parsers, which then quote the
    # first part as a host or a port: blank that part out too
    values += [re.split(r"[/#?@]", v, maxsplit=1)[0] for v in list(values) if v]
    for value in sorted({v for v in values if v and len(v) >= 3}, key=len, reverse=True):
        text = text.replace(value, "********")
    return _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:********@", text)


def uri_password(uri: str) -> str | None:
    """The password of ``scheme://user:password@host``, read to the last "@" (so that one
    holding "@", "/" or "#" is found whole, where urllib would stop early)."""
    found = re.match(r"^[A-Za-z][\w+.-]*://[^/@:]*:(.*)@[^@]*$", uri.strip())
    return found.group(1) if found else None
