"""Questions in plain words, mapped to canned queries (``mhkg ask``).

Each query file lists the questions it answers under ``phrases:``, with ``{slot}``s for its
parameters, as Neo4j Bloom's search phrases do ("which strategies lacked {factor}"). A
phrase may also be a mapping ``{say: "funding for {strategy}", rows: strategy}``: the slot
then keeps the query's rows whose column of that name is the value (a query without that
parameter can still answer for one strategy).

Matching, the same in the explorer's ``search.js``:

1. The question's words (folded, as search folds them) and their Porter stems.
2. For each phrase, its words are found in order in the question, left to right; a word is
   found when its stem is the same, or when it is a typo of it (the edits search allows).
   The question's words between two found words fill the slot between them.
3. A phrase fits when at least half of its words other than stop words are found, the
   question says no "not" (or another negation) that the phrase does not, and every
   slot holds words that the search resolves to an entity of the slot's type (labels,
   aliases, typos: "the NSF", "Bradly"): all its words found in one name, which leaves
   out at most two of the name's words. Its score is the share of words found, less a
   tenth for each word of the question left over and a twentieth for each typo; under 0.5
   it does not fit.
4. The best fit answers; ties go to the phrase listed first.

It never runs anything but a canned query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.ask.search_terms import STOP_WORDS, max_edits, words
from kg.ask.stems import stem as _stem
from kg.ask.stems import stems

SLOT = re.compile(r"\{([a-z][a-z0-9_-]*)\}")
MIN_SHARE = 0.5
FILLER_COST = 0.1
TYPO_COST = 0.05
MIN_FIT = 0.5  # a phrase that fits worse than this does not answer
# A question that says one of these where the phrase does not (and no slot holds it) asks
# something else: "which strategies did not lack ..." is not "which strategies lacked ...".
NEGATIONS = frozenset("not no never nor neither none nothing without cannot didn doesn don "
                      "isn wasn weren aren hasn haven hadn won wouldn shouldn couldn".split())
MAX_UNSAID = 2  # words of an entity's name a slot may leave out


@dataclass
class Phrase:
    query: str
    text: str
    tokens: list[tuple[str, str, bool]]  # ("word", stem, not a stop word) or ("slot", name, _)
    rows: str | None = None  # the slot that filters rows by the column of its name


@dataclass
class Match:
    query: str
    phrase: str
    score: float
    parameters: dict[str, str] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # column -> value the rows must have
    slots: dict[str, str] = field(default_factory=dict)  # slot -> the words that filled it

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "phrase": self.phrase, "score": round(self.score, 3),
                "parameters": self.parameters, "rows": self.rows, "slots": self.slots}


def phrases_of(queries: list[Any]) -> list[Phrase]:
    """Every phrase of every query, in file order."""
    out = []
    for query in queries:
        for entry in query.phrases:
            text, rows = (entry, None) if isinstance(entry, str) else (entry["say"],
                                                                        entry.get("rows"))
            out.append(Phrase(query.name, text, tokenize(text), rows))
    return out


def tokenize(text: str) -> list[tuple[str, str, bool]]:
    tokens: list[tuple[str, str, bool]] = []
    for part in re.split(r"(\{[a-z][a-z0-9_-]*\})", text):
        slot = SLOT.fullmatch(part)
        if slot:
            tokens.append(("slot", slot.group(1), False))
        else:
            tokens += [("word", _stem(w), w not in STOP_WORDS) for w in words(part)]
    return tokens


def align(phrase: Phrase, said: list[str], said_stems: list[str],
          typo: Any) -> tuple[float, dict[str, list[str]]] | None:
    """Step 2 and the share of step 3: (score, slot -> words) or None when too little fits."""
    cursor = 0
    pending: str | None = None
    slots: dict[str, list[str]] = {}
    used = [False] * len(said)
    key_total = key_found = typos = 0
    plain = not any(key for kind, _, key in phrase.tokens if kind == "word")
    for kind, value, key in phrase.tokens:
        if kind == "slot":
            pending = value
            continue
        key = key or plain  # a phrase of stop words only: every word counts
        key_total += key
        start = cursor + (1 if pending else 0)
        at = next((i for i in range(start, len(said)) if said_stems[i] == value), None)
        if at is None:
            at = next((i for i in range(start, len(said)) if typo(said[i], value)), None)
            typos += at is not None
        if at is None:
            continue
        key_found += key
        if pending is not None:
            slots[pending] = said[cursor:at]
            for i in range(cursor, at):
                used[i] = True
            pending = None
        used[at] = True
        cursor = at + 1
    if pending is not None:
        slots[pending] = said[cursor:]
        for i in range(cursor, len(said)):
            used[i] = True
    if key_total == 0 or key_found == 0 or key_found / key_total < MIN_SHARE:
        return None
    if any(not used[i] and word in NEGATIONS for i, word in enumerate(said)):
        return None
    left = sum(1 for i, word in enumerate(said) if not used[i] and word not in STOP_WORDS)
    score = key_found / key_total - FILLER_COST * left - TYPO_COST * typos
    return (score, slots) if score >= MIN_FIT else None


def slot_types(query: Any, slot: str) -> list[str] | None:
    """The entity types a slot takes: its parameter's, or, for a rows slot, its column's
    (a column named as a type: strategy, factor, actor...)."""
    param = query.parameters.get(slot)
    if param is not None:
        return list(param.types) or None
    return {"strategy": ["Strategy"], "factor": ["SuccessFactor"],
            "actor": ["Person", "Organisation", "Role"]}.get(slot)


def understand(question: str, queries: list[Any], resolve: Any) -> Match | None:
    """The best canned query for ``question`` (see the module docstring), or None.

    ``resolve(text, types)`` gives the id of the entity the words name, or None."""
    from rapidfuzz.distance import Levenshtein

    said = words(question)
    if not said:
        return None
    said_stems = stems(said)
    by_name = {q.name: q for q in queries}

    phrases = phrases_of(queries)
    literal = {value for p in phrases for kind, value, _ in p.tokens if kind == "word"}

    def typo(word: str, stem: str) -> bool:
        """A misspelling of the phrase's word (never another word the phrases use)."""
        edits = max_edits(stem)
        return (bool(edits) and len(word) >= 4 and _stem(word) not in literal
                and Levenshtein.distance(_stem(word), stem, score_cutoff=edits) <= edits)

    best: Match | None = None
    for phrase in phrases:
        fitted = align(phrase, said, said_stems, typo)
        if fitted is None or (best is not None and fitted[0] <= best.score):
            continue
        score, slots = fitted
        query = by_name[phrase.query]
        match = Match(phrase.query, phrase.text, score)
        for slot in [v for k, v, _ in phrase.tokens if k == "slot"]:
            text = " ".join(w for w in slots.get(slot, []))
            found = resolve(text, slot_types(query, slot)) if _has_content(text) else None
            if found is None:
                match = None
                break
            match.slots[slot] = text
            if slot == phrase.rows:
                match.rows[slot] = found
            else:
                match.parameters[slot] = found
        if match is not None:
            best = match
    return best


def _has_content(text: str) -> bool:
    return any(w not in STOP_WORDS for w in text.split())


def keep_rows(rows: list[dict[str, Any]], wanted: dict[str, str]) -> list[dict[str, Any]]:
    """The rows whose columns hold the wanted values."""
    return [row for row in rows if all(row.get(c) == v for c, v in wanted.items())]


def name_resolver(index: Any, groups: list[list[str]]) -> Any:
    """``resolve(words, types)`` for :func:`understand`: the id of the entity whose label,
    alias or id holds every concept of the words (the search's top hit), or None."""
    from kg.ask.search import search

    def resolve(text: str, types: list[str] | None) -> str | None:
        try:
            found = search(index, text, limit=1, types=types, groups=groups)
        except ValueError:
            return None
        if not found.hits:
            return None
        hit = found.hits[0]
        held, total = hit["covers"].split("/")
        if hit["matched"] not in ("label", "alias", "id") or held != total:
            return None
        import json

        label, aliases = index.execute("SELECT label, aliases FROM entities WHERE slug = ?",
                                       (hit["id"],)).fetchone()
        given = len([w for w in words(text) if w not in STOP_WORDS])
        shortest = min(len([w for w in words(name) if w not in STOP_WORDS])
                       for name in [label, *json.loads(aliases)])
        if shortest - given > MAX_UNSAID:  # "the strategies" is not a strategy's name
            return None
        return str(hit["id"])

    return resolve
