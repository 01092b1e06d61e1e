"""Stage 3, asking the graph: canned queries, ad-hoc SPARQL, search and entity profiles.

May import: kg.core, kg.data, kg.graph.
"""
