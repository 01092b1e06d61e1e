"""Verify every quote proposed here is verbatim in the source section named by its locator."""
import yaml, re, sys
from common import *
T = ST.text
bad = 0
def ok(q, loc, what):
    global bad
    err = ST.find(q, loc)
    if err:
        bad += 1; print("FAIL", what, err)
# 1 assessments: quote exactly as in data
data = {(e["file"], e["entity"], e["path"]): e["ev"] for e in all_evidence()}
for r in yaml.safe_load(open("assessments.yaml")):
    key = (r["file"], r["entity"], f"assessments[factor={r['factor']}].evidence[{r['index']}]")
    if data[key]["quote"] != r["quote"]:
        bad += 1; print("FAIL assessment quote differs", key)
    ok(r["quote"], r["locator"], key)
# 2 attributions
for r in yaml.safe_load(open("attributions.yaml")):
    hits, needle = locate(r["quote"], r["locator"])
    s = hits[0]
    if r.get("words_before"):
        wb = normalise(r["words_before"])
        window = T[max(0, s - 700): s]
        if wb not in window:
            bad += 1; print("FAIL words_before not just before", r["entity"], r["where"], wb[:60])
    if r.get("words_after"):
        wa = normalise(r["words_after"])
        window = T[s + len(needle): s + len(needle) + len(wa) + 8]
        if wa not in window:
            bad += 1; print("FAIL words_after not just after", r["entity"], r["where"], wa[:60])
    if r.get("extended_quote"):
        ok(r["extended_quote"], r["locator"], ("extended", r["entity"], r["where"]))
        if normalise(r["quote"]) not in normalise(r["extended_quote"]):
            bad += 1; print("FAIL extended does not contain quote", r["entity"], r["where"])
# 3 proposed additions
n = 0
for r in yaml.safe_load(open("proposed_additions.yaml")):
    for ev in r.get("evidence", []):
        ok(ev["quote"], ev["locator"], ("addition", r.get("target"))); n += 1
# 4 every quote block in recuration.md:  > "..." — locator
md = open("recuration.md").read()
m_n = 0
for m in re.finditer(r'^> "(.+)" — \*(.+?)\*', md, flags=re.M):
    ok(m.group(1), m.group(2), ("recuration.md", m.group(1)[:50])); m_n += 1
print("checked additions", n, "md quotes", m_n, "failures", bad)
sys.exit(1 if bad else 0)
