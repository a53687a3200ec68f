"""The workshop apps in a real browser: Voilà (as `make workshop` starts it) + headless Chromium.

One Voilà server for the session (conftest's ``workshop_server``, shared with
tests/test_workshop_i18n_browser.py); the four app pages load in parallel tabs (their kernels start
together), then each is driven as a participant would: fill the form, move controls, read the
result, download the one-page PDF report, save the answers and download everyone's CSV. Every
page must leave the browser console free of errors.
"""

from __future__ import annotations

import csv
import io
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import WORKSHOP, untick_chosen_market, voila_command  # noqa: F401 - the server is conftest's workshop_server

pytestmark = pytest.mark.browser

APPS = ["readiness_diagnostic", "alliance_planner", "destination_explorer", "spillover_game"]
FIRM = "Rupsha Jute Works"
BENGALI_FIRM = "খুলনা চিংড়ি প্রসেসিং"


@pytest.fixture(scope="module")
def pages(workshop_server, chromium_browser):
    """All four apps opened at once; yields {app: (page, console_errors)}."""
    base, _ = workshop_server
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    out = {}
    for app in APPS:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, errors=errors: errors.append(m.text[:500]) if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(f"pageerror: {e}"[:500]))
        page.goto(f"{base}/voila/render/{app}.ipynb", wait_until="commit")
        out[app] = (page, errors)
    for app, (page, _) in out.items():
        page.wait_for_selector(".sme-app .sme-result", state="attached", timeout=90_000)
        _mark(f"{app} loaded")
    yield out
    context.close()


def _pdf(download, tmp_path: Path):
    from pypdf import PdfReader

    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    # a shaped Bengali cluster's second glyph carries no text; pypdf prints it as a control character
    text = unicodedata.normalize("NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch == "\n"))
    return reader, " ".join(text.split()), path


def _report(page, tmp_path, filename="report_Rupsha_Jute_Works.pdf"):
    page.click(".sme-report")
    link = page.wait_for_selector("a.sme-report-link", timeout=30_000)
    assert link.get_attribute("download") == filename
    with page.expect_download(timeout=30_000) as info:
        link.click()
    return _pdf(info.value, tmp_path)


def _finish(page, errors, app, test_output):
    page.wait_for_timeout(300)
    page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; }); }")
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.screenshot(path=str(test_output / f"workshop_{app}.png"))
    assert not [e for e in errors], f"{app}: browser console errors: {errors}"


_T0 = [time.monotonic()]


def _mark(what):  # timing breadcrumbs, shown with -s
    now = time.monotonic()
    print(f"  {now - _T0[0]:6.1f}s {what}")
    _T0[0] = now


def _fill_names(page):
    page.fill(".sme-firm input", FIRM)
    page.fill(".sme-owner input", "Mrs Akter")
    page.locator(".sme-owner input").press("Tab")


def test_readiness_diagnostic(pages, workshop_server, tmp_path, test_output):
    from sme_teach import measures, workshop

    page, errors = pages["readiness_diagnostic"]
    page.bring_to_front()  # background tabs are throttled
    _, store = workshop_server
    result = page.locator(".sme-result")
    assert "questions still need an answer" in result.inner_text()
    # asking for a report before the firm name gives a friendly message, never a traceback
    page.click(".sme-report")
    page.wait_for_selector(".sme-status >> text=firm's name")
    assert "Traceback" not in page.content()

    inst = measures.load_instrument()
    answers = {i: (1 if i.startswith("net") and i != "net_4" else 4) for i in inst.item_ids}
    answers["net_4"] = 5
    expected = workshop.compute_readiness(answers, FIRM)
    _fill_names(page)
    for item, value in answers.items():
        page.locator(f".sme-item-{item} button").nth(value - 1).click()
    _mark("readiness: clicked 26 answers")
    page.wait_for_selector(f".sme-overall >> text={expected.overall:.0f}", timeout=20_000)
    _mark("readiness: result shown")
    assert "Cluster and strategic networking" in result.inner_text()

    reader, text, _ = _report(page, tmp_path)
    assert len(reader.pages) in (1, 2) and "…" not in text  # every answer listed, a second page if needed
    assert FIRM in text
    assert f"Overall readiness {expected.overall:.0f} of 100" in text
    assert f"{expected.scores['cluster_networking']:.0f} / 100" in text

    _mark("readiness: report downloaded")
    page.click(".sme-save")
    page.wait_for_selector(".sme-status >> text=Saved", timeout=20_000)
    _mark("readiness: saved")
    rows = list(csv.DictReader(open(store / "readiness_answers.csv", encoding="utf-8-sig")))
    assert rows[-1]["Firm [firm]"] == FIRM and float(rows[-1]["Overall score [overall]"]) == round(expected.overall, 1)

    # facilitator: download everyone's answers
    page.click(".sme-app-readiness .jupyter-widget-Collapse-header, .sme-app-readiness .p-Collapse-header, "
               ".sme-app-readiness .lm-Collapse-header")
    with page.expect_download(timeout=20_000) as info:
        page.click("a.sme-csv-link")
    _mark("readiness: csv downloaded")
    got = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert got[-1]["Firm [firm]"] == FIRM

    # Start again asks first; "No" keeps everything
    page.click(".sme-reset")
    page.click(".sme-confirm-no")
    assert page.input_value(".sme-firm input") == FIRM
    assert page.locator(".sme-overall").inner_text() == f"{expected.overall:.0f}"
    _finish(page, errors, "readiness_diagnostic", test_output)


def test_alliance_planner(pages, tmp_path, test_output):
    from sme_teach import workshop

    page, errors = pages["alliance_planner"]
    page.bring_to_front()  # background tabs are throttled
    assert "Pick at least one way" in page.locator(".sme-result").inner_text()
    _fill_names(page)
    page.click(".sme-alliance-information_sharing input")
    page.click(".sme-alliance-joint_marketing input")
    # trust rated 2 ("A little"): weak but not absent (at 1, "not at all", the default rule makes every score 0)
    page.locator(".sme-moderator-trust_and_confidence button").nth(1).click()
    expected = workshop.compute_alliance(["information_sharing", "joint_marketing"], {"trust_and_confidence": 2})
    best = expected.labels[expected.top_competencies[0]]
    page.wait_for_selector(f".sme-best >> text={best}", timeout=20_000)
    assert "Trust and Confidence" in page.locator(".sme-result").inner_text()

    reader, text, _ = _report(page, tmp_path)
    assert len(reader.pages) in (1, 2) and FIRM in text
    top = expected.top_competencies[0]
    assert f"{100 * expected.competency[top]:.0f} / 100" in text
    _finish(page, errors, "alliance_planner", test_output)


def test_destination_explorer(pages, tmp_path, test_output):
    from sme_teach import workshop

    page, errors = pages["destination_explorer"]
    page.bring_to_front()  # background tabs are throttled
    page.wait_for_selector(".sme-best", timeout=30_000)
    _fill_names(page)
    # the market picker by keyboard: untick six of the ten chosen markets (Space on a focused checkbox)
    drop = ["China", "Singapore", "United Arab Emirates", "Saudi Arabia", "Germany", "United States"]
    for left, name in enumerate(drop, start=1):
        untick_chosen_market(page, name)
        page.wait_for_function("n => document.querySelectorAll('.sme-markets-chosen input:checked').length === n",
                               arg=10 - left, timeout=30_000)
    # keyboard on a slider: culture scores matter a lot
    handle = page.locator(".sme-weight-psychic .noUi-handle")
    handle.focus()
    for _ in range(4):  # 1 → 5
        handle.press("ArrowRight")
    weights = {"cultural": 2, "administrative": 1, "geographic": 2, "economic": 1, "psychic": 5, "small_market": 1}
    expected = workshop.compute_destinations("BGD", ["GBR", "IND", "MYS", "JPN"], weights)
    page.wait_for_function(  # ten changes queue ten recomputes: give a busy machine time
        "n => document.querySelectorAll('.sme-ranking tr').length === n + 1", arg=4, timeout=90_000)
    top = f"{expected.table['total'].iloc[0]:.2f}"
    page.wait_for_function(
        "t => { const r = document.querySelectorAll('.sme-ranking tr')[1]; return r && r.innerText.includes(t); }",
        arg=top, timeout=20_000)
    first = page.locator(".sme-ranking tr").nth(1).inner_text()
    assert expected.best in first and top in first

    reader, text, _ = _report(page, tmp_path)
    assert len(reader.pages) in (1, 2) and FIRM in text
    assert f"1. {expected.best}" in text and "5 of 5" in text
    _finish(page, errors, "destination_explorer", test_output)


def test_spillover_game(pages, tmp_path, test_output):
    from sme_teach import workshop

    page, errors = pages["spillover_game"]
    page.bring_to_front()  # background tabs are throttled
    page.wait_for_selector(".sme-reached", timeout=30_000)
    _fill_names(page)
    labels = dict((v, k) for k, v in workshop.firm_choices())
    page.select_option(".sme-starts select", label=[labels["KS44"]])
    handle = page.locator(".sme-chance .noUi-handle")
    handle.focus()
    for _ in range(4):  # 20 % → 40 %
        handle.press("ArrowRight")
    expected = workshop.compute_spillover(["KS44"], 0.4)
    page.wait_for_selector(f".sme-reached >> text={expected.expected:.0f}", timeout=20_000)

    reader, text, _ = _report(page, tmp_path)
    assert len(reader.pages) in (1, 2) and FIRM in text
    assert f"About {expected.expected:.0f} of 50 firms hear the news" in text
    # the next participant types only a Bengali name: the old report goes, the status follows
    page.fill(".sme-firm input", BENGALI_FIRM)
    page.locator(".sme-firm input").press("Tab")
    page.wait_for_selector(".sme-status >> text=The name changed", timeout=20_000)
    assert page.locator("a.sme-report-link").count() == 0
    assert "Press the blue button" not in page.locator(".sme-status").inner_text()
    reader, text, _ = _report(page, tmp_path, "report_খুলনা_চিংড়ি_প্রসেসিং.pdf")
    assert unicodedata.normalize("NFC", BENGALI_FIRM) in text
    _finish(page, errors, "spillover_game", test_output)
