"""Done-when of the workshop's languages and accessibility, in a real browser (Voilà + Chromium).

One Voilà server (conftest's ``workshop_server``, as `make workshop` starts it, shared with
tests/test_workshop_browser.py) and one browser context for the module. Each app
is opened once, at ``?lang=bn`` on a phone (390×844): filled in Bengali with a Bengali firm name,
its PDF downloaded and read with pypdf, axe-core run; then switched to English with the page's
own language switch (answers kept), widened to a laptop (1366×768), its English PDF checked for
every answer, axe run again. The landing page is checked in both languages. Every request must
stay on 127.0.0.1 and the console must stay free of errors.
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import Recorder, untick_chosen_market

pytestmark = pytest.mark.browser

BN_FIRM = "খুলনা চিংড়ি প্রসেসিং"
BN_OWNER = "রহিমা আক্তার"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
APPS = {"readiness_diagnostic": "readiness", "alliance_planner": "alliance",
        "destination_explorer": "destination", "spillover_game": "spillover"}


@pytest.fixture(scope="module")
def server(workshop_server):
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (dev extra) runs axe-core")
    return workshop_server[0]


@pytest.fixture(scope="module")
def browser_context(chromium_browser):
    context = chromium_browser.new_context(viewport=PHONE, accept_downloads=True, locale="bn-BD")
    rec = Recorder(context)
    yield context, rec
    context.close()
    assert not rec.external, f"requests left the machine: {rec.external[:10]}"


def _axe(page, where: str):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{where}: axe-core serious/critical violations:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes'][:4]]}" for v in bad)
    return results.response["violations"]


def _pdf_text(download, tmp_path: Path):
    from pypdf import PdfReader

    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    text = unicodedata.normalize("NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch == "\n"))
    return reader, " ".join(text.split()), path


def _report(page, tmp_path):
    page.click(".sme-report")
    link = page.wait_for_selector("a.sme-report-link", timeout=60_000)
    with page.expect_download(timeout=30_000) as info:
        link.click()
    return _pdf_text(info.value, tmp_path)


def _open(page, base, app, lang="bn"):
    page.goto(f"{base}/voila/render/{app}.ipynb?lang={lang}", wait_until="commit")
    page.wait_for_selector(".sme-app .sme-result", state="attached", timeout=120_000)
    page.wait_for_function("l => document.documentElement.lang === l", arg=lang, timeout=10_000)


def _fill_names_by_keyboard(page, firm, owner):
    page.locator(".sme-firm input").focus()
    page.keyboard.type(firm)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.sme-owner') !== null"), "Tab goes firm → owner"
    page.keyboard.type(owner)
    page.keyboard.press("Tab")


def _switch(page, lang):
    """Press the page's language switch with the keyboard; wait until the app is redrawn."""
    label = {"en": "English", "bn": "বাংলা"}[lang]
    button = page.locator(".sme-language button", has_text=label)
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f".sme-app.sme-lang-{lang}", timeout=30_000)
    page.wait_for_function("l => document.documentElement.lang === l", arg=lang, timeout=10_000)


def _no_overflow(page, where):
    """Nothing sticks out sideways on a phone: no element of the app, nor the page, is wider than the screen."""
    page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { e.scrollLeft = 0; }); }")
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 2, f"{where}: the page is {wide} px wider than the screen"
    out = page.evaluate("""() => [...document.querySelectorAll('.sme-app *, .sme-card *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && (r.right > window.innerWidth + 2 || r.left < -2);
    }).slice(0, 5).map(e => e.className + ' ' + (e.innerText || '').slice(0, 40))""")
    assert not out, f"{where}: cut off at the screen's edge: {out}"


def _shot(page, test_output, name):
    page.screenshot(path=str(test_output / f"{name}.png"), full_page=False)


# ------------------------------------------------------------------ per app: what to answer


def _fill(page, app, tr):
    """Answer the app's questions (mouse and keyboard); return (expected result, answer texts in the PDF)."""
    from sme_teach import measures, workshop

    if app == "readiness":
        inst = measures.load_instrument()
        answers = {i: (2 if i.startswith("net") else 4) for i in inst.item_ids}
        first = True
        for item, value in answers.items():
            button = page.locator(f".sme-item-{item} button").nth(value - 1)
            if first:  # keyboard only for the first answer: focus the button, press Space
                button.focus()
                page.keyboard.press("Space")
                first = False
            else:
                button.click()
        expected = workshop.compute_readiness(answers, BN_FIRM)
        page.wait_for_selector(f".sme-overall >> text={tr.num(expected.overall)}", timeout=30_000)
        texts = inst.items.set_index("id")["text"]
        return expected, [texts[i] for i in answers]
    if app == "alliance":
        page.locator(".sme-alliance-information_sharing input").focus()
        page.keyboard.press("Space")  # a checkbox by keyboard
        page.click(".sme-alliance-joint_marketing input")
        page.locator(".sme-moderator-trust_and_confidence button").nth(4).click()
        expected = workshop.compute_alliance(["information_sharing", "joint_marketing"], {"trust_and_confidence": 5})
        best = tr(expected.labels[expected.top_competencies[0]])
        page.wait_for_selector(f".sme-best >> text={best}", timeout=30_000)
        from sme_teach import cases

        mods = [m for layer in ("moderator_1", "moderator_2") for m in cases.alliance_nodes(layer)["label"]]
        return expected, ["Ways of working together"] + mods
    if app == "destination":
        from sme_teach import datasets
        from sme_teach.cases import DESTINATION_FACTOR_LABELS

        iso2 = dict(zip(datasets.load_countries()["iso3"], datasets.load_countries()["iso2"]))
        names = dict((iso3, name) for name, iso3 in workshop.country_choices())
        from sme_teach.workshop._apps import _DEFAULT_MARKETS

        chosen = ["GBR", "IND", "MYS", "JPN"]
        _pick_markets(page, [tr.country(iso2[c], names[c]) for c in chosen],
                      [tr.country(iso2[c], names[c]) for c in _DEFAULT_MARKETS if c not in chosen])
        handle = page.locator(".sme-weight-psychic .noUi-handle")
        # the slider's accessible name is its label's words (set by the page template)
        page.wait_for_function("n => { const h = document.querySelector('.sme-weight-psychic .noUi-handle');"
                               " return h && h.getAttribute('aria-label') === n; }",
                               arg=tr(DESTINATION_FACTOR_LABELS["psychic"]), timeout=10_000)
        handle.focus()
        for _ in range(4):  # 1 → 5 with the arrow key
            page.keyboard.press("ArrowRight")
        weights = {"cultural": 2, "administrative": 1, "geographic": 2, "economic": 1, "psychic": 5,
                   "small_market": 1}
        expected = workshop.compute_destinations("BGD", chosen, weights)
        page.wait_for_function("n => document.querySelectorAll('.sme-ranking tr').length === n + 1", arg=4,
                               timeout=30_000)
        top = tr.num(expected.table["total"].iloc[0], 2)
        page.wait_for_function(
            "t => { const r = document.querySelectorAll('.sme-ranking tr')[1]; return r && r.innerText.includes(t); }",
            arg=top, timeout=30_000)
        return expected, ["Home country"] + [f"How much it matters: {v}" for v in DESTINATION_FACTOR_LABELS.values()]
    labels = dict((v, k) for k, v in workshop.firm_choices())
    page.select_option(".sme-starts select", label=[labels["KS44"]])
    handle = page.locator(".sme-chance .noUi-handle")
    handle.focus()
    for _ in range(4):  # 20 % → 40 %
        page.keyboard.press("ArrowRight")
    expected = workshop.compute_spillover(["KS44"], 0.4)
    page.wait_for_selector(f".sme-reached >> text={tr.num(expected.expected)}", timeout=30_000)
    return expected, ["News starts at", "Chance of passing it on"]


@pytest.mark.parametrize("notebook", list(APPS))
def test_app_in_bengali_on_a_phone_then_english_on_a_laptop(notebook, server, browser_context, tmp_path,
                                                             test_output):
    from sme_teach.workshop._i18n import Translator

    context, rec = browser_context
    app = APPS[notebook]
    bn, en = Translator("bn"), Translator("en")
    page = context.new_page()
    rec.stop = f"{app} (bn)"
    page.set_viewport_size(PHONE)
    _open(page, server, notebook, "bn")
    assert bn("Firm name") in page.locator(".sme-firm").inner_text()
    _fill_names_by_keyboard(page, BN_FIRM, BN_OWNER)
    expected, answer_texts = _fill(page, app, bn)
    _no_overflow(page, f"{app} at 390 px")
    page.locator(".sme-app h2").scroll_into_view_if_needed()
    _shot(page, test_output, f"workshop_i18n_{app}_bn_390_top")
    page.locator(".sme-result").scroll_into_view_if_needed()
    _shot(page, test_output, f"workshop_i18n_{app}_bn_390_result")
    _axe(page, f"{app} in Bengali at 390 px")

    reader, text, path = _report(page, tmp_path)
    assert unicodedata.normalize("NFC", BN_FIRM) in text, f"{app}: the Bengali firm name is not in the PDF"
    # pypdf reads shaped Bengali back only in part (a conjunct's later glyphs carry no text); the firm name
    # and the answers' heading with its Bengali count come back whole, the English PDF below is read in full
    assert bn("Your answers ({n})", n=bn.num(len(answer_texts))).replace(" ", "") in text.replace(" ", "")
    if app == "readiness":
        name = path.with_suffix("")
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(path), str(name)], check=True)
        (test_output / f"workshop_i18n_{app}_report_bn.png").write_bytes(Path(f"{name}-1.png").read_bytes())

    # the page's own switch: English, every answer kept; then a laptop screen
    rec.stop = f"{app} (en)"
    _switch(page, "en")
    assert page.input_value(".sme-firm input") == BN_FIRM
    page.set_viewport_size(LAPTOP)
    if app == "readiness":
        page.wait_for_selector(f".sme-overall >> text={en.num(expected.overall)}", timeout=30_000)
    reader, text, _ = _report(page, tmp_path)
    assert unicodedata.normalize("NFC", BN_FIRM) in text and "Next steps" in text
    for answer in answer_texts:  # every answer is listed, none cut
        assert " ".join(answer.split()) in text, f"{app}: the English PDF lacks the answer {answer!r}"
    assert "…" not in text
    page.locator(".sme-app h2").scroll_into_view_if_needed()
    _shot(page, test_output, f"workshop_i18n_{app}_en_1366")
    _axe(page, f"{app} in English at 1366 px")
    errors = [e for e in rec.errors() if notebook in e]
    page.close()
    assert not errors, f"{app}: browser console errors: {errors}"


def test_landing_page_lists_the_four_apps_in_both_languages(server, browser_context, test_output):
    context, rec = browser_context
    page = context.new_page()
    rec.stop = "landing"
    for lang, size in (("bn", PHONE), ("en", LAPTOP)):
        page.set_viewport_size(size)
        page.goto(f"{server}/voila/tree?lang={lang}")
        assert page.evaluate("() => document.documentElement.lang") == lang
        cards = page.locator(".sme-card")
        assert cards.count() == 4
        body = page.locator("body").inner_text()
        assert ".ipynb" not in body and "jupyter" not in body.lower(), body[:300]
        for notebook in APPS:
            link = page.locator(f".sme-card-{notebook} a")
            assert link.get_attribute("href").endswith(f"/voila/render/{notebook}.ipynb?lang={lang}")
            assert link.locator("svg").count() == 1 and link.locator("p").inner_text().strip()
        if lang == "bn":
            assert "আগে কোথায় বিক্রি করব?" in body
            _no_overflow(page, "landing page at 390 px")
        else:
            assert "Where should we sell first?" in body
        _shot(page, test_output, f"workshop_i18n_landing_{lang}")
        _axe(page, f"landing page ({lang})")
    # keyboard: Tab reaches the language switch and then the first app
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.sme-card') !== null")
    page.close()
    assert not rec.errors(), rec.errors()


def _pick_markets(page, add, drop):
    """The market picker by keyboard: untick each market in ``drop`` from the chosen list, then type
    each one in ``add`` into the search box and tick it (unless it is chosen already)."""
    for name in drop:
        untick_chosen_market(page, name)
    for name in add:
        if page.locator(".sme-markets-chosen .widget-checkbox", has_text=name).count():
            continue
        search = page.locator(".sme-markets-search input")
        search.fill(name)
        match = page.locator(".sme-markets-match", has_text=name).first
        match.wait_for(timeout=15_000)
        match.locator("input").focus()
        match.locator("input").press("Space")
        page.locator(".sme-markets-chosen .widget-checkbox", has_text=name).wait_for(timeout=15_000)
