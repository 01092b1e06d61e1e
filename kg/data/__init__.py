"""Stage 1, the data files: the one schema of what a YAML file may say, reading and
checking YAML, the ontology, source texts and the quote check, the compiler to RDF, and
SHACL validation.

May import: kg.core.
"""
