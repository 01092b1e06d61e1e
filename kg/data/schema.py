"""What a data file may say: entity types, their kinds and fields, and the value lists.

Relation predicates are not listed here: they come from the ontology (every
property typed ``mhkg:RelationProperty``), see :mod:`kg.ontology`.
"""

from __future__ import annotations

import re

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_QUOTE = 400  # characters, after normalising whitespace

# The path segment of each type's identifiers: https://w3id.org/mhkg/id/<path>/<slug>
TYPE_PATHS = {
    "Strategy": "strategy",
    "SuccessFactor": "factor",
    "Framework": "framework",
    "FrameworkElement": "framework-element",
    "Organisation": "organisation",
    "Person": "person",
    "Role": "role",
    "Source": "source",
    "Recommendation": "recommendation",
    "Comparator": "comparator",
}

KINDS: dict[str, list[str]] = {
    "Strategy": ["national-service-framework", "plan", "strategy", "programme", "report",
                 "review", "inquiry", "concordat", "implementation-framework", "legislation",
                 "service-model", "process", "policy-shift", "vision", "care-model"],
    "Organisation": ["government", "nhs-body", "arms-length-body", "implementation-body",
                     "voluntary-sector", "think-tank", "campaign", "partnership", "commissioner",
                     "provider", "network", "programme", "group", "service", "research"],
    "Source": ["review", "evaluation", "report", "book", "guide", "personal-communication"],
    "Comparator": ["country", "province"],
}

COMMON_FIELDS = {"id", "type", "label", "aliases", "kind", "description", "note", "relations"}

# Field name -> how it is read (see kg.model).
TYPE_FIELDS: dict[str, dict[str, str]] = {
    "Strategy": {"published": "date", "started": "date", "ended": "date", "verdict": "verdict",
                 "counts": "counts", "funding": "funding", "outcomes": "outcomes",
                 "assessments": "assessments"},
    "Organisation": {"established": "date", "ended": "date", "counts": "counts"},
    "Person": {},
    "Role": {},
    "Source": {"citation": "text", "creators": "strings", "published": "date", "text": "string",
               "sections": "strings", "counts": "counts", "limitations": "text"},
    "SuccessFactor": {"notation": "integer", "definition": "text"},
    "Framework": {},
    "FrameworkElement": {"scheme": "scheme", "notation": "integer", "definition": "text"},
    "Recommendation": {"notation": "integer", "statement": "text"},
    "Comparator": {"lessons": "lessons"},
}

VERDICTS = {"successful": "Successful", "successful-in-part": "SuccessfulInPart",
            "unsuccessful": "Unsuccessful", "too-early-to-tell": "TooEarlyToTell"}
POLARITIES = {"helped": "Helped", "hindered": "Hindered", "mixed": "Mixed"}
OUTCOME_STATUSES = {"achieved": "Achieved", "sustained": "Sustained",
                    "partly-sustained": "PartlySustained", "withdrawn": "Withdrawn",
                    "limited": "Limited", "ongoing": "Ongoing"}
COUNTS = {"action_points": "actionPointCount", "recommendations": "recommendationCount",
          "standards": "standardCount", "targets": "targetCount",
          "participants": "participantCount", "focus_groups": "focusGroupCount",
          "interviews": "interviewCount", "signatories": "signatoryCount"}
# Field name -> property (prefixed name) for evidenced attribute claims.
CLAIM_PROPERTIES = {"published": "dct:issued", "started": "mhkg:started", "ended": "mhkg:ended",
                    "established": "mhkg:established", "description": "dct:description",
                    "definition": "skos:definition", "citation": "dct:bibliographicCitation",
                    "statement": "mhkg:statement", "limitations": "mhkg:limitations",
                    "verdict": "mhkg:verdict"}
EVIDENCE_FIELDS = {"quote", "locator", "source", "cites"}
FUNDING_FIELDS = {"description", "amount", "currency", "period", "start", "end", "additional",
                  "funder", "evidence", "note"}
OUTCOME_FIELDS = {"description", "status", "evidence", "note"}
ASSESSMENT_FIELDS = {"factor", "polarity", "evidence", "note"}
RELATION_FIELDS = {"predicate", "object", "evidence", "basis", "note"}
LESSON_FIELDS = {"text", "factors", "evidence", "note"}
BASES = {"source", "editorial"}
