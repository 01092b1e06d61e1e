"""Loading N-Triples in pieces (kg.core.bulk): the same store as one load, every line once."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.core import bulk
from kg.data.sources import SourceText


@pytest.mark.parametrize("data", [b"", b"a\n", b"ab\ncd\nef\n", b"abc", b"abc\nd",
                                  b"x" * 10 + b"\ny\n", "é\nü\n".encode()])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_pieces_end_at_line_ends_and_join_back(data: bytes, size: int) -> None:
    pieces = list(bulk._pieces(data, size))
    assert b"".join(pieces) == data
    assert all(pieces), "no empty piece"
    assert all(piece.endswith(b"\n") for piece in pieces[:-1])


def test_a_graph_loaded_in_pieces_is_the_graph_loaded_at_once(monkeypatch) -> None:
    lines = [f'<http://e/{i}> <http://p/{i % 7}> "v{i} \\u00e9"@en .' for i in range(5_000)]
    data = ("\n".join(lines) + "\n").encode()
    monkeypatch.setattr(bulk, "LOAD_PIECE", 1_000)  # about 60 pieces
    assert len(list(bulk._pieces(data, bulk.LOAD_PIECE))) > 50
    pieces, whole = ox.Store(), ox.Store()
    bulk.load_ntriples(pieces, data)
    whole.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    assert len(pieces) == 5_000
    assert set(pieces) == set(whole)


def test_a_broken_line_in_a_later_piece_is_still_refused(monkeypatch) -> None:
    monkeypatch.setattr(bulk, "LOAD_PIECE", 10)
    data = b"<http://e/1> <http://p/1> <http://e/2> .\n<http://e/3> broken .\n"
    with pytest.raises(SyntaxError):
        bulk.load_ntriples(ox.Store(), data)


def test_a_quote_is_found_in_its_section_only(tmp_path) -> None:
    """Only the locator's section is searched; a quote elsewhere is reported where it is."""
    text = tmp_path / "t.txt"
    text.write_text("Intro\nthe same words here.\nMethods\nother text.\nResults\n"
                    "the same words here too.\n", encoding="utf-8")
    source = SourceText.read(text, ["Intro", "Methods", "Results"])
    assert source.find("the same words", "Results") is None
    assert source.find("the same words", "Intro") is None
    assert source.find("other text", "Methods") is None
    assert "it is in 'Methods'" in (source.find("other text", "Results") or "")
    assert "not found" in (source.find("absent words", "Results") or "")
    assert source.context("words here too", "Results") == ("Results the same ", ".")
    assert source.context("other text", "Results") is None
