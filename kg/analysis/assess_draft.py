"""A draft strategy in the assessment template: the template, and reading it strictly.

:data:`TEMPLATE` is what ``mhkg assess --template`` prints. :func:`read_draft` reads a filled-in
copy with :mod:`kg.data.yamlfile` (so bad YAML is reported with its line) and reports every
problem in one run as a :class:`kg.core.problems.Problem` (file, line, field, message):
unknown fields with a did-you-mean, wrong types, missing required fields. A field left out is
not a problem: it means the draft does not say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.problems import Problem, did_you_mean
from kg.core.problems import show_value as _show
from kg.data.yamlfile import Mapping, YamlError, load

TEMPLATE = """\
# A draft mental-health strategy, described for `mhkg assess DRAFT.yaml`.
# mhkg compares it, factor by factor, with what the sources say about the twelve
# success factors (Centre for Mental Health, 2016) and with the strategies before it.
# Leave out a field the draft does not address: it is reported as "the draft does
# not say", never as a lack. Write [] (an empty list), none or false for "none".

# Required: what the draft is called.
name: Draft mental health strategy

# Factor 1, money. additional is required: new money (true) or only existing
# budgets (false). amount (a number), currency (default GBP) and period are optional.
funding:
  additional: true
  amount: 250000000
  currency: GBP
  period: first five years

# Factor 2, focus: how many actions, recommendations or standards the draft sets.
actions: 12

# Factor 3, targets: the measurable targets it sets ([] for none).
targets:
  - People referred to crisis care are seen within 24 hours

# Factor 4, scrutiny: who holds it to account, and how ([] for none).
scrutiny:
  - Quarterly progress report to the NHS England board, published

# Factor 6, leadership: who leads it nationally and locally (none for nobody).
leaders:
  national: National clinical director for mental health
  local: A named lead in every integrated care board

# Factor 9, implementation support: the body or programme that helps local
# areas implement it (none for none).
implementation_support: A funded national implementation support team

# Factor 8, partnerships: partnership arrangements ([] for none).
partnerships:
  - Local partnership boards of the NHS, councils, police and voluntary sector

# Factor 7, an engaged workforce: is there a workforce plan? (true / false)
workforce_plan: true

# Factor 10, innovation, evaluation and adaptation: an evaluation plan? (true / false)
evaluation_plan: true

# Factor 12, time: the years over which it is to be implemented.
time_horizon: 10
"""

FIELDS = ("name", "description", "funding", "actions", "targets", "scrutiny", "leaders",
          "implementation_support", "partnerships", "workforce_plan", "evaluation_plan",
          "time_horizon")
REQUIRED = ("name",)
FUNDING_FIELDS = ("additional", "amount", "currency", "period", "description")
LEADER_FIELDS = ("national", "local")

NONE_WORDS = {"none", "no", "nobody"}


@dataclass
class Draft:
    file: str
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# ---- reading the template ---------------------------------------------------------------------
class _Reader:
    def __init__(self, file: str):
        self.draft = Draft(file)

    def problem(self, node: Any, key: str | None, path: str, message: str) -> None:
        line = node.line_of(key) if isinstance(node, Mapping) and key else \
            getattr(node, "line", None)
        self.draft.problems.append(Problem(self.draft.file, line, "draft", path, message))

    def keys(self, node: Mapping, allowed: tuple[str, ...], prefix: str) -> None:
        for key in node:
            if key not in allowed:
                hint = did_you_mean(key, list(allowed))
                self.problem(node, key, prefix + key, f"unknown field {key!r}" + (
                    hint or "; fields: " + ", ".join(allowed)))

    def text(self, node: Mapping, key: str, path: str, none_ok: bool = False) -> Any:
        value = node[key]
        if none_ok and (value is None or value is False or
                        (isinstance(value, str) and value.strip().lower() in NONE_WORDS)):
            return None
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(node, key, path, "expected text" + (" (or none)" if none_ok else "")
                     + f", got {_show(value)}")
        return _BAD

    def texts(self, node: Mapping, key: str, path: str) -> Any:
        value = node[key]
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            return [v.strip() for v in value]
        hint = ("no value: give a list, [] for none, or leave the field out if the draft "
                "does not say" if value is None else
                f"expected a list of texts ([] for none), got {_show(value)}")
        self.problem(node, key, path, hint)
        return _BAD

    def boolean(self, node: Mapping, key: str, path: str) -> Any:
        if isinstance(node[key], bool):
            return node[key]
        self.problem(node, key, path, f"expected true or false, got {_show(node[key])}")
        return _BAD

    def number(self, node: Mapping, key: str, path: str, whole: bool, positive: bool) -> Any:
        value = node[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool) and \
            (value > 0 if positive else value >= 0) and (not whole or isinstance(value, int))
        if ok:
            return value
        what = "a whole number" if whole else "a number"
        self.problem(node, key, path, f"expected {what} ({'above' if positive else 'from'} 0), "
                     f"got {_show(value)}")
        return _BAD

    def mapping(self, node: Mapping, key: str, allowed: tuple[str, ...]) -> Mapping | None:
        value = node[key]
        if not isinstance(value, Mapping):
            self.problem(node, key, key, f"expected a mapping with {', '.join(allowed)}, got "
                         f"{_show(value)}")
            return None
        self.keys(value, allowed, key + ".")
        return value

    def read(self, data: Any) -> None:
        if data is None:
            self.problem(None, None, "", "the file is empty: start from `mhkg assess --template`")
            return
        if not isinstance(data, Mapping):
            self.problem(data, None, "", "expected a mapping of fields (see "
                         "`mhkg assess --template`), got " + _show(data))
            return
        self.keys(data, FIELDS, "")
        for key in REQUIRED:
            if key not in data:
                self.problem(data, None, key, f"missing required field {key!r}")
        values = self.draft.values
        for key in FIELDS:
            if key not in data:
                continue
            if key in ("name", "description", "implementation_support"):
                values[key] = self.text(data, key, key, none_ok=key == "implementation_support")
            elif key in ("targets", "scrutiny", "partnerships"):
                values[key] = self.texts(data, key, key)
            elif key in ("workforce_plan", "evaluation_plan"):
                values[key] = self.boolean(data, key, key)
            elif key == "actions":
                values[key] = self.number(data, key, key, whole=True, positive=False)
            elif key == "time_horizon":
                values[key] = self.number(data, key, key, whole=False, positive=True)
            elif key == "funding":
                values[key] = self.funding(data)
            elif key == "leaders":
                values[key] = self.leaders(data)

    def funding(self, data: Mapping) -> Any:
        node = self.mapping(data, "funding", FUNDING_FIELDS)
        if node is None:
            return _BAD
        out: dict[str, Any] = {}
        if "additional" not in node:
            self.problem(node, None, "funding.additional", "missing required field "
                         "'additional': true for new money, false for existing budgets only")
        else:
            out["additional"] = self.boolean(node, "additional", "funding.additional")
        if "amount" in node:
            out["amount"] = self.number(node, "amount", "funding.amount", whole=False,
                                        positive=False)
            if out["amount"] == 0 and out.get("additional") is True:
                self.problem(node, "amount", "funding.amount", "an amount of 0 is not "
                             "additional money: write additional: false")
        if "currency" in node:
            currency = node["currency"]
            if isinstance(currency, str) and len(currency) == 3 and currency.isupper():
                out["currency"] = currency
            else:
                self.problem(node, "currency", "funding.currency", "expected a currency code "
                             f"such as GBP, got {_show(currency)}")
        for key in ("period", "description"):
            if key in node:
                out[key] = self.text(node, key, f"funding.{key}")
        return out

    def leaders(self, data: Mapping) -> Any:
        node = self.mapping(data, "leaders", LEADER_FIELDS)
        if node is None:
            return _BAD
        return {key: self.text(node, key, f"leaders.{key}", none_ok=True)
                for key in LEADER_FIELDS if key in node}


class _Bad:
    def __repr__(self) -> str:
        return "<invalid>"


_BAD = _Bad()




def read_draft(path: Path, display: str | None = None) -> Draft:
    """Read and check a draft; every problem is in ``Draft.problems`` (none: valid)."""
    reader = _Reader(display or str(path))
    try:
        data = load(path)
    except YamlError as exc:
        reader.draft.problems.append(Problem(reader.draft.file, exc.line, "draft", "",
                                             exc.message, column=exc.column))
        return reader.draft
    except OSError as exc:
        reader.draft.problems.append(Problem(reader.draft.file, None, "draft", "",
                                             f"cannot read the file: {exc.strerror or exc}"))
        return reader.draft
    reader.read(data)
    reader.draft.problems.sort(key=lambda p: (p.line or 0, p.field))
    return reader.draft
