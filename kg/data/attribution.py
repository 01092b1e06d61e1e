"""Never cut an attribution: the words just before a quote (or a trailing "(focus group
participant)") that say whose words it is must be matched by the evidence's voice, or be
inside the quote.

"The views of focus group participants were largely negative" is not the same claim as "the
strategy failed". When the sentence a quote sits in begins "One participant described how",
"Some participants, however, noted that" or "was viewed by several focus group participants
as", the quote is testimony, not the review's finding: its ``voice`` must say so.
"""

from __future__ import annotations

import re

from kg.data.sources import normalise

# Words in the lead-in that give the quote to the people the review heard.
_PARTICIPANTS = re.compile(
    r"\b(participants?|interviewees?|focus groups?|one of them|others (?:spoke|noted|felt|said|"
    r"described|argued))\b", re.IGNORECASE)
# A lead-in that reports someone's words: "X noted that", "as Y put it", "(Appleby 2004) argued".
_REPORTING = re.compile(
    r"\b(noted|argued|described|felt|said|observed|reported|concluded|suggested|commented|"
    r"remarked|explained|recalled|put it)\b(?: (?:how|that))?[\s,:'\"]*$", re.IGNORECASE)
_TRAILING = re.compile(r"^\s*['\"’”]?\s*\((?:focus group )?participants?\)", re.IGNORECASE)

EXPECTED = {"participants": ("participants", "participant"),
            "reported": ("cited", "participants", "participant")}


def attribution(before: str, quote: str, after: str) -> tuple[str, str] | None:
    """(kind, words) when the context attributes the quote and the quote does not carry the
    attribution itself; kind is ``participants`` or ``reported``."""
    quote_text = normalise(quote)
    trailing = _TRAILING.match(after)
    if trailing and not _PARTICIPANTS.search(quote_text):
        return "participants", trailing.group(0).strip()
    # A parenthesis such as "'messianic practitioners' (focus group participant)" attributes
    # the words before it, not the sentence that follows.
    lead = re.sub(r"\([^)]*\)", " ", before).strip()
    if not lead:
        return None
    if _PARTICIPANTS.search(quote_text):
        return None  # the quote carries its attribution
    if _PARTICIPANTS.search(lead):
        return "participants", lead
    if _REPORTING.search(lead):
        return "reported", lead
    return None


def voice_problem(voice: str, before: str, quote: str, after: str) -> str | None:
    """What is wrong when the voice does not match the attribution around the quote."""
    found = attribution(before, quote, after)
    if found is None:
        return None
    kind, words = found
    if voice in EXPECTED[kind]:
        return None
    shown = words if len(words) <= 80 else "…" + words[-79:]
    wanted = ("participants or participant" if kind == "participants"
              else "cited (with cites:), participants or participant")
    return (f"the words around this quote attribute it ({shown!r}) but its voice is {voice}: "
            f"give it voice {wanted}, or begin the quote with those words")
