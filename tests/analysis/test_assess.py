"""Assessing a draft strategy (kg.analysis.assess): the template, strict validation, and the
report on the real data (factor by factor, similar strategies, lessons with quotes,
recommendations)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kg.analysis.assess import MAPPING, TEMPLATE, read_draft
from tests.conftest import FIXTURES, run_mhkg

DRAFTS = FIXTURES / "assess"
INVALID = sorted((DRAFTS / "invalid").glob("*.yaml"))


def draft_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def report_for(store: Any, path: Path) -> dict[str, Any]:
    from kg.analysis.assess import assess

    draft = read_draft(path)
    assert draft.problems == []
    return assess(store, draft)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {e["factor"]: e["status"] for e in report["factors"]}


# ---- the report on the real data -----------------------------------------------------------
def test_no_money_and_no_support_lacks_both(store: Any) -> None:
    report = report_for(store, DRAFTS / "no-money-no-support.yaml")
    found = statuses(report)
    assert found["money"] == "lacks" and found["implementation-support"] == "lacks"
    assert report["summary"]["lacks"] == ["money", "implementation-support"]
    assert found["passion-and-public-opinion"] == "not assessed by the template"
    assert found["management"] == "not assessed by the template"
    assert found["focus"] == found["leadership"] == found["time"] == "does not say"

    similar = {s["strategy"]: s for s in report["similar"]}
    assert "nhwmh" in similar
    nhwmh = similar["nhwmh"]
    assert (nhwmh["same"], nhwmh["partly"], nhwmh["differs"]) == (
        ["money", "implementation-support"], [], [])  # NHWMH lacked support (ImROC aside)
    assert nhwmh["verdict"] == "unsuccessful"
    assert "views of focus group participants were largely negative" in \
        nhwmh["verdict_evidence"][0]["quote"]
    assert similar["nsf-cyp"]["verdict"] is None  # no verdict: said so, not invented

    money = next(e for e in report["factors"] if e["factor"] == "money")
    hindered = [ls for ls in money["lessons"] if ls["polarity"] == "hindered"]
    assert {ls["strategy"] for ls in hindered} == {"nhwmh", "nsf-cyp"}
    quote = next(ev for ls in hindered if ls["strategy"] == "nhwmh" for ev in ls["evidence"])
    assert quote == {**quote, "quote": "No Health Without Mental Health, by contrast, came "
                     "with no extra funding.", "locator": "1. Money", "source": "cmh-2016"}
    assert money["definition"]["evidence"][0]["locator"] == "Executive summary"

    recs = {r["id"]: [a["factor"] for a in r["addresses"]] for r in report["recommendations"]}
    assert recs == {"rec-1": ["money"], "rec-2": ["money", "implementation-support"],
                    "rec-4": ["implementation-support"]}
    rec2 = next(r for r in report["recommendations"] if r["id"] == "rec-2")
    assert rec2["statement_evidence"][0]["locator"] == "Recommendations for the Taskforce"


def test_the_template_itself_is_a_valid_draft(store: Any, tmp_path: Path) -> None:
    report = report_for(store, draft_file(tmp_path, TEMPLATE))
    found = statuses(report)
    assert [f for f, s in found.items() if s == "has"] == [
        "money", "targets", "scrutiny", "leadership", "engaged-workforce", "partnerships",
        "implementation-support", "innovation-evaluation-adaptation"]
    assert found["focus"] == found["time"] == "cannot tell"
    assert report["recommendations"] == []  # it lacks nothing a recommendation addresses
    assert set(MAPPING) == {e["factor"] for e in report["factors"]}


def test_focus_is_judged_against_the_strategies_criticised_for_it(store: Any,
                                                                  tmp_path: Path) -> None:
    many = report_for(store, draft_file(tmp_path, "name: Many actions\nactions: 80\n"))
    focus = next(e for e in many["factors"] if e["factor"] == "focus")
    assert focus["status"] == "lacks"
    assert "dre (78 action points)" in focus["rule"]
    bench = {b["strategy"]: (b["count"], b["what"], b["polarity"]) for b in focus["benchmarks"]}
    assert bench == {"nsf-mh": (9, "standards", "mixed"),
                     "dre": (78, "action points", "hindered"),
                     "bradley-report": (81, "recommendations", "hindered")}
    assert "78 action points" in next(b for b in focus["benchmarks"]
                                      if b["strategy"] == "dre")["evidence"][0]["quote"]
    few = report_for(store, draft_file(tmp_path, "name: Few actions\nactions: 12\n"))
    assert statuses(few)["focus"] == "cannot tell"


def test_leadership_in_part_and_lists_that_say_none(store: Any, tmp_path: Path) -> None:
    text = ("name: Partial\nleaders:\n  national: A national director\n  local: none\n"
            "targets: []\nscrutiny: [Annual report to Parliament]\nworkforce_plan: false\n")
    found = statuses(report_for(store, draft_file(tmp_path, text)))
    assert found["leadership"] == "in part"
    assert found["targets"] == "lacks" and found["scrutiny"] == "has"
    assert found["engaged-workforce"] == "lacks"
    assert found["partnerships"] == "does not say"


# ---- validation --------------------------------------------------------------------------------
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_each_kind_of_bad_draft(path: Path) -> None:
    expected = re.match(r"# expect: (\S+): (\S+): (.+)", path.read_text("utf-8")).groups()
    line, field, message = expected
    draft = read_draft(path)
    assert len(draft.problems) == 1, draft.problems
    [problem] = draft.problems
    assert (str(problem.line or "-"), problem.field or "-") == (line, field)
    assert message in problem.message


def test_every_problem_in_one_run(tmp_path: Path) -> None:
    text = ("nme: Typo\nfunding:\n  additonal: true\n  amount: lots\nactions: many\n"
            "leaders:\n  national: 3\nworkforce_plan: perhaps\ntime_horizon: -2\n")
    path = draft_file(tmp_path, text)
    found = [(p.line, p.field) for p in read_draft(path).problems]
    assert found == [(1, "name"), (1, "nme"), (3, "funding.additional"),
                     (3, "funding.additonal"), (4, "funding.amount"), (5, "actions"),
                     (7, "leaders.national"), (8, "workforce_plan"), (9, "time_horizon")]
    result = run_mhkg("assess", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == "9 error(s): the draft is not valid (see `mhkg assess --template`)."
    assert f"error: {path}:3: draft: funding.additonal: unknown field 'additonal' " \
           "(did you mean 'additional'?)" in lines
    payload = json.loads(run_mhkg("assess", str(path), "--format", "json").stdout)
    assert payload["valid"] is False and len(payload["problems"]) == 9


# ---- the command line ----------------------------------------------------------------------------
def test_template_round_trip(real_sources: Any, tmp_path: Path) -> None:
    template = run_mhkg("assess", "--template")
    assert template.returncode == 0 and template.stdout == TEMPLATE
    path = draft_file(tmp_path, template.stdout)
    result = run_mhkg("assess", str(path))
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_outputs(real_sources: Any, tmp_path: Path) -> None:
    draft = str(DRAFTS / "no-money-no-support.yaml")
    text = run_mhkg("assess", draft)
    assert text.returncode == 0, text.stderr
    assert "Has: none. Lacks: money, implementation-support." in text.stdout
    assert "nhwmh (No Health Without Mental Health): verdict: unsuccessful" in text.stdout
    markdown = run_mhkg("assess", draft, "--format", "markdown").stdout
    assert "| 1 | money | **lacks** |" in markdown
    assert "“No Health Without Mental Health, by contrast, came with no extra funding.” " \
           "(1. Money, cmh-2016)" in markdown
    rows = list(csv.DictReader(io.StringIO(run_mhkg("assess", draft, "--format", "csv").stdout)))
    money = next(r for r in rows if r["factor"] == "money")
    assert (money["status"], money["hindered"]) == ("lacks", "nsf-cyp; nhwmh")
    payload = json.loads(run_mhkg("assess", draft, "--format", "json").stdout)
    assert payload["summary"]["lacks"] == ["money", "implementation-support"]


def test_html_page_is_escaped_and_written_atomically(real_sources: Any, tmp_path: Path) -> None:
    path = draft_file(tmp_path, "name: <script>alert(1)</script> & co\nfunding:\n"
                                "  additional: false\n")
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    result = run_mhkg("assess", str(path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (")
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "default-src 'none'" in page
    assert "No Health Without Mental Health, by contrast, came with no extra funding." in page
    assert not list(tmp_path.glob(".*.tmp"))
    bad = run_mhkg("assess", str(path), "-o", str(tmp_path / "report.pdf"))
    assert bad.returncode == 2 and "name a .html" in bad.stderr


def test_usage_errors(real_sources: Any, tmp_path: Path) -> None:
    nothing = run_mhkg("assess")
    assert nothing.returncode == 2 and "--template" in nothing.stderr
    missing = run_mhkg("assess", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_readme_shows_real_output(real_sources: Any) -> None:
    from tests.analysis.test_qca import readme_block

    result = run_mhkg("assess", "tests/fixtures/assess/no-money-no-support.yaml")
    excerpt = readme_block("<!-- assess -->")
    assert excerpt.count("\n") >= 20 and result.stdout.startswith(excerpt)
