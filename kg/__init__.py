"""mhkg: a knowledge graph of English mental-health policy, every fact with its evidence.

The package is a library; ``cli.py`` is a thin command line over it. Heavy
dependencies (rdflib, pyshacl, pyoxigraph) are imported inside the functions
that need them so that ``mhkg --help`` stays fast.
"""

__version__ = "0.1.0"

BASE = "https://w3id.org/mhkg/"
ONTOLOGY_NS = BASE + "ontology#"
ID_NS = BASE + "id/"
