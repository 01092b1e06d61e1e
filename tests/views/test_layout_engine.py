"""The layout engine does not crash the interpreter.

igraph 1.0.0's Sugiyama layout corrupts memory: a few hundred calls on small random digraphs
end in a segmentation fault (CI died so in the print tests, in ``layered``). The calls run in a
child process, so that a crash fails this test instead of killing the test run.
"""
from __future__ import annotations

import subprocess
import sys

STRESS = """
import random
import igraph
from kg.views.diagram.layout import _seeded

cases = random.Random(1)
for t in range(600):
    n = cases.randint(1, 30)
    m = cases.randint(0, 2 * n)
    edges = sorted({(cases.randrange(n), cases.randrange(n)) for _ in range(m)})
    g = igraph.Graph(n=n, edges=[e for e in edges if e[0] != e[1]], directed=True)
    with _seeded():
        g.layout_sugiyama(maxiter=200)
    g.layout_reingold_tilford_circular(mode="all", root=[0])
    with _seeded():
        g.as_undirected().layout_fruchterman_reingold(niter=50)
print("done", t + 1)
"""


def test_layouts_survive_many_small_graphs() -> None:
    run = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, (
        f"the layout engine crashed (exit {run.returncode}); igraph "
        f"{__import__('igraph').__version__}: {run.stderr[-500:]}")
    assert run.stdout.split() == ["done", "600"]
