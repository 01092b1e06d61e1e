"""How long the interactive HTML of a 10,000-node graph takes to generate (target: <= 1 s).

A synthetic graph shaped like the projection (strategies, factors, organisations, people
and sources; relations and assessments with evidence quotes) is drawn with
``kg.views.diagram.html.write_html``; the time covers building the node and edge lists, the layout,
rendering and the atomic write, not building the synthetic graph or importing modules.

    python benchmarks/bench_diagram.py [--nodes 10000] [--edges-per-node 1.5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPES = [("Strategy", 0.15), ("SuccessFactor", 0.01), ("Organisation", 0.5), ("Person", 0.2),
         ("Source", 0.14)]
PREDICATES = [("ledBy", "led by"), ("supportedBy", "implementation supported by"),
              ("implementedBy", "implemented by"), ("evaluatedIn", "evaluated in"),
              ("alignedWith", "aligned with")]


def synthetic(n_nodes: int, edges_per_node: float, seed: int = 1):
    import networkx as nx

    rng = random.Random(seed)
    graph = nx.MultiDiGraph(name="bench", view="whole")
    names = [t for t, _ in TYPES]
    weights = [w for _, w in TYPES]
    for i in range(n_nodes):
        node_type = rng.choices(names, weights)[0]
        graph.add_node(f"n{i}", id=f"n{i}", label=f"{node_type} number {i} of the benchmark",
                       type=node_type, kind="", iri=f"https://w3id.org/mhkg/id/x/n{i}")
    nodes = list(graph.nodes)
    for j in range(int(n_nodes * edges_per_node)):
        u, v = rng.sample(nodes, 2)
        if rng.random() < 0.3:
            polarity = rng.choice(["helped", "hindered", "mixed"])
            graph.add_edge(u, v, key=f"assessment/{j}", kind="assessment",
                           predicate="assessment", label=polarity, polarity=polarity,
                           quote=f"Quote {j}: the factor {polarity} the strategy.",
                           locator="Section", source="cmh-2016", evidence_count=1)
        else:
            name, label = rng.choice(PREDICATES)
            graph.add_edge(u, v, key=f"{name}/{j}", kind="relation", predicate=name,
                           label=label, basis="source",
                           quote=f"Quote {j}: an evidence sentence of ordinary length, about "
                                 "as long as the ones in the data.",
                           locator="Section", source="cmh-2016", evidence_count=1)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges-per-node", type=float, default=1.5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--target", type=float, default=1.0, help="seconds; exit 1 above it")
    args = parser.parse_args()

    from kg.views.diagram import html  # imported before timing: import cost is not generation

    graph = synthetic(args.nodes, args.edges_per_node)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.html"
        html.write_html(graph, out)  # warm-up: reads and caches the vendored assets
        for _ in range(args.repeat):
            start = time.perf_counter()
            html.write_html(graph, out)
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
    best, median = min(times), sorted(times)[len(times) // 2]
    print(f"HTML for {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} edges: "
          f"best {best:.3f} s, median {median:.3f} s over {args.repeat} runs "
          f"({size / 1e6:.1f} MB; target <= {args.target:.1f} s)")
    sys.exit(0 if median <= args.target else 1)


if __name__ == "__main__":
    main()
