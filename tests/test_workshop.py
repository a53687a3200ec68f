"""Workshop apps without a browser: the pure compute functions, the answers store, the PDF report,
and the ipywidgets apps driven from Python (callbacks, friendly errors, reset confirmation)."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import re

import pytest

from conftest import REPO
from sme_teach import datasets, measures, workshop
from sme_teach.workshop import WorkshopInputError

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SME_TEACH_WORKSHOP_DIR", str(tmp_path / "answers"))
    return tmp_path / "answers"


def _answers(value=4, **override):
    inst = measures.load_instrument()
    return {**{i: value for i in inst.item_ids}, **override}


def _pdf_text(data: bytes):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(p.extract_text() for p in reader.pages).split())


# ----------------------------------------------------------------------------- recommendations


def test_recommendation_quotes_are_sentences_of_the_seed_papers(seeds_dir):
    def norm(s):
        return re.sub(r"\s+", " ", s.replace("*", "")).strip()

    texts = {"bose2016": norm((seeds_dir / "bose_critical_success_factors.txt").read_text(encoding="utf-8")),
             "bose_bristy": norm((seeds_dir / "bose_bristy_alliance_fsa.txt").read_text(encoding="utf-8"))}
    recs = workshop.load_recommendations()
    steps = [s for v in recs["readiness"].values() for s in v] + recs["alliance"] + recs["destination"] \
        + recs["spillover"]
    for s in steps:
        assert norm(s["quote"]) in texts[s["source"]], f"not a sentence of {s['source']}: {s['quote'][:80]!r}"


def test_every_readiness_dimension_has_next_steps():
    inst = measures.load_instrument()
    recs = workshop.load_recommendations()["readiness"]
    assert set(inst.dimension_ids) <= set(recs)
    assert all(len(recs[d]) >= 2 for d in inst.dimension_ids)


# ----------------------------------------------------------------------------- readiness


def test_readiness_scores_match_measures_and_pick_weakest_area():
    answers = _answers(4, net_1=1, net_2=1, net_3=1, net_4=5)
    r = workshop.compute_readiness(answers, " Rupsha Jute Works ", "Mrs Akter")
    ref = measures.readiness_scores(answers)
    assert r.firm == "Rupsha Jute Works"
    assert r.overall == pytest.approx(float(ref["overall"]))
    assert r.weakest[0] == "cluster_networking" == ref["weakest"]
    assert r.scores["cluster_networking"] == 0
    assert r.strongest and not set(r.strongest) & set(r.weakest)
    assert [x["dimension"] for x in r.recommendations][:1] == ["cluster_networking"]
    assert all(x["quote"] and x["citation"] for x in r.recommendations)
    row = r.row()
    assert row["firm"] == "Rupsha Jute Works" and row["net_1"] == 1 and row["band"] == ref["band"]


def test_readiness_missing_answers_give_a_friendly_message():
    answers = _answers(3, cur_1=None, pro_2=None)
    with pytest.raises(WorkshopInputError, match=r"^2 questions still need an answer \(the first is in 'Current"):
        workshop.compute_readiness(answers)


# ----------------------------------------------------------------------------- alliance


def test_alliance_builds_and_bottlenecks():
    r = workshop.compute_alliance(["information_sharing", "joint_marketing"], {"trust_and_confidence": 1})
    ref = measures.propagate({"information_sharing": 1.0, "joint_marketing": 1.0},
                             {"trust_and_confidence": 0.0, **{k: 0.5 for k in [
                                 "coordination_and_control", "investment_security", "industry_potentiality",
                                 "alliance_timing_and_sequencing", "equal_distribution_of_benefits"]}},
                             {k: 0.5 for k in r.moderator_answers if k not in ref_m1()})
    assert r.competency.to_dict() == pytest.approx(ref.competency.to_dict())
    assert r.weak_moderators[0]["id"] == "trust_and_confidence" and r.weak_moderators[0]["quote"]
    assert r.top_competencies and r.competency[r.top_competencies[0]] == r.competency.max()
    # competencies nothing chosen builds come with alliances that would build them
    assert r.missing and all(m["label"] for m in r.missing)
    assert any(m["alliances"] for m in r.missing)


def ref_m1():
    return {"trust_and_confidence", "coordination_and_control", "investment_security", "industry_potentiality",
            "alliance_timing_and_sequencing", "equal_distribution_of_benefits"}


def test_alliance_weakest_link_rule_and_errors():
    strict = workshop.compute_alliance(["joint_marketing"], {"trust_and_confidence": 1}, weakest_link=True)
    assert strict.competency.max() == 0  # "Not at all" trust blocks everything under the strict rule
    with pytest.raises(WorkshopInputError, match="Pick at least one"):
        workshop.compute_alliance(["not_an_alliance"], {})
    with pytest.raises(WorkshopInputError, match="from 1 to 5"):
        workshop.compute_alliance(["joint_marketing"], {"trust_and_confidence": 9})


# ----------------------------------------------------------------------------- destinations


def test_destinations_rank_like_measures():
    w = {"cultural": 2, "geographic": 2, "economic": 1, "psychic": 1}
    r = workshop.compute_destinations("BGD", ["GBR", "IND", "BGD", "ARE"], w)
    from sme_teach import datasets

    ref = measures.rank_destinations("BGD", ["GBR", "IND", "ARE"], w, countries=datasets.load_countries(),
                                     hofstede=datasets.load_hofstede())
    assert list(r.table.index) == list(ref.index)
    assert r.table["total"].fillna(-1).tolist() == pytest.approx(ref["total"].fillna(-1).tolist())
    assert {"common_language", "contiguous", "distance_km"} <= set(r.table.columns)
    assert any("home country was taken out" in n for n in r.notes)
    assert any("United Arab Emirates" in n for n in r.notes)  # no Hofstede scores → said in words


@pytest.mark.parametrize("home, cands, weights, msg", [
    ("XXX", ["IND"], {"geographic": 1}, "home country"),
    ("BGD", [], {"geographic": 1}, "at least one market"),
    ("BGD", ["IND"], {"geographic": 0, "cultural": "a lot"}, "slider above 0"),
])
def test_destination_errors_are_friendly(home, cands, weights, msg):
    with pytest.raises(WorkshopInputError, match=msg):
        workshop.compute_destinations(home, cands, weights)


# ----------------------------------------------------------------------------- spillover


def test_spillover_probabilities_and_rounds():
    import networkx as nx

    G = nx.path_graph(5)
    r = workshop.compute_spillover([0], 1.0, G=G, runs=20)
    assert r.expected == 5 and r.rounds == {0: 0, 1: 1, 2: 2, 3: 3, 4: 4}
    r = workshop.compute_spillover(["KS01"], 0.3)
    ref = measures.independent_cascade(datasets.load_alliance_network(), ["KS01"], 0.3, runs=500, seed=7)
    assert r.probability.equals(ref)
    assert r.probability["KS01"] == 1
    assert workshop.compute_spillover(["KS01"], "strength").expected > r.expected
    with pytest.raises(WorkshopInputError, match="where the news starts"):
        workshop.compute_spillover([], 0.3)
    with pytest.raises(WorkshopInputError, match="between 0 and 1"):
        workshop.compute_spillover(["KS01"], 3)


def test_best_starts_are_sorted():
    best = workshop.compute_best_starts(0.3, k=3, runs=50)
    assert len(best) == 3 and best.is_monotonic_decreasing


# ----------------------------------------------------------------------------- store


def test_append_answers_writes_header_once_and_widens(store):
    workshop.append_answers("demo", {"firm": "A", "q1": 1})
    workshop.append_answers("demo", {"firm": "B, Ltd \"Khulna\"", "q1": 2})
    workshop.append_answers("demo", {"firm": "C", "q1": 3, "q2": 5})
    rows = list(csv.DictReader(open(store / "demo_answers.csv", encoding="utf-8")))
    assert [r["firm"] for r in rows] == ["A", 'B, Ltd "Khulna"', "C"]
    assert rows[0]["q2"] == "" and rows[2]["q2"] == "5" and all(r["saved_at"] for r in rows)
    assert workshop.answers_csv_bytes("demo").startswith(b"saved_at,firm,q1,q2")
    assert not list(store.glob("*.tmp"))


def _writer(args):
    directory, k = args
    import os

    os.environ["SME_TEACH_WORKSHOP_DIR"] = directory
    from sme_teach.workshop import append_answers

    for i in range(25):
        append_answers("race", {"firm": f"firm{k}", "i": i, "text": "x" * 200})


def test_concurrent_appends_lose_nothing(store):
    store.mkdir(parents=True, exist_ok=True)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.map(_writer, [(str(store), k) for k in range(4)])
    rows = list(csv.DictReader(open(store / "race_answers.csv", encoding="utf-8")))
    assert len(rows) == 100
    assert sorted((r["firm"], int(r["i"])) for r in rows) == sorted((f"firm{k}", i) for k in range(4) for i in range(25))


def test_workshop_dir_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SME_TEACH_WORKSHOP_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert workshop.workshop_dir() == tmp_path / "sme_teach_workshop"


# ----------------------------------------------------------------------------- report


def test_report_is_one_page_even_with_long_lists():
    recs = [{"step": "Do something useful. " * 8, "quote": "A long quoted sentence. " * 6, "citation": "X (2016)"}] * 12
    pdf = workshop.one_page_report(
        title="Readiness", firm="Rūpsha Jute Works", owner="Mrs Akter", headline="Overall 55 of 100",
        scores=[(f"Area {i}", f"{i} / 100") for i in range(20)], answers=[(f"Question {i}", "4 Mostly") for i in range(40)],
        chart_png=None, chart_alt="", recommendations=recs, note="A note.")
    reader, text = _pdf_text(pdf)
    assert len(reader.pages) == 1
    assert "Rūpsha Jute Works" in text and "Overall 55 of 100" in text
    assert reader.metadata.title == "Readiness - Rūpsha Jute Works"


def test_report_filename_is_safe():
    assert workshop.report_filename("../../etc/passwd") == "report_etc_passwd.pdf"
    assert workshop.report_filename("   ") == "report_my_firm.pdf"


# ----------------------------------------------------------------------------- apps driven from Python


def test_readiness_app_flow(store):
    app = workshop.readiness_app()
    assert "26 questions still need an answer" in app.result.value
    with pytest.raises(WorkshopInputError, match="firm's name"):
        app.on_report()  # the raw method raises; the button's wrapped callback shows it
    app.report_button.click()
    assert "firm&#x27;s name" in app.status.value and "sme-msg-warn" in app.status.value
    for item, w in app.items.items():
        w.value = 1 if item.startswith("inn") else 4
    assert "sme-overall" in app.result.value and "<img" in app.result.value and 'alt="Bar chart' in app.result.value
    app.firm.value = "Rupsha Jute Works"
    app.report_button.click()
    assert 'download="report_Rupsha_Jute_Works.pdf"' in app.report_link.value
    import base64

    data = base64.b64decode(re.search(r'base64,([^"]+)"', app.report_link.value).group(1))
    reader, text = _pdf_text(data)
    assert len(reader.pages) == 1 and "Rupsha Jute Works" in text and "Innovation" in text
    # changing an answer hides the now-outdated report link
    app.items["cur_1"].value = 2
    assert app.report_link.value == ""
    app.save_button.click()
    assert "Saved" in app.status.value
    assert "1 saved answer " in app.count.value and "Download all answers (CSV)" in app.csv_link.value
    # Start again asks first; "No" keeps everything, "Yes" clears
    app.reset_button.click()
    assert app.confirm_box.layout.display == "flex" and app.firm.value == "Rupsha Jute Works"
    app.confirm_no.click()
    assert app.items["cur_1"].value == 2 and app.confirm_box.layout.display == "none"
    app.reset_button.click()
    app.confirm_yes.click()
    assert app.firm.value == "" and all(w.value is None for w in app.items.values())


def test_unexpected_errors_are_logged_not_shown(store, monkeypatch):
    app = workshop.destination_app()
    app.firm.value = "Mongla Fish"

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(workshop._store, "append_answers", boom)
    app.save_button.click()
    assert "something went wrong" in app.status.value and "disk on fire" not in app.status.value
    assert "RuntimeError: disk on fire" in (store / "workshop.log").read_text()


@pytest.mark.parametrize("factory, setup", [
    ("alliance_app", lambda a: a.alliances["joint_marketing"].set_trait("value", True)),
    ("destination_app", lambda a: a.weights["psychic"].set_trait("value", 5)),
    ("spillover_app", lambda a: a.chance.set_trait("value", 0.5)),
])
def test_other_apps_save_and_report(factory, setup, store):
    app = getattr(workshop, factory)()
    setup(app)
    app.firm.value = "Khulna Leather"
    assert "sme-msg-warn" not in app.status.value
    app.report_button.click()
    assert "report_Khulna_Leather.pdf" in app.report_link.value, app.status.value
    app.save_button.click()
    assert "Saved" in app.status.value
    assert workshop.read_answers(app.app_id)["firm"].tolist() == ["Khulna Leather"]


def test_spillover_best_start_button():
    app = workshop.spillover_app()
    app.best_button.click()
    assert "Best single starting firms" in app.best_out.value


# ----------------------------------------------------------------------------- course files


def test_workshop_notebooks_only_import_and_display():
    import nbformat

    for name in ["readiness_diagnostic", "alliance_planner", "destination_explorer", "spillover_game"]:
        nb = nbformat.read(REPO / "course" / "workshop" / f"{name}.ipynb", as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert len(code) == 1 and code[0].startswith("from sme_teach.workshop import"), name


def test_voila_config_hides_code_and_unrelated_extensions():
    cfg = json.loads((REPO / "course" / "workshop" / "voila.json").read_text())["VoilaConfiguration"]
    assert cfg["strip_sources"] is True and cfg["show_tracebacks"] is False
    assert "@jupyter/nbgrader" not in cfg["extension_allowlist"]
    assert cfg["template"] == "sme_workshop"
    assert (REPO / "course" / "workshop" / "jupyter" / "voila" / "templates" / "sme_workshop" / "index.html.j2").is_file()
