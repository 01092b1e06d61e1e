"""Stage 0, shared by every stage: where files live (paths), problems and did-you-mean,
atomic writes, and the output formats (table, json, csv, markdown).

May import: nothing from kg but the constants in ``kg/__init__.py``.
"""
