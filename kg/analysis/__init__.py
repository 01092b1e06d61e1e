"""Stage 4, analysis over the answers: crisp-set QCA, network measures, and the
assessment of a draft strategy against the twelve factors (with their renderers).

May import: kg.core, kg.data, kg.graph, kg.ask.
"""
