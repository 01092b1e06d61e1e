"""Stage 2, the compiled graph: build and cache it, the embedded pyoxigraph store,
the networkx projection, exports (Turtle, N-Triples, JSON-LD, CSV) and counts.

May import: kg.core, kg.data.
"""
