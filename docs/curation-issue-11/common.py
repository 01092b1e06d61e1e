"""Shared helpers: load data files, walk evidence, locate quotes in the source (read-only)."""
import sys, re, glob, yaml
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from kg.data.sources import SourceText, normalise  # read-only import

DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "data"  # the data the proposals were made on: git show c70530c:data
SRC = HERE.parent.parent.parent / "shared" / "sources" / "implementing-mental-health-policy-2016.txt"

def headings():
    d = yaml.safe_load(open(DATA / "sources.yaml"))
    for e in d["entities"]:
        if e["id"] == "cmh-2016":
            return e["sections"]

ST = SourceText.read(SRC, headings())

def files():
    return sorted(glob.glob(str(DATA / "*.yaml"))) + sorted(glob.glob(str(DATA / "strategies/*.yaml")))

def walk(node, path, ctx):
    """Yield (path, evidence_item, ctx) for every evidence item."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "evidence" and isinstance(v, list):
                for i, ev in enumerate(v):
                    if isinstance(ev, dict) and "quote" in ev:
                        yield (f"{path}.evidence[{i}]", ev, ctx)
            else:
                sub = ctx
                yield from walk(v, f"{path}.{k}" if path else k, sub)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = None
            if isinstance(v, dict):
                for key in ("factor", "predicate", "id"):
                    if key in v:
                        label = f"{key}={v[key]}" + (f",object={v['object']}" if key == "predicate" else "")
                        break
            yield from walk(v, f"{path}[{label or i}]", ctx)

def all_evidence():
    out = []
    for f in files():
        d = yaml.safe_load(open(f))
        rel = "data/" + str(Path(f).relative_to(DATA))
        for e in d.get("entities", []):
            for path, ev, _ in walk({k: v for k, v in e.items() if k != "id"}, "", None):
                out.append(dict(file=rel, entity=e["id"], path=path, ev=ev))
    return out

def locate(quote, locator):
    """Offsets of the quote within the locator section of the normalised text."""
    needle = normalise(quote)
    hits = []
    for m in re.finditer(re.escape(needle), ST.text):
        s = m.start()
        for b, en in ST.spans.get(locator, []):
            if b <= s and s + len(needle) <= en + 1:
                hits.append(s)
    return hits, needle

def verbatim(quote, locator):
    return ST.find(quote, locator)
