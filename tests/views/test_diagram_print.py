"""Print-ready static diagrams of the shipped data: no text meets another text or a node (as
Chromium lays the SVG out), the same data give the same bytes, PDF fonts are TrueType, and
the print options are honoured or refused clearly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from kg.views.diagram import diagram
from kg.views.diagram.labels import Box, Wanted, place, wrap
from kg.views.diagram.spec import SpecError, make_spec, parse_size
from tests.conftest import run_mhkg

VIEWS = [("whole", None), ("factors", None), ("actors", None), ("factor-links", None),
         ("succession", None), ("timeline", None), ("scorecard", None), ("whole", "nsf-mh"),
         ("actors", "louis-appleby")]
SIZES = ["6.5in", "16:9"]
SVG = "{http://www.w3.org/2000/svg}"

# Every text's box, every label group's box and every node's box, as Chromium draws them.
BOXES_JS = """() => {
  const r = (e) => { const b = e.getBoundingClientRect();
                     return [b.left, b.top, b.right, b.bottom]; };
  const owner = (e) => { const g = e.closest('g[id^="label:"]') || e.closest('g[id]');
                         return g ? g.id + ' ' + e.textContent : e.textContent; };
  return {
    texts: [...document.querySelectorAll('text')].filter(t => t.textContent.trim())
             .map(t => ({box: r(t), owner: owner(t),
                         artist: (t.closest('g[id^="label:"]') || t.closest('g[id]') || {}).id})),
    labels: [...document.querySelectorAll('g[id^="label:"]')].map(g => ({id: g.id, box: r(g)})),
    nodes: [...document.querySelectorAll('g[id^="node:"]')].map(g => ({id: g.id, box: r(g)})),
    size: [document.documentElement.getBoundingClientRect().width,
           document.documentElement.getBoundingClientRect().height],
  };
}"""
SLACK = 0.75  # px: font hinting differs a little between matplotlib and Chromium


def meets(a: list[float], b: list[float], slack: float = SLACK) -> bool:
    return (a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack
            and b[1] < a[3] - slack)


@pytest.fixture(scope="module")
def drawn(shipped: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple, Path]:
    root = tmp_path_factory.mktemp("print")
    out = {}
    for view, focus in VIEWS:
        for size in SIZES:
            path = root / f"{view}-{focus or 'all'}-{size.replace(':', 'x')}.svg"
            diagram(shipped, path, view=view, focus=focus, spec=make_spec(size))
            out[(view, focus, size)] = path
    return out


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("view", "focus"), VIEWS)
def test_no_text_meets_another_or_a_node(view: str, focus: str | None, size: str,
                                         drawn: dict, browser: Any) -> None:
    page = browser.new_page()
    page.goto(drawn[(view, focus, size)].as_uri())
    found = page.evaluate(BOXES_JS)
    page.close()
    texts, labels, nodes = found["texts"], found["labels"], found["nodes"]
    assert texts, "no text in the SVG"
    if view not in ("timeline", "scorecard"):
        assert labels and nodes
    clashes = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a["artist"] != b["artist"] and meets(a["box"], b["box"]):
                clashes.append((a["owner"], b["owner"]))
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if meets(a["box"], b["box"]):
                clashes.append((a["id"], b["id"]))
        for node in nodes:
            if node["id"][5:] != a["id"][6:] and meets(a["box"], node["box"]):
                clashes.append((a["id"], node["id"]))
    width, height = found["size"]
    outside = [t["owner"] for t in texts
               if t["box"][0] < -SLACK or t["box"][1] < -SLACK
               or t["box"][2] > width + SLACK or t["box"][3] > height + SLACK]
    assert not clashes, clashes[:10]
    assert not outside, outside[:10]


def test_no_label_is_cut(drawn: dict, shipped: Any) -> None:
    path = drawn[("factors", None, "6.5in")]
    text = path.read_text(encoding="utf-8")
    assert "\u2026" not in text
    root = ET.fromstring(text)
    for node in ("nsf-mh", "cyp-iapt"):
        group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == f"label:{node}")
        words = " ".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
        assert " ".join(words.split()) == shipped.nodes[node]["label"]


@pytest.mark.parametrize(("view", "focus"), VIEWS)
def test_the_same_data_draw_the_same_bytes(view: str, focus: str | None, shipped: Any,
                                            drawn: dict, tmp_path: Path) -> None:
    again = tmp_path / "again.svg"
    diagram(shipped, again, view=view, focus=focus, spec=make_spec("6.5in"))
    assert again.read_bytes() == drawn[(view, focus, "6.5in")].read_bytes()


def test_a_second_process_draws_the_same_bytes(tmp_path: Path, real_sources: Path,
                                               drawn: dict) -> None:
    out = tmp_path / "factors.svg"
    result = run_mhkg("diagram", "--view", "factors", "-o", str(out), "--size", "6.5in")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == drawn[("factors", None, "6.5in")].read_bytes()


def test_pdf_fonts_are_truetype_not_type3(shipped: Any, tmp_path: Path) -> None:
    import pypdf

    out = tmp_path / "factors.pdf"
    diagram(shipped, out, view="factors")
    reader = pypdf.PdfReader(out)
    kinds = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            kinds.add(str(font["/Subtype"]))
            for descendant in font.get("/DescendantFonts", []):
                kinds.add(str(descendant.get_object()["/Subtype"]))
    assert "/Type3" not in kinds
    assert kinds & {"/TrueType", "/CIDFontType2"}, kinds
    width, height = (float(v) / 72 for v in reader.pages[0].mediabox[2:])
    assert width == pytest.approx(6.5, abs=0.01)
    assert 3 < height < 12


def test_png_has_the_asked_size_and_resolution(shipped: Any, tmp_path: Path) -> None:
    out = tmp_path / "slide.png"
    diagram(shipped, out, view="succession", spec=make_spec("16:9", dpi=150))
    data = out.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1500, 843)


def test_titles_are_words_not_class_names(drawn: dict) -> None:
    titles = {}
    for (view, focus, size), path in drawn.items():
        if size == "6.5in":
            root = ET.parse(path).getroot()
            group = next((g for g in root.iter(f"{SVG}g") if g.get("id") == "title"), None)
            assert group is not None, (view, focus)
            titles[(view, focus)] = " ".join(
                "".join(t.itertext()) for t in group.iter(f"{SVG}text"))
    assert titles[("factors", None)] == "Strategies and the twelve success factors, 1999\u20132014"
    assert titles[("whole", "nsf-mh")].startswith("National Service Framework for")
    for title in titles.values():
        assert "mhkg" not in title and "SuccessFactor" not in title and "[" not in title


def test_the_legend_lists_only_what_is_drawn(drawn: dict) -> None:
    text = drawn[("factors", None, "6.5in")].read_text(encoding="utf-8")
    legend = re.search(r'<g id="legend">(.*)', text, re.S).group(1)
    entries = re.findall(r">([^<>]+)</text>", legend)
    assert "Strategy (13)" in " ".join(entries)
    assert not any(word in " ".join(entries) for word in ("Person", "leadership", "Source"))


def test_no_title_and_legend_none(shipped: Any, tmp_path: Path) -> None:
    out = tmp_path / "bare.svg"
    diagram(shipped, out, view="factors", spec=make_spec(legend="none", title=False))
    text = out.read_text(encoding="utf-8")
    assert 'id="title"' not in text and 'id="legend"' not in text


def test_size_by_gets_a_size_key(shipped: Any, tmp_path: Path) -> None:
    out = tmp_path / "sized.svg"
    diagram(shipped, out, view="actors", size_by="degree")
    assert "size: most links" in out.read_text(encoding="utf-8")


def test_parse_size() -> None:
    assert parse_size("6.5in") == (6.5, None, False)
    assert parse_size("170mm")[0] == pytest.approx(6.693, abs=0.001)
    assert parse_size("16:9") == (10.0, 5.625, True)
    assert parse_size("6.5x4in") == (6.5, 4.0, False)
    spec = make_spec("16:9")
    assert spec.font == 12 and spec.slide
    assert make_spec("16:9", font_size=10).font == 10
    for bad, words in [("6.5", "say the unit"), ("100in", "between 2 and 60"),
                       ("wide", "give a width"), ("9:1", "between 1:4 and 4:1")]:
        with pytest.raises(SpecError, match=words):
            parse_size(bad)
    with pytest.raises(SpecError, match="--font-size 2"):
        make_spec(font_size=2)
    with pytest.raises(SpecError, match="--dpi 5"):
        make_spec(dpi=5)


def test_wrap_never_cuts() -> None:
    label = "Children and Young People's Improving Access to Psychological Therapies"
    wrapped = wrap(label)
    assert wrapped.replace("\n", " ") == label
    assert 2 <= wrapped.count("\n") + 1 <= 3
    assert wrap("Money") == "Money"
    long_word = "Supercalifragilisticexpialidocious" * 2
    assert wrap(long_word) == long_word


def test_labels_with_no_room_are_numbered() -> None:
    crowded = [Wanted(f"n{i}", "A long label here", 1.0 + i * 0.01, 1.0, 0.05, 1.2, 0.2)
               for i in range(5)]
    placed = place(crowded, Box(0, 0, 2.5, 2.0), gap=0.03, pad=0.01)
    numbered = [p for p in placed if p.numbered]
    assert numbered and all(p.text.isdigit() for p in numbered)
    boxes = [p.box for p in placed if not p.numbered]
    for i, a in enumerate(boxes):
        assert not any(a.meets(b) for b in boxes[i + 1:])


@pytest.mark.parametrize(("args", "message"), [
    (["--size", "6.5"], "say the unit"),
    (["--font-size", "100"], "between 4 and 48"),
    (["--dpi", "0"], "between 50 and 1200"),
    (["--layout", "spiral"], "'spiral' is not one of"),
    (["--title", "x", "--no-title"], "cannot both be given"),
])
def test_print_option_errors_are_clear(args: list[str], message: str, tmp_path: Path,
                                       real_sources: Path) -> None:
    out = tmp_path / "x.png"
    result = run_mhkg("diagram", "-o", str(out), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_html_refuses_print_options(tmp_path: Path, real_sources: Path) -> None:
    result = run_mhkg("diagram", "-o", str(tmp_path / "x.html"), "--size", "6.5in")
    assert result.returncode == 2
    assert "an HTML page fits the window" in result.stderr


def test_undated_strategies_say_so_in_the_column_in_date_order(shipped: Any,
                                                              tmp_path: Path) -> None:
    from kg.graph.network import select
    from kg.views.diagram.html import year

    factors = select(shipped, "factors")
    undated = {n: d["label"] for n, d in factors.nodes(data=True)
               if d.get("type") == "Strategy" and year(d) is None}
    assert undated  # the shipped data has some (Care Programme Approach, ...)
    before = {n: shipped.nodes[n]["label"] for n in undated}
    out = diagram(shipped, tmp_path / "f.svg", view="factors").path
    labels = {el.get("id")[len("label:"):]: " ".join("".join(el.itertext()).split())
              for el in ET.parse(out).iter() if (el.get("id") or "").startswith("label:")}
    for node in undated:
        assert labels[node].endswith("(undated)"), labels[node]
    dated = next(n for n, d in factors.nodes(data=True)
                 if d.get("type") == "Strategy" and year(d) is not None)
    assert "(undated)" not in labels[dated]
    assert {n: shipped.nodes[n]["label"] for n in undated} == before
