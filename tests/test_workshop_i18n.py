"""The workshop apps' languages: the catalog is current and complete, numbers and charts follow
the language, the page's switch keeps every answer, the CSV and the PDF come in the reader's language."""

from __future__ import annotations

import re
import string
import subprocess
import sys
import unicodedata

import pytest

from conftest import REPO

pytest.importorskip("babel")

from sme_teach import workshop  # noqa: E402
from sme_teach.workshop import _apps, _i18n  # noqa: E402

BN_DIGITS = set("০১২৩৪৫৬৭৮৯")


def _fields(text: str) -> set:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_the_committed_template_is_current():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "workshop_catalog.py"), "--check"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, ("sme_teach/workshop/locale/sme_workshop.pot is out of date: run "
                                  f"`make translations`\n{proc.stdout}{proc.stderr}")


def test_bengali_translates_every_text_with_the_same_placeholders():
    from babel.messages.pofile import read_po

    with open(_i18n.LOCALE_DIR / "sme_workshop.pot", "rb") as fh:
        pot = read_po(fh)
    bn = _i18n.catalog("bn")
    ids = [m.id for m in pot if m.id]
    assert len(ids) > 300
    missing = [i for i in ids if i not in bn]
    assert not missing, f"{len(missing)} texts have no Bengali translation, e.g. {missing[:3]}"
    for msgid in ids:
        assert _fields(bn[msgid]) == _fields(msgid), (msgid, bn[msgid])
        assert any("\u0980" <= ch <= "\u09ff" for ch in bn[msgid]) or not re.search("[A-Za-z]{3}", msgid), msgid
    # every readiness question and next step is in the catalog (data files, not only code)
    from sme_teach import cases, measures

    for text in measures.load_instrument().items["text"]:
        assert text in bn
    for steps in cases.load_recommendations()["readiness"].values():
        assert all(s["step"] in bn for s in steps)


def test_numbers_in_bengali_use_bengali_digits_lakh_grouping_and_taka():
    tr = _i18n.Translator("bn")
    assert tr.num(1234567) == "১২,৩৪,৫৬৭"
    assert tr.num(0.456, 2) == "০.৪৬"
    assert tr.pct(0.25) == "২৫%"
    assert tr.taka(150000) == "৳১,৫০,০০০"
    assert _i18n.Translator("en").num(1234567) == "1,234,567"
    assert tr.country("IN", "India") == "ভারত"
    assert tr("no such text {x}", x=1) == "no such text 1"  # untranslated: English, never blank


def test_language_from_the_query_string(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=bn")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert workshop.spillover_app().lang == "bn"
    monkeypatch.setenv("QUERY_STRING", "lang=fr")
    assert workshop.spillover_app().lang == "en"
    assert _i18n.language_from_query("?lang=BN") == "bn"


def test_a_preheated_kernel_builds_its_app_before_the_page_asks_then_follows_the_page(monkeypatch):
    """In Voilà's pool the app is built in the room's language without waiting for a request; the
    notebook's second cell waits for the page (voila.utils.get_query_string) and redraws in its language."""
    import voila.utils

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv(_i18n.ROOM_LANG_ENV, "bn")
    asked = []

    def page_arrives(url=None):  # what Voilà's request handler sends the kernel when a page takes it
        asked.append(url)
        return "lang=en"

    monkeypatch.setattr(voila.utils, "get_query_string", page_arrives)
    app = workshop.readiness_app()
    assert app.lang == "bn" and asked == []  # built at once, in the room's language, before any request
    app.items["cur_1"].value = 3  # (not possible before a page, but an answer must survive the redraw)
    assert app.use_page_language() == "en" and asked == [None]
    assert app.lang == "en" and app.items["cur_1"].value == 3 and "sme-lang-en" in app.widget._dom_classes
    assert app.use_page_language() == "en" and asked == [None]  # once only
    # a page without ?lang= in a Bengali room: Bengali, no redraw
    monkeypatch.setattr(voila.utils, "get_query_string", lambda url=None: "")
    app = workshop.spillover_app()
    root = app.widget.children[0]
    assert app.use_page_language() == "bn" and app.widget.children[0] is root
    # outside a preheated kernel nothing waits
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    app = workshop.alliance_app()
    assert app.lang == "en" and app.use_page_language() == "en"


def _answer_all(app, value=4):
    for w in app.items.values():
        w.value = value


def test_switching_language_keeps_every_answer_and_redraws_in_bengali(tmp_path, monkeypatch):
    monkeypatch.setenv("SME_TEACH_WORKSHOP_DIR", str(tmp_path))
    app = workshop.readiness_app(lang="en")
    app.firm.value, app.owner.value = "খুলনা চিংড়ি প্রসেসিং", "Mrs Akter"
    _answer_all(app)
    app.items["net_1"].value = 2
    overall = app.compute().overall
    app.on_report()
    assert app.report_link.value
    app.language.value = "bn"  # the switch on the page
    assert app.lang == "bn" and app.items["net_1"].value == 2 and app.firm.value == "খুলনা চিংড়ি প্রসেসিং"
    assert app.compute().overall == overall
    assert not app.report_link.value and "ভাষা বদলেছে" in app.status.value  # the English report went
    text = app.result.value
    assert "সব মিলিয়ে" in text and f">{_i18n.Translator('bn').num(overall)}<" in text
    assert "sme-lang-bn" in app.widget._dom_classes
    assert app.items["net_1"].options[1][0] == "২ একটু"
    # a Bengali report: Bengali words, the firm's name; every answer listed
    from pypdf import PdfReader
    import base64
    import io

    app.on_report()
    uri = re.search(r'base64,([^"]+)"', app.report_link.value).group(1)
    reader = PdfReader(io.BytesIO(base64.b64decode(uri)))
    pdf = " ".join(unicodedata.normalize("NFC", "".join(
        ch for ch in p.extract_text() if unicodedata.category(ch) != "Cc")) for p in reader.pages)
    assert "খুলনা" in pdf and "(২৬" in pdf.replace(" ", "")  # "আপনার উত্তর (২৬টি)"
    # and back: English again, same answers
    app.language.value = "en"
    assert "Overall:" in app.result.value and app.items["net_1"].value == 2


def test_the_csv_download_speaks_the_facilitators_language(tmp_path, monkeypatch):
    monkeypatch.setenv("SME_TEACH_WORKSHOP_DIR", str(tmp_path))
    app = workshop.readiness_app(lang="bn")
    app.firm.value = "রূপসা"
    _answer_all(app, 3)
    app.on_save()
    stored = workshop.answers_csv_bytes("readiness").decode("utf-8-sig").splitlines()[0]
    assert "I know which benefits selling abroad would bring my firm. [cur_1]" in stored  # the file: English
    uri = re.search(r'base64,([^"]+)"', app.csv_link.value).group(1)
    import base64

    shown = base64.b64decode(uri)
    assert shown.startswith(b"\xef\xbb\xbf")
    header = shown.decode("utf-8-sig").splitlines()[0]
    assert "বিদেশে বিক্রি করলে আমার প্রতিষ্ঠান কী কী সুবিধা পাবে, তা আমি জানি। [cur_1]" in header
    assert "প্রতিষ্ঠান [firm]" in header
    frame = workshop.read_answers("readiness")
    assert frame["firm"].tolist() == ["রূপসা"]  # reading back by id works whatever the header language


@pytest.mark.parametrize("app_name", ["alliance_app", "destination_app", "spillover_app"])
def test_every_app_renders_in_bengali_with_bengali_numbers(app_name):
    app = getattr(workshop, app_name)(lang="bn")
    if app_name == "alliance_app":
        app.alliances["information_sharing"].value = True
    html = app.result.value
    assert "sme-msg" not in html, html[:300]
    html = re.sub(r"<blockquote lang='en'>.*?</blockquote>", " ", html, flags=re.S)  # the papers' own words
    words = re.sub(r"<[^>]+>|data:image/png;base64,[A-Za-z0-9+/=]+", " ", html)
    assert BN_DIGITS & set(words), words[:300]
    assert not re.search(r"\b(of|the|and|firms)\b", words.split("Hofstede")[0]), words[:400]


def test_bengali_charts_use_the_bengali_font():
    pytest.importorskip("matplotlib", minversion="3.11")
    if not workshop._report.font_files()["bengali"]:
        pytest.skip("Noto Sans Bengali is not installed (make test installs it: scripts/ensure_fonts.sh)")
    import warnings

    app = workshop.spillover_app(lang="bn")
    result = app.compute()
    from sme_teach import datasets
    from sme_teach.plots import network_layout

    G = datasets.load_alliance_network()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would be a warning
        fig, alt = _apps._charts.spillover_chart(result, G, network_layout(G), tr=app.tr)
        png = _apps._charts.png_bytes(fig)
    assert png[:4] == b"\x89PNG" and "নেটওয়ার্ক" in alt


def test_the_landing_page_names_the_apps_as_the_apps_do():
    """The landing page (a Voilà template) carries each app's title in both languages: the catalog's words."""
    page = (REPO / "course" / "workshop" / "jupyter" / "voila" / "templates" / "sme_workshop" / "tree-lab.html")
    text = page.read_text(encoding="utf-8")
    bn = _i18n.Translator("bn")
    for notebook, cls in (("readiness_diagnostic", _apps.ReadinessApp), ("alliance_planner", _apps.AllianceApp),
                          ("destination_explorer", _apps.DestinationApp), ("spillover_game", _apps.SpilloverApp)):
        assert (REPO / "course" / "workshop" / f"{notebook}.ipynb").is_file()
        assert f"('{notebook}', '{cls.title}', '{bn(cls.title)}'," in text, notebook
