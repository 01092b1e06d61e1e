"""Make a synthetic corpus in the shape of the real data, at any size.

The compiled real graph is copied K times: every strategy, actor, source, recommendation,
comparator, assessment, claim, evidence, funding, outcome and lesson gets a copy with the
suffix ``-k`` (copy 0 keeps the real names, so canned-query defaults still resolve), while the
twelve factors and the frameworks are shared, as they would be in a larger real corpus.

    python benchmarks/synthetic.py --triples 1000000 -o benchmarks/out/synthetic-1m.nt
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg import ID_NS  # noqa: E402

SHARED = ("factor/", "framework/", "framework-element/", "agent/")
IRI = re.compile(r"<" + re.escape(ID_NS) + r"([^>]+)>")
SLUG = "<https://w3id.org/mhkg/ontology#slug>"


def copy_line(line: str, k: int) -> str:
    def rename(match: re.Match[str]) -> str:
        local = match.group(1)
        if k == 0 or local.startswith(SHARED):
            return match.group(0)
        return f"<{ID_NS}{local}-{k}>"

    subject_shared = (line[len(ID_NS) + 1:].startswith(SHARED)
                      if line.startswith(f"<{ID_NS}") else True)
    out = IRI.sub(rename, line)
    if k and f" {SLUG} " in out and not subject_shared:
        out = re.sub(r'"([^"]*)"( \.)$', rf'"\1-{k}"\2', out)
    return out


def generate(source_nt: Path, target: Path, triples: int) -> int:
    lines = [line for line in source_nt.read_text(encoding="utf-8").splitlines() if line]
    shared = sum(1 for line in lines if copy_line(line, 1) == line)
    copies = max(1, math.ceil((triples - shared) / (len(lines) - shared)))
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("w", encoding="utf-8") as out:
        for k in range(copies):
            for line in lines:
                if k and copy_line(line, 1) == line:
                    continue  # shared (factors, frameworks): written once
                out.write(copy_line(line, k) + "\n")
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("-o", "--out", type=Path, default=Path("benchmarks/out/synthetic-1m.nt"))
    args = parser.parse_args()
    from kg.core.paths import data_dir
    from kg.graph.build import cached_graph

    count = generate(cached_graph(data_dir()), args.out, args.triples)
    print(f"wrote {count:,} triples to {args.out}")


if __name__ == "__main__":
    main()
