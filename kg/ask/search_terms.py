"""The words of a search, the same for ``mhkg search`` and the explorer's search box.

A query goes through four steps, each done the same way by ``assets/search.js`` (the
parity test in ``tests/views/test_search_parity.py`` runs both on the same queries):

1. **Words**: the text is folded (:func:`fold`: case, accents, quote marks and dashes) and
   split into runs of letters and digits.
2. **Stop words** ("the", "for", "which", ...) are dropped from the query (never from the
   indexed text, so both engines see the same document lengths).
3. **Synonyms**: when the query holds a member of a synonym group (a word, or a phrase as
   consecutive words), the other members' words are searched too.
4. **Unknown words**: a word the index does not hold (neither it nor its stem) is
   completed as a prefix (``evalu`` → evaluate, evaluated, ...), or else corrected to the
   indexed words within a small edit distance (``Bradly`` → bradley, ``Appelby`` →
   appleby): 1 edit for words of 4 to 6 letters, 2 for longer words.

Stemming itself (Porter) is done by the engines: SQLite FTS5's ``porter`` tokenizer on the
command line, the ``stemmer`` package in the browser (the parity test checks they agree on
every word of the data).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.data.sources import normalise
from kg.data.synonyms import DATA_SYNONYMS, group_problems

WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset("""
a about an and any are as at be been being but by can could did do does for from had has
have how i in into is it its me my of on or our so than that the their them then there these
they this those to was we were what when where which while who whom whose why will with would
you your no not show me tell list give find all some there
""".split())
MAX_COMPLETIONS = 8  # of an unknown word taken as a prefix
MAX_CORRECTIONS = 4  # of an unknown word taken as a typo
MIN_PREFIX = 3  # letters before a word is completed
COMPLETION_POOL = 50  # completions read (shortest first) before picking distinct stems
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
                         "−": "-", "\u00ad": None})
PACKAGE_SYNONYMS = Path(__file__).with_name("synonyms.yaml")


def fold(text: str) -> str:
    """Text for matching: quote marks and dashes made plain, ligatures and accents taken
    apart (NFKD, accents dropped), lower case."""
    if text.isascii():  # the common case, and the fast one
        return " ".join(text.split()).lower()
    text = normalise(text).translate(_DASHES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return text.lower()  # not casefold(): FTS5 keeps ß, as JavaScript's toLowerCase() does


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return WORD.findall(fold(text))


def query_words(text: str) -> list[str]:
    """The words of a query without its stop words (all of them if nothing else is left)."""
    every = words(text)
    content = [w for w in every if w not in STOP_WORDS]
    return content or every


def max_edits(word: str) -> int:
    """How many edits a typo of ``word`` may hold."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


@dataclass
class Plan:
    """What a query searches for. ``concepts`` are the query's words, each a list of
    alternatives (the word, or its completions or corrections, and its synonyms); an
    alternative is one word, or the words of a phrase that must all be found (a synonym
    phrase: "children and young people" is children AND young AND people). A document that
    holds more concepts ranks first. ``terms``: every word searched, each stem once."""

    words: list[str]
    concepts: list[list[list[str]]] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)  # member -> what it added
    completed: dict[str, list[str]] = field(default_factory=dict)  # prefix -> words
    corrected: dict[str, list[str]] = field(default_factory=dict)  # typo -> words
    unknown: list[str] = field(default_factory=list)  # words nothing was found for

    @property
    def terms(self) -> list[str]:
        out: list[str] = []
        for concept in self.concepts:
            for alternative in concept:
                _add(out, alternative)
        return out

    def notes(self) -> list[str]:
        """One line per rewrite, e.g. ``"Bradly" read as bradley``."""
        out = [f"\"{k}\" also searched as {', '.join(v)}" for k, v in self.synonyms.items()]
        out += [f"\"{k}\" completed as {', '.join(v)}" for k, v in self.completed.items()]
        out += [f"\"{k}\" read as {', '.join(v)}" for k, v in self.corrected.items()]
        return out

    def as_json(self) -> dict[str, Any]:
        return {"words": self.words, "concepts": self.concepts, "terms": self.terms,
                "synonyms": self.synonyms, "completed": self.completed,
                "corrected": self.corrected, "unknown": self.unknown}


def concepts_of(found: list[str], groups: list[list[str]]
                ) -> tuple[list[list[list[str]]], dict[str, list[str]]]:
    """The query's concepts before unknown words are resolved: one per word; where a
    synonym group's member (a word, or a phrase as consecutive words) is in the query, its
    words become one concept, an alternative of their own (all of them needed), beside the
    group's other members (a phrase member: all its words needed). Also, for the reader,
    member -> the members added."""
    owner = list(range(len(found)))  # word index -> concept index
    concepts: list[list[list[str]]] = [[[w]] for w in found]
    added: dict[str, list[str]] = {}
    for group in groups:
        members = [query_words(member) for member in group]
        spans = [(i, len(m), k) for k, m in enumerate(members) if m
                 for i in _positions(found, m)]
        if not spans:
            continue
        target = owner[spans[0][0]]
        for start, size, _ in spans:
            span = found[start:start + size]
            for at in range(start, start + size):
                source = owner[at]
                if source != target:
                    concepts[target] += [a for a in concepts[source] if a not in concepts[target]]
                    concepts[source] = []
                    owner = [target if o == source else o for o in owner]
            if size > 1:  # the phrase the user wrote: all its words, not any of them
                concepts[target] = [a for a in concepts[target] if not (len(a) == 1
                                                                        and a[0] in span)]
                if span not in concepts[target]:
                    concepts[target].insert(0, span)
        hit = group[spans[0][2]]
        fresh = [m for m in members if m and m not in concepts[target]]
        if fresh:
            concepts[target] += fresh
            added[hit] = [" ".join(m) for m in fresh]
    return [c for c in concepts if c], added


def _positions(found: list[str], phrase: list[str]) -> list[int]:
    size = len(phrase)
    return [i for i in range(len(found) - size + 1) if found[i:i + size] == phrase]


def plan(text: str, groups: list[list[str]], known: Callable[[str], bool],
         completions: Callable[[str], list[str]],
         corrections: Callable[[str, int], list[str]],
         stem: Callable[[str], str] = lambda word: word) -> Plan:
    """The search plan for ``text`` against an index (see the module docstring).

    ``known(word)``: the index holds the word or its stem; ``completions(prefix)``: up to
    COMPLETION_POOL indexed words that begin with it, shortest first; ``corrections(word,
    edits)``: indexed words at most ``edits`` edits away, closest first (each sorted the same
    way as search.js). ``stem``: the index's stemmer; within a concept, a word whose stem an
    earlier alternative has is not searched again (implement, implemented, implementation
    are one), and a phrase only when none of its stems is there already and all its words
    are in the index."""
    found = list(dict.fromkeys(query_words(text)))
    result = Plan(found)
    rough, result.synonyms = concepts_of(found, groups)
    seen: set[str] = set()

    def fresh(words: list[str], most: int) -> list[str]:
        picked: list[str] = []
        for word in words:
            if len(picked) == most:
                break
            root = stem(word)
            if root not in seen:
                seen.add(root)
                picked.append(word)
        return picked

    for concept in rough:
        alternatives: list[list[str]] = []
        seen.clear()
        for alternative in concept:
            if len(alternative) > 1:  # a phrase: all its words, as they are
                roots = [stem(w) for w in alternative]
                if all(known(w) for w in alternative) and not seen & set(roots):
                    seen.update(roots)
                    alternatives.append(list(alternative))
                continue
            word = alternative[0]
            if known(word):
                alternatives += [[w] for w in fresh([word], 1)]
                continue
            more = fresh(completions(word), MAX_COMPLETIONS) if len(word) >= MIN_PREFIX else []
            if more:
                result.completed[word] = more
            elif max_edits(word):
                more = fresh(corrections(word, max_edits(word)), MAX_CORRECTIONS)
                if more:
                    result.corrected[word] = more
            if more:
                alternatives += [[w] for w in more]
            elif word in found and not known(word):
                result.unknown.append(word)
        if alternatives:
            result.concepts.append(alternatives)
    return result


def _add(terms: list[str], new: Iterable[str]) -> None:
    terms.extend(w for w in new if w not in terms)


def synonym_groups(data: Path | None = None) -> list[list[str]]:
    """The package's synonym groups, then those of ``<data>/synonyms.yaml`` if it exists."""
    groups = _read_groups(PACKAGE_SYNONYMS)
    if data is not None and (data / DATA_SYNONYMS).is_file():
        groups += _read_groups(data / DATA_SYNONYMS)
    return groups


def _read_groups(path: Path) -> list[list[str]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser, as for the data
    loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    problems = group_problems(loaded.get("synonyms") if isinstance(loaded, dict) else loaded)
    if problems:  # validation reports these with lines; here the file is skipped
        return []
    return [[str(member) for member in group] for group in loaded["synonyms"]]
