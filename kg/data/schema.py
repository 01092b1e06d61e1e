"""The one schema: what a data file may say, declared once.

Every entity type, its fields, how each field is read, the property it becomes in the
compiled graph, whether it is required or may hold several values, its allowed values and
its documentation live in :data:`TYPES` and the part declarations below. Everything else
is derived from them:

- the reader's field checks (:mod:`kg.data.model` uses the derived sets and maps at the
  end of this module);
- the JSON Schema for editors (:mod:`kg.data.jsonschema`, shipped as
  ``docs/mhkg-data.schema.json`` and printed by ``mhkg schema``);
- the field tables of ``docs/data-format.md`` (:func:`kg.data.jsonschema.markdown_tables`,
  tested to match);
- and a test holds the ontology and the SHACL shapes to it (every field's property declared,
  with the right domain, range and cardinality).

Relation predicates are not listed here: they come from the ontology (every property typed
``mhkg:RelationProperty``), see :mod:`kg.data.ontology`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_QUOTE = 400  # characters, after normalising whitespace
MAX_TEXT = 4000  # characters in any one text field: a sentence or a short paragraph

# How a field is read (see kg.data.model): claims carry evidence, parts are nodes of their own
# with evidence, plain fields carry none.
CLAIM_KINDS = ("date", "text", "verdict", "flag")
PART_KINDS = ("funding", "outcomes", "assessments", "lessons")
PLAIN_KINDS = ("strings", "string", "integer", "scheme", "refs", "link")
READERS = CLAIM_KINDS + ("counts",) + PART_KINDS + PLAIN_KINDS


@dataclass(frozen=True)
class Field:
    """One field of an entity or of a part (funding, outcome, assessment, lesson, evidence)."""

    name: str
    kind: str  # one of READERS for an entity field; a value kind for a part's field
    doc: str
    property: str | None = None  # its predicate in the compiled graph (prefixed name)
    required: bool = False
    many: bool = False  # may hold several values in the graph
    values: tuple[str, ...] = ()  # the allowed values, where there is a fixed list
    range: str | None = None  # the class of a referenced entity


@dataclass(frozen=True)
class EntityType:
    name: str
    path: str  # the IRI path segment: https://w3id.org/mhkg/id/<path>/<slug>
    doc: str
    kinds: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()


# ---- value lists: the YAML word -> the ontology individual (mhkg:<name>) ---------------------
VERDICTS = {"successful": "Successful", "successful-in-part": "SuccessfulInPart",
            "unsuccessful": "Unsuccessful", "too-early-to-tell": "TooEarlyToTell"}
POLARITIES = {"helped": "Helped", "hindered": "Hindered", "mixed": "Mixed"}
OUTCOME_STATUSES = {"achieved": "Achieved", "sustained": "Sustained",
                    "partly-sustained": "PartlySustained", "withdrawn": "Withdrawn",
                    "limited": "Limited", "ongoing": "Ongoing"}
# counts: the YAML name -> the property's local name (mhkg:<name>)
COUNTS = {"action_points": "actionPointCount", "recommendations": "recommendationCount",
          "standards": "standardCount", "targets": "targetCount",
          "participants": "participantCount", "focus_groups": "focusGroupCount",
          "interviews": "interviewCount", "signatories": "signatoryCount"}
BASES = {"source", "editorial"}
# How each voice reads in a sentence: "— focus group participants, in cmh-2016, section 4. Scrutiny"
VOICE_WORDS = {"authors": "the authors", "cited": "a work it cites",
               "participants": "focus group participants",
               "participant": "a focus group participant"}
# stance: which way one quote shows a factor working for a strategy (the Polarity individuals)
STANCES = {"helped": "Helped", "hindered": "Hindered"}
# a factor link's type: the YAML word -> the relation's local name (mhkg:<name>) between factors
LINKS = {"enables": "enables", "depends-on": "dependsOn", "works-with": "worksWith"}
LINK_FIELDS = {"from", "type", "to"}
# voice: whose words a quote reports -> the ontology individual (mhkg:<name>)
VOICES = {"authors": "AuthorsVoice", "cited": "CitedVoice", "participants": "ParticipantsVoice",
          "participant": "ParticipantVoice"}

# ---- the fields every entity has --------------------------------------------------------------
COMMON = (
    Field("id", "slug", "a slug of lower-case letters, digits and hyphens, unique across all "
          "files", "mhkg:slug", required=True),
    Field("type", "type", "the entity type (below)", "rdf:type", required=True),
    Field("label", "string", "its name", "rdfs:label", required=True),
    Field("aliases", "strings", "other names and abbreviations (no evidence needed)",
          "skos:altLabel", many=True),
    Field("kind", "string", "what sort of thing it is, from the type's list of kinds",
          "mhkg:kind"),
    Field("description", "text", "a sentence written for the project that the evidence "
          "supports", "dct:description"),
    Field("note", "string", "an editorial remark, not a fact (no evidence)", "mhkg:note"),
    Field("relations", "relations", "evidenced links to other entities (see Relations)",
          many=True),
)

_DATE_DOC = ("(date claim: YYYY, YYYY-MM or YYYY-MM-DD; a list of claims where sources "
             "differ)")
_MANY = "; a list of claims where sources or voices differ"


def _counts(doc: str) -> Field:
    return Field("counts", "counts", doc + ": any of " + ", ".join(COUNTS) + _MANY, many=True)


TYPES: dict[str, EntityType] = {t.name: t for t in (
    EntityType(
        "Strategy", "strategy", "a strategy, policy, programme, report or review",
        kinds=("national-service-framework", "plan", "strategy", "programme", "report",
               "review", "inquiry", "concordat", "implementation-framework", "legislation",
               "service-model", "process", "policy-shift", "vision", "care-model"),
        fields=(
            Field("published", "date", f"when it was published {_DATE_DOC}", "dct:issued",
                  many=True),
            Field("started", "date", f"when implementation began {_DATE_DOC}", "mhkg:started",
                  many=True),
            Field("ended", "date", f"when it came to an end {_DATE_DOC}", "mhkg:ended",
                  many=True),
            Field("verdict", "verdict", "a source's overall judgement" + _MANY, "mhkg:verdict",
                  values=tuple(VERDICTS), range="mhkg:Verdict", many=True),
            Field("formally_evaluated", "flag", "whether the source says it was formally "
                  "evaluated (true or false, a claim with evidence); record `false` only where "
                  "the source says there was no evaluation", "mhkg:formallyEvaluated"),
            _counts("evidenced numbers (integer claims)"),
            Field("funding", "funding", "the money that came with it (list)", "mhkg:hasFunding",
                  many=True, range="mhkg:Funding"),
            Field("outcomes", "outcomes", "what happened (list)", "mhkg:hasOutcome", many=True,
                  range="mhkg:Outcome"),
            Field("assessments", "assessments", "one per factor the source discusses for it "
                  "(list); none otherwise", "^mhkg:assesses", many=True, range="mhkg:Assessment"),
        )),
    EntityType(
        "Organisation", "organisation", "a body: government, NHS, voluntary sector, ...",
        kinds=("government", "nhs-body", "arms-length-body", "implementation-body",
               "voluntary-sector", "think-tank", "campaign", "partnership", "commissioner",
               "provider", "network", "programme", "group", "service", "research"),
        fields=(
            Field("established", "date", f"when it was set up {_DATE_DOC}", "mhkg:established",
                  many=True),
            Field("ended", "date", f"when it came to an end {_DATE_DOC}", "mhkg:ended",
                  many=True),
            _counts("evidenced numbers (integer claims)"),
        )),
    EntityType("Person", "person", "a named person"),
    EntityType("Role", "role", "a post, e.g. national clinical director for mental health"),
    EntityType(
        "Source", "source", "a bibliographic source, including the 2016 review itself",
        kinds=("review", "evaluation", "report", "book", "guide", "personal-communication"),
        fields=(
            Field("citation", "text", "the reference-list entry (`{text, evidence}`)",
                  "dct:bibliographicCitation"),
            Field("creators", "strings", "name strings as printed", "mhkg:creatorName",
                  many=True),
            Field("published", "date", f"when it was published {_DATE_DOC}", "dct:issued",
                  many=True),
            Field("text", "string", "file name of its full text in the sources folder, if any",
                  "mhkg:textFile"),
            Field("sections", "strings", "its section headings, needed when `text` is given",
                  "mhkg:section", many=True),
            _counts("evidenced numbers (integer claims)"),
            Field("limitations", "text", "what the source says of its own limits "
                  "(`{text, evidence}`)", "mhkg:limitations"),
            Field("place", "text", "where it was published, as its reference or imprint "
                  "names it (`{text, evidence}`): the city of a citation", "mhkg:place"),
        )),
    EntityType(
        "SuccessFactor", "factor", "one of the twelve success factors",
        fields=(
            Field("notation", "integer", "its number, 1-12, in the review's order",
                  "skos:notation", required=True),
            Field("definition", "text", "what it means (`{text, evidence}`)", "skos:definition",
                  required=True),
        )),
    EntityType("Framework", "framework",
               "a scheme of factors, e.g. the Health Foundation's seven"),
    EntityType(
        "FrameworkElement", "framework-element", "one element of another factor framework",
        fields=(
            Field("scheme", "scheme", "id of its Framework", "skos:inScheme", required=True,
                  range="mhkg:Framework"),
            Field("notation", "integer", "its number in its framework", "skos:notation"),
            Field("definition", "text", "what it means (`{text, evidence}`)",
                  "skos:definition"),
        )),
    EntityType(
        "Recommendation", "recommendation", "one of the review's seven recommendations",
        fields=(
            Field("notation", "integer", "its number, 1-7", "skos:notation", required=True),
            Field("statement", "text", "what it recommends (`{text, evidence}`)",
                  "mhkg:statement", required=True),
        )),
    EntityType(
        "Finding", "finding", "what the review concludes across strategies: a link between "
        "factors, an unintended consequence, a lesson, a dilemma, a gap, a barrier or an "
        "observation",
        kinds=("factor-link", "unintended-consequence", "lesson", "dilemma", "gap", "barrier",
               "observation"),
        fields=(
            Field("statement", "text", "what it finds: a sentence written for the project that "
                  "its evidence supports (`{text, evidence}`)", "mhkg:statement", required=True),
            Field("concerns", "refs", "the entities it bears on (strategies, factors, actors, "
                  "ideas, comparators); a link's factors are added", "mhkg:concerns", many=True),
            Field("link", "link", "a factor-link's link (required there, nowhere else): "
                  "`{from: factor, type: enables | depends-on | works-with, to: factor or list}`; "
                  "the statement's evidence is the link's"),
        )),
    EntityType(
        "Idea", "idea", "a service model, power, standard or principle the review discusses "
        "(crisis resolution teams, street triage, parity of esteem, ...)",
        kinds=("service-model", "legal-power", "standard", "principle")),
    EntityType(
        "Question", "question", "a question a source put to its participants",
        fields=(
            Field("notation", "integer", "its number in the source's list", "skos:notation",
                  required=True),
            Field("statement", "text", "the question, verbatim where it is short "
                  "(`{text, evidence}`)", "mhkg:statement", required=True),
        )),
    EntityType(
        "Comparator", "comparator", "a country or province the review compares England with",
        kinds=("country", "province"),
        fields=(
            Field("lessons", "lessons", "what it teaches (list of `{text, factors, evidence}`)",
                  "mhkg:hasLesson", many=True, range="mhkg:Lesson"),
        )),
)}

# ---- the parts: nodes of their own, each with evidence ------------------------------------------
EVIDENCE = (
    Field("quote", "string", "verbatim from the source, a sentence or two at most "
          f"({MAX_QUOTE} characters)", "mhkg:quote", required=True),
    Field("locator", "string", "the section heading it is under", "mhkg:locator",
          required=True),
    Field("source", "ref", "the source id (optional when the file sets evidence_source)",
          "dct:source", required=True, range="mhkg:Source"),
    Field("cites", "ref", "the work the source quotes here, if any", "mhkg:cites",
          range="mhkg:Source"),
    Field("voice", "choice", "whose words these are: the source's authors, a work it cites "
          "(give `cites`), focus-group participants in general, or one or some of them "
          "(default: cited when `cites` is given, else authors)", "mhkg:voice",
          values=tuple(VOICES), range="mhkg:Voice"),
    Field("stance", "choice", "under an assessment (required there, nowhere else): which way "
          "this quote shows the factor working", "mhkg:stance", values=tuple(STANCES),
          range="mhkg:Polarity"),
    Field("scope", "string", "under an assessment: the part of the strategy the stance holds "
          "for, when it holds only for a part; such a quote is an exception, not evidence for "
          "the overall polarity", "mhkg:scope"),
)
_EVIDENCE = Field("evidence", "evidence", "the quotes that show it (a non-empty list)",
                  "mhkg:hasEvidence", required=True, many=True, range="mhkg:Evidence")
_NOTE = Field("note", "string", "an editorial remark", "mhkg:note")

FUNDING = (
    Field("description", "string", "what the money was", "dct:description", required=True),
    Field("amount", "number", "how much (a number; needs a currency)", "mhkg:amount"),
    Field("currency", "currency", "an ISO 4217 code such as GBP", "mhkg:currency"),
    Field("period", "string", "over what period, in words", "mhkg:period"),
    Field("start", "date", "from when", "mhkg:started"),
    Field("end", "date", "until when", "mhkg:ended"),
    Field("additional", "boolean", "new money (true), or none / existing money (false)",
          "mhkg:additional"),
    Field("funder", "ref", "the actor who paid", "mhkg:funder", range="mhkg:Actor"),
    _EVIDENCE, _NOTE,
)
OUTCOMES = (
    Field("description", "string", "what happened", "dct:description", required=True),
    Field("status", "choice", "how it fared", "mhkg:outcomeStatus",
          values=tuple(OUTCOME_STATUSES), range="mhkg:OutcomeStatus"),
    _EVIDENCE, _NOTE,
)
ASSESSMENTS = (
    Field("factor", "ref", "the success factor", "mhkg:factor", required=True,
          range="mhkg:SuccessFactor"),
    Field("polarity", "choice", "optional: derived from the stances of the quotes without a "
          "scope (helped only, hindered only, both: mixed); when stated, validate reports a "
          "contradiction", "mhkg:polarity", values=tuple(POLARITIES), range="mhkg:Polarity"),
    _EVIDENCE, _NOTE,
)
LESSONS = (
    Field("text", "string", "the lesson", "dct:description", required=True),
    Field("factors", "refs", "the factors it bears on", "mhkg:bearsOn", many=True,
          range="mhkg:SuccessFactor"),
    _EVIDENCE, _NOTE,
)
RELATIONS = (
    Field("predicate", "predicate", "one of the relation names (see Relations)",
          required=True),
    Field("object", "ref", "the entity it points at", required=True),
    Field("basis", "choice", "source (the default) or editorial (a curator's mapping)",
          "mhkg:basis", values=tuple(sorted(BASES))),
    _EVIDENCE, _NOTE,
)
PARTS: dict[str, tuple[Field, ...]] = {"funding": FUNDING, "outcomes": OUTCOMES,
                                       "assessments": ASSESSMENTS, "lessons": LESSONS}
# The class of each part's node in the graph.
PART_CLASSES = {"funding": "Funding", "outcomes": "Outcome", "assessments": "Assessment",
                "lessons": "Lesson"}


def names(fields: tuple[Field, ...]) -> set[str]:
    return {f.name for f in fields}


# ---- derived: what kg.data.model and kg.data.compile read --------------------------------------
TYPE_PATHS = {name: t.path for name, t in TYPES.items()}
KINDS: dict[str, list[str]] = {name: list(t.kinds) for name, t in TYPES.items() if t.kinds}
COMMON_FIELDS = names(COMMON)
# Field name -> how it is read (see kg.data.model).
TYPE_FIELDS: dict[str, dict[str, str]] = {
    name: {f.name: f.kind for f in t.fields} for name, t in TYPES.items()}
# Field name -> property (prefixed name) for evidenced attribute claims.
CLAIM_PROPERTIES = {f.name: f.property for t in TYPES.values() for f in (*COMMON, *t.fields)
                    if f.kind in CLAIM_KINDS and f.property}
# Claims that may hold several values, each with its own evidence: where sources or voices
# disagree, every value is kept and shown, never one chosen. Type -> its field names; and the
# local names of their properties (what `show` marks when the values differ).
MANY_VALUED = {name: {f.name for f in t.fields if f.many and f.kind in (*CLAIM_KINDS, "counts")}
               for name, t in TYPES.items()}
DISPUTABLE = ({f.property.split(":", 1)[1] for t in TYPES.values() for f in t.fields
               if f.name in MANY_VALUED[t.name] and f.property}
              | set(COUNTS.values()))
EVIDENCE_FIELDS = names(EVIDENCE)
FUNDING_FIELDS = names(FUNDING)
OUTCOME_FIELDS = names(OUTCOMES)
ASSESSMENT_FIELDS = names(ASSESSMENTS)
RELATION_FIELDS = names(RELATIONS)
LESSON_FIELDS = names(LESSONS)
# Kinds a type must state (the queries group its entities by them).
KIND_REQUIRED = {"Finding"}


def _check() -> None:
    """The declaration is consistent with itself (run at import: it is cheap)."""
    for t in TYPES.values():
        for f in t.fields:
            assert f.kind in READERS, (t.name, f.name, f.kind)
        for a in t.fields:
            for b in COMMON:
                assert a.name != b.name, (t.name, a.name)
    for name, prop in CLAIM_PROPERTIES.items():
        owners = {f.property for t in TYPES.values() for f in (*COMMON, *t.fields)
                  if f.name == name and f.kind in CLAIM_KINDS}
        assert owners == {prop}, (name, owners)  # one field name, one property


_check()
