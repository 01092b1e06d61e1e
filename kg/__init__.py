"""mhkg: a knowledge graph of English mental-health policy, every fact with its evidence.

The package is a library; ``cli.py`` is a thin command line over it. Heavy
dependencies (rdflib, pyshacl, pyoxigraph) are imported inside the functions
that need them so that ``mhkg --help`` stays fast.
"""

__version__ = "0.1.0"

BASE = "https://w3id.org/mhkg/"
ONTOLOGY_NS = BASE + "ontology#"
ID_NS = BASE + "id/"
# The prefixes of every SPARQL text and export (the canned queries, search, the exports).
PREFIXES = {
    "mhkg": "https://w3id.org/mhkg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


def open(data=None):  # noqa: A001 - kg.open(), as a notebook calls it
    """Open the knowledge graph of a data folder (``data``, ``MHKG_DATA`` or the shipped
    data): a :class:`kg.api.Graph`. kg.api is imported only now, so ``import kg`` stays
    light for every command."""
    from kg.api import open as _open

    return _open(data)
