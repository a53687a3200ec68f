"""What the workshop apps say is true: shared languages, markets without a score, a blocked alliance,
firm names on the spillover map, the market picker, and the warm-up the room's zygote runs (no browser)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from conftest import REPO
from sme_teach import cases, datasets, measures

MARKETS = ["IND", "CHN", "MYS", "SGP", "ARE", "SAU", "GBR", "DEU", "USA", "JPN"]


# ------------------------------------------------------------------ destination explorer

def test_bangladesh_shares_bengali_with_india_and_english_with_the_uk():
    r = cases.destination_comparison("BGD", MARKETS, {"cultural": 1, "geographic": 1})
    same = r.table["common_language"]
    assert same["IND"] and same["GBR"] and same["USA"] and same["SGP"]  # Bengali in India; English (18 % in BD)
    assert not same["SAU"] and not same["JPN"] and not same["CHN"]


def test_the_shared_language_weight_changes_the_ranking():
    order = {w: cases.destination_comparison("BGD", MARKETS, {"cultural": w, "geographic": 1}).table.index.tolist()
             for w in (0, 5)}
    assert order[0] != order[5]
    assert order[5].index("JPN") > order[0].index("JPN") or order[5].index("CHN") > order[0].index("CHN")


def test_spoken_languages_count_only_above_five_percent_and_only_when_the_table_has_them():
    c = datasets.load_countries().set_index("iso3")
    assert "bn" in c.at["IND", "spoken_languages"].split(";") and "bn" not in c.at["IND", "languages"].split(";")
    assert "bn" not in c.at["GBR", "spoken_languages"].split(";")  # 0.4 % in CLDR
    official_only = datasets.load_countries().drop(columns=["spoken_languages"])
    out = measures.cage_distance("BGD", ["IND", "GBR"], official_only)
    assert not out["common_language"].any()  # a table without the column compares official languages


def test_a_market_without_a_score_gets_no_bar():
    from sme_teach.workshop import _charts

    r = cases.destination_comparison("BGD", MARKETS, {"psychic": 2, "geographic": 1})
    assert pd.isna(r.table.at["SAU", "total"])
    parts = [c for c in r.table.columns if c.startswith("contribution_")]
    assert r.table.loc["SAU", parts].isna().all()
    fig, alt = _charts.destination_chart(r)
    ax = fig.axes[0]
    rows = list(r.table["name"].iloc[::-1])
    widths = {}
    for patch in ax.patches:
        y = round(patch.get_y() + patch.get_height() / 2)
        widths[rows[y]] = widths.get(rows[y], 0.0) + patch.get_width()
    assert widths.get("Saudi Arabia", 0.0) == 0.0 and widths["India"] > 0
    assert any("no score" in t.get_text() for t in ax.texts) and "Saudi Arabia no score" in alt


def test_the_market_picker_works_by_typing_and_ticking():
    from sme_teach.workshop._apps import Picker

    p = Picker(cases.country_choices(), ("IND",))
    seen = []
    p.observe(lambda ch: seen.append(ch["new"]))
    p.search.value = "bangla"
    shown = [cb for cb in p.matches if cb.layout.display != "none"]
    assert [cb.description for cb in shown] == ["Bangladesh"] and not shown[0].value
    shown[0].value = True
    assert p.value == ("IND", "BGD") and seen[-1] == ("IND", "BGD")
    p.search.value = "ind"  # India first (starts with it), already ticked
    assert p.matches[0].description == "India" and p.matches[0].value
    p.chosen_box.children[0].value = False  # untick India in the chosen list
    assert p.value == ("BGD",) and not p.matches[0].value
    p.search.value = "zzz"
    assert all(cb.layout.display == "none" for cb in p.matches) and "No match" in p.hint.value


# ------------------------------------------------------------------ alliance planner

def test_a_strict_rule_and_no_trust_say_trust_is_missing():
    from sme_teach.workshop._apps import AllianceApp

    r = cases.alliance_builds(["information_sharing"], {"trust_and_confidence": 1}, weakest_link=True)
    assert r.top_competencies == []
    assert [m["id"] for m in r.blocked_by] == ["trust_and_confidence"]
    full = measures.propagate({"information_sharing": 1.0}).competency
    built = {c for c in full.index if full[c] > 0}
    assert built and set(r.blocked) == built
    assert not built & {m["competency"] for m in r.missing}, "a competency the alliance builds is listed as missing"
    text = AllianceApp.headline(r)
    assert "Trust and Confidence" in text and "Not at all" in text and r.labels[r.potential_top[0]] in text
    assert "nothing yet." not in text


def test_two_conditions_at_not_at_all_under_the_strict_rule_are_both_named():
    r = cases.alliance_builds(["information_sharing"], {"trust_and_confidence": 1, "learning_organisation": 1},
                              weakest_link=True)
    assert [m["id"] for m in r.blocked_by] == ["trust_and_confidence", "learning_organisation"]
    assert r.top_competencies == [] and r.blocked


def test_with_trust_in_place_the_headline_names_what_it_builds():
    from sme_teach.workshop._apps import AllianceApp

    r = cases.alliance_builds(["information_sharing"], {"trust_and_confidence": 4}, weakest_link=True)
    assert r.blocked == [] and r.blocked_by == []
    assert AllianceApp.headline(r) == f"Your alliance builds most: {r.labels[r.top_competencies[0]]}."


def test_the_planner_page_has_no_jargon():
    from sme_teach.workshop import alliance_app

    app = alliance_app()
    app.alliances["information_sharing"].value = True
    texts = [w.value for w in _all_widgets(app.widget) if hasattr(w, "value") and isinstance(w.value, str)]
    import re

    page = re.sub(r"<blockquote[^>]*>.*?</blockquote>", "", " ".join(texts), flags=re.S)  # the paper's own words stay
    assert "FSA" not in page and "yields no" not in page


def _all_widgets(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from _all_widgets(child)


# ------------------------------------------------------------------ spillover map

def test_the_spillover_map_names_the_firms():
    from sme_teach.plots import network_layout
    from sme_teach.workshop import _charts

    r = cases.spillover(["KS01"], 0.2, runs=20)
    G = datasets.load_alliance_network()
    fig, _ = _charts.spillover_chart(r, G, network_layout(G))
    labels = {t.get_text().replace("\n", " ") for t in fig.axes[0].texts}
    assert set(r.names.values()) <= labels
    assert not any(t.isdigit() for t in labels)


# ------------------------------------------------------------------ the room's zygote warm-up

def test_warm_up_leaves_no_widget_no_thread_and_no_kernel_instance(tmp_path):
    code = ("import threading, ipykernel.ipkernel\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "from ipykernel.kernelbase import Kernel\n"
            "from sme_teach.room import warm_up\n"
            "warm_up()\n"
            "import comm\n"
            "assert comm.create_comm is ipykernel.ipkernel._create_comm\n"
            "print(len(_instances), threading.active_count(), Kernel.initialized())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO,
                         env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["0", "1", "False"]


@pytest.mark.parametrize("flag, forks", [("1", True), ("0", False)])
def test_the_workshop_kernel_manager_forks_unless_told_not_to(monkeypatch, flag, forks):
    import asyncio

    from sme_teach.room import _kernels

    monkeypatch.setenv(_kernels.ENV_FLAG, flag)

    async def start():
        km = _kernels.WorkshopKernelManager(kernel_name="python3")
        await km.start_kernel()
        try:
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=120)
            msg_id = kc.execute("import sys; print('sme_teach.workshop._apps' in sys.modules)")
            text = ""
            while True:
                msg = await kc.get_iopub_msg(timeout=60)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    text += msg["content"]["text"]
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            kc.stop_channels()
            return km.provisioner.__class__.__name__, getattr(km.provisioner, "forked", False), text.strip()
        finally:
            await km.shutdown_kernel(now=True)

    # in a thread of its own: a session's Playwright (sync API) keeps an event loop running in this one
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        name, forked, warm = pool.submit(asyncio.run, start()).result()
    assert forked is forks
    assert warm == str(forks)  # a forked kernel has the apps imported already
    if forks:
        zygote = next(iter(_kernels._Zygotes.by_prefix.values()))
        zygote.close()
        _kernels._Zygotes.by_prefix.clear()
