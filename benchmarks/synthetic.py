"""Make a synthetic corpus in the shape of the real data, at any size: YAML or N-Triples.

``--folder`` writes a *data folder* (YAML files, and the source texts their quotes are checked
against) that runs through the whole pipeline: every data file is copied K times, each copy's
entities with the suffix ``-xK`` in their ids (and `` (K)`` in their labels and aliases) and
every reference to them renamed to match; each copy of a source gets a copy of its text, so
every quote is present, in its section, in a source text of its own. The twelve factors and
the frameworks are shared, as they would be in a larger real corpus.

    python benchmarks/synthetic.py --folder --copies 100 -o /tmp/mhkg-100x

Without ``--folder``, the compiled real graph is copied K times: every strategy, actor, source,
recommendation, comparator, assessment, claim, evidence, funding, outcome and lesson gets a
copy with the suffix ``-k`` (copy 0 keeps the real names, so canned-query defaults still
resolve), while the twelve factors and the frameworks are shared, as they would be in a
larger real corpus.

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


SHARED_TYPES = {"SuccessFactor", "Framework", "FrameworkElement"}
# Keys whose values are prose or file names, never references: left as they are.
PROSE = {"label", "aliases", "quote", "text", "note", "statement", "definition", "locator",
         "sections", "creators", "citation", "scope", "period", "currency", "limitations",
         "title", "publisher", "place", "url", "kind", "type", "voice", "stance", "polarity",
         "basis", "status", "value"}


def generate_folder(data: Path, sources: Path, out: Path, copies: int) -> dict[str, int]:
    """Write ``copies`` copies of the data folder ``data`` to ``out/data`` and their source
    texts to ``out/sources``; returns counts (files, entities, texts)."""
    import shutil

    import yaml

    files = sorted(data.rglob("*.yaml"))
    loaded = {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in files}
    types = {e["id"]: e["type"] for doc in loaded.values() for e in doc["entities"]}
    renamed = {slug for slug, kind in types.items() if kind not in SHARED_TYPES}
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    (out / "sources").mkdir()
    counts = {"files": 0, "entities": 0, "texts": 0}
    texts = sorted({e["text"] for doc in loaded.values() for e in doc["entities"]
                    if e["type"] == "Source" and isinstance(e.get("text"), str)})
    for k in range(copies):
        for name in texts:
            target = out / "sources" / (name if k == 0 else name.replace(".txt", f"-{k}.txt"))
            shutil.copyfile(sources / name, target)
            counts["texts"] += 1
        for path, doc in loaded.items():
            entities = [e for e in doc["entities"] if k == 0 or e["id"] in renamed]
            if not entities:
                continue
            copy = _rename({**doc, "entities": entities}, renamed, k)
            relative = path.relative_to(data)
            target = out / "data" / relative.parent / (
                relative.name if k == 0 else f"{relative.stem}-{k}.yaml")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(yaml.safe_dump(copy, sort_keys=False, allow_unicode=True,
                                             width=100), encoding="utf-8")
            counts["files"] += 1
            counts["entities"] += len(entities)
    return counts


def _rename(node, renamed: set[str], k: int, key: str = ""):
    """A copy of one YAML node for copy ``k``: ids and references renamed, labels marked."""
    if k == 0:
        return node
    if isinstance(node, dict):
        out = {}
        for name, value in node.items():
            if name == "id" and value in renamed:
                out[name] = f"{value}-x{k}"
            elif name in ("label", "aliases") and "id" in node and node["id"] in renamed:
                out[name] = (f"{value} ({k})" if isinstance(value, str)
                             else [f"{alias} ({k})" for alias in value])
            elif name == "text" and node.get("type") == "Source" and isinstance(value, str):
                out[name] = value.replace(".txt", f"-{k}.txt")
            elif name in PROSE and name != "value" and not isinstance(value, dict):
                out[name] = value  # prose (a statement's `text`, a quote): never renamed
            else:
                out[name] = _rename(value, renamed, k, name)
        return out
    if isinstance(node, list):
        return [_rename(item, renamed, k, key) for item in node]
    if isinstance(node, str) and node in renamed:
        return f"{node}-x{k}"
    return node


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--folder", action="store_true",
                        help="write a YAML data folder (and its source texts), not N-Triples")
    parser.add_argument("--copies", type=int, default=10, help="with --folder: how many copies")
    parser.add_argument("-o", "--out", type=Path, default=Path("benchmarks/out/synthetic-1m.nt"))
    args = parser.parse_args()
    from kg.core.paths import data_dir, sources_dir
    from kg.graph.build import cached_graph

    if args.folder:
        texts = sources_dir()
        if texts is None:
            sys.exit("synthetic.py: no source texts found (set MHKG_SOURCES)")
        counts = generate_folder(data_dir(), texts, args.out, args.copies)
        print(f"wrote {counts['files']:,} data files ({counts['entities']:,} entities) and "
              f"{counts['texts']:,} source texts to {args.out}")
        return

    count = generate(cached_graph(data_dir()), args.out, args.triples)
    print(f"wrote {count:,} triples to {args.out}")


if __name__ == "__main__":
    main()
