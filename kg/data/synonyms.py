"""The shape of a synonyms file: ``synonyms.yaml`` at the top of a data folder holds
search synonym groups (``synonyms: [[funding, money], ...]``), read by
:mod:`kg.ask.search_terms` and checked by the data reader like any data file."""

from __future__ import annotations

import re
from typing import Any

DATA_SYNONYMS = "synonyms.yaml"  # at the top of a data folder
WORD = re.compile(r"[^\W_]")

__all__ = ["DATA_SYNONYMS", "group_problems"]


def group_problems(groups: Any) -> list[tuple[int | None, str]]:
    """What is wrong with a ``synonyms:`` value: (index of the group or None, message)."""
    if not isinstance(groups, list):
        return [(None, "synonyms must be a list of groups, each a list of words or phrases, "
                       "e.g. - [funding, money]")]
    problems: list[tuple[int | None, str]] = []
    for index, group in enumerate(groups):
        if not isinstance(group, list) or len(group) < 2:
            problems.append((index, "a synonym group is a list of at least two words or "
                                    "phrases, e.g. [funding, money]"))
            continue
        for member in group:
            if not isinstance(member, str) or not WORD.search(member):
                problems.append((index, f"{member!r} is not a word or phrase"))
            elif len(member) > 100:
                problems.append((index, "a synonym is a word or a short phrase (at most 100 "
                                        "characters)"))
    return problems
