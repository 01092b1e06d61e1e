"""Neo4j, the server backend: the property-graph mapping, loading, and Cypher queries.

The embedded store stays the default; ``mhkg neo4j load`` copies the compiled graph into a
Neo4j database through the official driver, and ``mhkg query NAME --backend neo4j`` answers
the canned queries there in Cypher. The driver is imported inside functions only.

Beside the stages after kg.ask. May import: kg.core, kg.data, kg.graph, kg.ask.
"""
