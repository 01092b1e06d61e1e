"""The notebook API's inline diagram (kg.api.Diagram) in a real Chromium, as Jupyter shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def test_diagram_draws_inside_its_iframe(real_sources: Path, browser: Any,
                                         tmp_path: Path) -> None:
    """The inline HTML, put in a page as Jupyter does, draws the diagram in its sandboxed
    frame without an error and without fetching anything."""
    import kg

    shown = kg.open().diagram(view="factors")
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!doctype html><html><body>{shown._repr_html_()}</body></html>",
                        encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    fetched: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(notebook.as_uri())
    (frame,) = [f for f in page.frames if f is not page.main_frame]
    frame.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    assert frame.evaluate("mhkg.network.body.nodeIndices.length") == shown.nodes
    page.close()
    assert errors == []
    assert fetched == [notebook.as_uri()]
