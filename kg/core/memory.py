"""Python's cycle collector paused while a large graph is read, compiled and validated.

Reading, compiling and validating build millions of objects that all live to the end of the
command (entities, their fields, the lines of the graph); the cycle collector, triggered by
every 700 new objects, walks all of them again each time it reaches the oldest generation.
Measured at 100 times the shipped data (benchmarks/bench_pipeline.py): reading took 8.0 s
with it and 5.6 s without, SHACL 7.9 s and 3.2 s, with the same peak memory (0.94 GB), as
these objects form no cycles to collect.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cycle collection inside the block (nested blocks: until the outermost
    ends); afterwards it runs as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
