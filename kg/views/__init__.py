"""Stage 5, what people and other tools look at: diagrams (diagram/), graph files for
Gephi and Graphviz, the offline explorer (explorer/) and terminal profiles.

May import: kg.core, kg.data, kg.graph, kg.ask, kg.analysis.
"""
