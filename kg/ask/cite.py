"""How a source is named when its words are shown: "Centre for Mental Health (2016)",
"Lawton-Smith, S. and McCulloch, A. (2013)". The line under a quote names the source that
holds the words, never the entity the words are about."""

from __future__ import annotations

from typing import Any

from kg.ask.queries import PREFIXES
from kg.data.schema import VOICE_WORDS

__all__ = ["attribution", "name_of", "source_names", "sources_named", "whose"]

# Creators as printed (creatorName); else the entities the source names as its author.
Q_SOURCES = """SELECT ?s ?slug ?label ?creator ?author ?issued WHERE {
  ?s a mhkg:Source ; mhkg:slug ?slug ; rdfs:label ?label .
  OPTIONAL { ?s mhkg:creatorName ?creator }
  OPTIONAL { ?s mhkg:author ?a . ?a rdfs:label ?author }
  OPTIONAL { ?s dct:issued ?issued } }"""


def source_names(store: Any, slugs: Any = None) -> dict[str, str]:
    """Source id -> its creators and year (its title when it names no creator); only the
    sources in ``slugs`` when given (each looked up with its id bound as a term: naming
    every source took 0.1 s of each answer at 100 times the shipped data)."""
    import pyoxigraph as ox

    if slugs is None:
        solutions: Any = store.query(Q_SOURCES, prefixes=PREFIXES)
    else:  # each source found by its id (an index lookup), then its names
        slug_of = ox.NamedNode(PREFIXES["mhkg"] + "slug")
        subjects = {quad.subject for slug in set(slugs) if isinstance(slug, str) and slug
                    for quad in store.quads_for_pattern(None, slug_of, ox.Literal(slug), None)}
        solutions = (row for subject in subjects for row in store.query(
            Q_SOURCES, prefixes=PREFIXES, substitutions={ox.Variable("s"): subject}))
    found: dict[str, tuple[str, set[str], set[str], str]] = {}
    for row in solutions:
        slug = row["slug"].value
        label, creators, authors, year = found.get(slug, (row["label"].value, set(), set(), ""))
        if row["creator"] is not None:
            creators.add(row["creator"].value)
        if row["author"] is not None:
            authors.add(row["author"].value)
        if row["issued"] is not None:
            year = row["issued"].value[:4]
        found[slug] = (label, creators, authors, year)
    return {slug: name_of(label, sorted(creators or authors), year)
            for slug, (label, creators, authors, year) in found.items()}


def sources_named(rows: list[dict[str, Any]]) -> set[str]:
    """The source ids in an answer's rows, and in the rows collected into them."""
    found: set[str] = set()
    for row in rows:
        for column, value in row.items():
            if column == "source" and isinstance(value, str):
                found.add(value)
            elif isinstance(value, list):
                found |= sources_named([item for item in value if isinstance(item, dict)])
    return found


def name_of(label: str, creators: list[str], year: str) -> str:
    who = (" and ".join(creators) if len(creators) <= 2
           else ", ".join(creators[:-1]) + " and " + creators[-1]) if creators else label
    return f"{who} ({year})" if year else who


def whose(voice: str | None, named: str | None, locator: str | None = None,
          cites: str | None = None) -> str:
    """Whose words, where: the source that holds them, named as it is cited, never the entity
    they are about: "Centre for Mental Health (2016), section '4. Scrutiny'", or, when the
    words are not the authors' own, "focus group participants, in Centre for Mental Health
    (2016), section '4. Scrutiny'"."""
    voice = voice or "authors"
    where = ", ".join(filter(None, [named, f"section '{locator}'" if locator else None]))
    if voice == "authors":
        return where or VOICE_WORDS[voice]
    if voice == "cited" and cites:
        return f"{cites}, quoted in {where}" if where else f"{cites}, quoted"
    who = VOICE_WORDS.get(voice, voice)
    return f"{who}, in {where}" if where else who


def attribution(names: dict[str, str]) -> Any:
    """For a table: a row (or a search hit) with a quote and its source -> the line after the
    quote, "— Centre for Mental Health (2016), section 'Money'"."""
    def attribute(row: dict[str, Any]) -> str:
        source = str(row.get("source") or "")
        return "— " + whose(row.get("voice"), names.get(source, source) or None,
                            row.get("locator"), row.get("cites"))
    return attribute
