"""How diagrams look: one colour and shape per node type, one colour per edge meaning.

Shared by the interactive page, the static drawings and the DOT writer, so that a
legend means the same everywhere. Colours are from a colour-blind-safe palette
(Okabe-Ito, with Tol's muted tones); shapes differ too, for print in grey.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodeStyle:
    name: str  # legend text
    colour: str
    vis_shape: str  # vis-network shape
    marker: str  # matplotlib marker
    dot_shape: str  # Graphviz shape
    glyph: str  # legend glyph in the HTML page


NODE_STYLES: dict[str, NodeStyle] = {
    "Strategy": NodeStyle("Strategy", "#0072B2", "dot", "o", "ellipse", "\u25cf"),
    "SuccessFactor": NodeStyle("Success factor", "#E69F00", "diamond", "D", "diamond", "\u25c6"),
    "Organisation": NodeStyle("Organisation", "#009E73", "square", "s", "box", "\u25a0"),
    "Person": NodeStyle("Person", "#CC79A7", "triangle", "^", "triangle", "\u25b2"),
    "Role": NodeStyle("Role (post)", "#882255", "triangleDown", "v", "invtriangle", "\u25bc"),
    "Source": NodeStyle("Source", "#777777", "star", "*", "note", "\u2605"),
    "Recommendation": NodeStyle("Recommendation", "#D55E00", "hexagon", "h", "hexagon",
                                "\u2b22"),
    "Comparator": NodeStyle("International comparator", "#56B4E9", "dot", "p", "pentagon",
                            "\u25cf"),
    "Framework": NodeStyle("Factor framework", "#999933", "square", "s", "folder", "\u25a0"),
    "FrameworkElement": NodeStyle("Framework element", "#DDCC77", "diamond", "d", "diamond",
                                  "\u25c6"),
    "Idea": NodeStyle("Service or idea", "#44AA99", "dot", "8", "octagon", "\u25cf"),
    "Finding": NodeStyle("Finding", "#332288", "box", "P", "note", "\u25a0"),
    "Question": NodeStyle("Research question", "#AA4499", "box", "X", "note", "\u25a0"),
}
GROUP_NODE = NodeStyle("Community, collapsed", "#BBBBBB", "hexagon", "h", "hexagon", "\u2b22")
OTHER_NODE = NodeStyle("Other", "#BBBBBB", "dot", "o", "ellipse", "\u25cf")

# Okabe-Ito: bluish green, vermillion and reddish purple stay apart for every common kind of
# colour blindness, and each polarity has its own line style too (for grey print).
POLARITY_COLOURS = {"helped": "#009E73", "hindered": "#D55E00", "mixed": "#CC79A7"}
POLARITY_DASHES = {"helped": "solid", "hindered": "dashed", "mixed": "dotted"}
POLARITY_GLYPHS = {"helped": "+", "hindered": "\u2212", "mixed": "\u00b1"}
POLARITY_TEXT = {"helped": "helped", "hindered": "hindered", "mixed": "mixed (helped and hindered)"}

# Relation predicate -> the group it is drawn in.
RELATION_GROUPS = {
    "leadership": ("ledBy", "championedBy", "localLeadershipFrom", "holdsPost"),
    "support and delivery": ("supportedBy", "implementedBy", "partnershipArrangement",
                             "fundedBy", "scrutinisedBy", "commissionedBy", "directedAt"),
    "between strategies": ("hitchedOnto", "alignedWith", "extends", "implementationFrameworkFor",
                           "partOf", "precededBy", "promptedBy"),
    "between organisations": ("succeededBy", "replacedBy", "memberOf", "establishedBy",
                              "operatesIn"),
    "sources": ("evaluatedIn", "author", "publisher", "contributor", "preparedFor"),
    "crosswalk to factors": ("closeMatch", "broadMatch", "narrowMatch", "relatedMatch",
                             "addresses"),
    "between factors": ("enables", "dependsOn", "worksWith"),
    "services and ideas": ("introducedIn", "developedUnder"),
}
GROUP_COLOURS = {
    "leadership": "#AA3377", "support and delivery": "#228833", "between strategies": "#4477AA",
    "between organisations": "#66CCEE", "sources": "#888888", "crosswalk to factors": "#CCBB44",
    "between factors": "#EE7733", "services and ideas": "#DDCC77",
    "other relation": "#111111",
}
OTHER_EDGE_COLOURS = {"funding": "#8C510A", "lesson": "#882255", "scheme": "#CCCCCC",
                      "shared": "#4477AA", "bundle": "#9A9A9A"}
OTHER_EDGE_TEXT = {"funding": "funded (funding item)", "lesson": "lesson bears on factor",
                   "scheme": "in scheme", "shared": "worked on the same strategy",
                   "bundle": "links between communities"}
VERDICT_COLOURS = {"successful": "#009E73", "successful-in-part": "#E69F00",
                   "unsuccessful": "#D55E00", "too-early-to-tell": "#56B4E9", "": "#BBBBBB"}
VERDICT_MARKERS = {"successful": "o", "successful-in-part": "D", "unsuccessful": "X",
                   "too-early-to-tell": "^", "": "."}
VERDICT_TEXT = {"successful": "successful", "successful-in-part": "successful in part",
                "unsuccessful": "unsuccessful", "too-early-to-tell": "too early to tell",
                "": "no verdict recorded"}

_GROUP_OF = {p: g for g, preds in RELATION_GROUPS.items() for p in preds}


def node_style(node_type: str) -> NodeStyle:
    if node_type == "Group":
        return GROUP_NODE
    return NODE_STYLES.get(node_type, OTHER_NODE)


def edge_meaning(data: dict[str, Any]) -> str:
    """The legend entry an edge belongs to."""
    kind = data.get("kind")
    if kind == "assessment":
        return "factor " + POLARITY_TEXT.get(data.get("polarity", ""), "assessed")
    if kind == "relation":
        return _GROUP_OF.get(data.get("predicate", ""), "other relation")
    return OTHER_EDGE_TEXT.get(kind or "", kind or "link")


def edge_colour(data: dict[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "assessment":
        return POLARITY_COLOURS.get(data.get("polarity", ""), "#555555")
    if kind == "relation":
        return GROUP_COLOURS[_GROUP_OF.get(data.get("predicate", ""), "other relation")]
    return OTHER_EDGE_COLOURS.get(kind or "", "#555555")


def edge_dash(data: dict[str, Any]) -> str:
    """The line style of an edge: by polarity for an assessment, dashed for an editorial
    link or a scheme membership, else solid."""
    if data.get("kind") == "assessment":
        return POLARITY_DASHES.get(data.get("polarity", ""), "solid")
    if data.get("basis") == "editorial" or data.get("kind") == "scheme":
        return "dashed"
    return "solid"


def edge_legend(edges: Any) -> list[tuple[str, str]]:
    """(meaning, colour) for the edges present, in a stable order."""
    seen: dict[str, str] = {}
    for data in edges:
        seen.setdefault(edge_meaning(data), edge_colour(data))
    return sorted(seen.items())
