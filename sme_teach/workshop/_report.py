"""Short PDF reports (one page, more when the answers need it), made offline with fpdf2.

Text is shaped with HarfBuzz (fpdf2's ``set_text_shaping``, needs ``uharfbuzz``), so Bengali
conjuncts and vowel signs come out as a reader expects. Fonts: DejaVu Sans for Latin (the
system's, or matplotlib's own copy) and Noto Sans Bengali from Debian's ``fonts-noto-core``
(``scripts/ensure_fonts.sh`` installs it for ``make test`` and ``make workshop``). A line with
Bengali in it is set in the Bengali font with DejaVu as fallback for the Latin letters, so a
Bengali cluster (with its joiners) is never split between two fonts. A character no font has
(an emoji, say) is printed as U+FFFD "\ufffd" and listed in :attr:`Report.replaced`, so the app
can say so; nothing is dropped silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["one_page_report", "report_filename", "make_report", "Report", "unshown_characters", "font_files",
           "is_bengali", "REPLACEMENT"]

#: Printed in place of a character that no report font has.
REPLACEMENT = "\ufffd"

#: Where fonts are looked for, first match wins; matplotlib's own DejaVu copy comes after.
_LATIN_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
_BENGALI_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/noto"),
                 Path("/usr/local/share/fonts/noto"))
_LATIN = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_BENGALI = ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf")


def is_bengali(ch: str) -> bool:
    """Whether ``ch`` is in the Bengali block (U+0980-U+09FF)."""
    return "\u0980" <= ch <= "\u09ff"


def _font_dirs(bengali: bool) -> tuple[Path, ...]:
    """The folders searched for fonts, built afresh on each call (no module state grows)."""
    if bengali:
        return _BENGALI_DIRS
    dirs = list(_LATIN_DIRS)
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:  # pragma: no cover
        pass
    return tuple(dirs)


def _font_pair(names: tuple[str, str], bengali: bool) -> tuple[Path, Path] | None:
    """(regular, bold) from the first folder that has both, else None."""
    for d in _font_dirs(bengali):
        if all((d / n).is_file() for n in names):
            return d / names[0], d / names[1]
    return None


def font_files() -> dict:
    """``{"latin": (regular, bold) or None, "bengali": (regular, bold) or None}`` as found now."""
    return {"latin": _font_pair(_LATIN, False), "bengali": _font_pair(_BENGALI, True)}


def _cmaps(files: dict) -> list[set]:
    from fontTools.ttLib import TTFont

    out = []
    for pair in files.values():
        if pair:
            with TTFont(str(pair[0]), lazy=True) as f:
                out.append(set(f.getBestCmap()))
    return out


def _clean(text: str, covered) -> tuple[str, list[str]]:
    """``text`` (NFC) with every character no font covers replaced by :data:`REPLACEMENT`.

    Marks, joiners and variation selectors that follow a replaced character belong to it
    (an emoji's skin tone or VS16) and go with it. A format character (ZWJ, ZWNJ) that no
    font draws is kept: the shaper treats it as invisible.
    """
    text = unicodedata.normalize("NFC", str(text))
    out, replaced, after_replaced = [], [], False
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\n\t" or covered(ord(ch)):
            out.append(ch)
            after_replaced = after_replaced and cat[0] == "M"
            continue
        if after_replaced and (cat[0] == "M" or cat == "Cf" or 0x1F3FB <= ord(ch) <= 0x1F3FF):
            replaced.append(ch)
            continue
        if cat == "Cf":
            out.append(ch)
            continue
        out.append(REPLACEMENT)
        replaced.append(ch)
        after_replaced = True
    return "".join(out), replaced


def unshown_characters(*texts: str) -> list[str]:
    """The characters of ``texts`` that the report fonts cannot draw (each once, in order).

    >>> unshown_characters("Rupsha Jute", "খুলনা চিংড়ি") if font_files()["bengali"] else []
    []
    >>> unshown_characters("Fish \\U0001F41F")
    ['🐟']
    """
    maps = _cmaps(font_files())
    seen = []
    for t in texts:
        for ch in _clean(t, lambda c: any(c in m for m in maps))[1]:
            if ch not in seen and unicodedata.category(ch)[0] not in "MC":
                seen.append(ch)
    return seen


def report_filename(firm: str) -> str:
    """``report_<firm>.pdf``: letters, their marks, digits, ``-`` and ``_``, in any script.

    Bengali stays readable: vowel signs and the virama are marks and are kept (NFC).

    >>> report_filename("Rupsha Jute Works Ltd.")
    'report_Rupsha_Jute_Works_Ltd.pdf'
    >>> report_filename("খুলনা চিংড়ি প্রসেস")
    'report_খুলনা_চিংড়ি_প্রসেস.pdf'
    """
    text = unicodedata.normalize("NFC", (firm or "").strip())
    safe = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "-_" else "_" for ch in text)
    safe = "_".join(part for part in safe.split("_") if part)
    safe = safe.lstrip("-")  # a name never starts like a command-line option
    if len(safe) > 60:  # cut between letters, never between a letter and its marks
        cut = 60
        while cut > 0 and (unicodedata.category(safe[cut])[0] == "M" or safe[cut - 1] == "\u09cd"):
            cut -= 1
        safe = safe[:cut].rstrip("_")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in safe):
        safe = "my_firm"
    return f"report_{safe}.pdf"


@dataclass(frozen=True)
class Report:
    """A made report: the PDF bytes, its page count and the characters shown as U+FFFD."""

    pdf: bytes
    pages: int
    replaced: tuple = ()


def one_page_report(**parts) -> bytes:
    """The report's PDF bytes (see :func:`make_report` for the parameters).

    >>> pdf = one_page_report(title="Demo", firm="Rupsha Jute", owner="A. Karim", headline="Score 55",
    ...                       scores=[("Overall", "55")], answers=[("Q1", "Fully")], chart_png=None,
    ...                       chart_alt="", recommendations=[{"step": "Talk to exporters."}])
    >>> pdf[:5]
    b'%PDF-'
    """
    return make_report(**parts).pdf


def make_report(*, title: str, firm: str, owner: str, headline: str, scores: list, answers: list,
                chart_png: bytes | None, chart_alt: str, recommendations: list, note: str = "",
                chart_note: str = "", how: str = "", tr=None) -> Report:
    """Build an A4 report: one page, a second (or more) when the lists need it.

    Parameters
    ----------
    title : str
        The app's name, e.g. "Readiness diagnostic".
    firm, owner : str
        Shown at the top (firm name is also the PDF's subject); any script the fonts have.
    headline : str
        One sentence with the main result.
    scores : list of (label, value text)
        The key results, printed as a two-column table.
    answers : list of (question, answer text)
        Every answer, in a table whose cells wrap; none is cut.
    chart_png, chart_alt : bytes, str
        The chart and its text alternative (the image's alt text in the PDF, and printed).
    chart_note : str
        One plain sentence printed under the chart (e.g. what its lines mean).
    how : str
        How the scores are made, in plain words (printed under the scores).
    recommendations : list of dict
        ``step`` and optional ``quote`` / ``citation``.
    note : str
        Small print at the end (sources, model).
    tr : Translator, optional
        The reader's language for the report's own words ("Firm:", "Next steps", the date,
        page numbers) and the PDF's language tag; default English.

    Returns
    -------
    Report
        ``.pdf`` bytes, ``.pages`` and ``.replaced``: characters no font has, printed as
        :data:`REPLACEMENT` so that the reader sees something is missing.
    """
    if tr is None:
        from ._i18n import Translator

        tr = Translator("en")
    page = _Page(title, firm, owner, tr)
    page.header(title, firm, owner, headline)
    page.scores(scores)
    if how:
        page.small(how)
    if chart_png:
        page.chart(chart_png, chart_alt, chart_note)
    if recommendations:
        page.recommendations(recommendations)
    if answers:
        page.answers(answers)
    if note:
        page.small(note)
    pdf = bytes(page.pdf.output())
    return Report(pdf=pdf, pages=page.pdf.page, replaced=tuple(dict.fromkeys(page.replaced)))


class _Page:
    """An A4 report with the fonts, shaping and margins; text wraps and pages break by themselves."""

    def __init__(self, title: str, firm: str, owner: str, tr):
        from fpdf import FPDF

        self.tr = tr

        class _PDF(FPDF):
            def footer(pdf):  # noqa: N805 - fpdf2's hook
                pdf.set_y(-11)
                text = tr("Page {n}", n=tr.num(pdf.page_no()))
                self.font("", 7, text)
                pdf.set_text_color(120)
                pdf.cell(0, 4, text, align="R")
                pdf.set_text_color(0)

        pdf = _PDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(14, 12, 14)
        pdf.set_auto_page_break(True, margin=15)
        files = font_files()
        self.replaced: list[str] = []
        self.latin = self.bengali = None
        if files["latin"]:
            pdf.add_font("latin", "", str(files["latin"][0]))
            pdf.add_font("latin", "B", str(files["latin"][1]))
            self.latin = "latin"
        if files["bengali"]:
            pdf.add_font("bengali", "", str(files["bengali"][0]))
            pdf.add_font("bengali", "B", str(files["bengali"][1]))
            self.bengali = "bengali"
        self.shaping = False
        if self.latin:
            try:
                pdf.set_text_shaping(True)
                self.shaping = True
            except Exception:  # noqa: BLE001 - no uharfbuzz: Latin still prints, Bengali is replaced
                self.bengali = None
        # what the fonts in use can draw (a Bengali font without shaping is not in use: it would mangle)
        self.maps = [set(pdf.fonts[name].cmap) for name in (self.latin, self.bengali) if name]
        self.pdf = pdf
        pdf.set_title(self.clean(f"{title} - {firm}"))
        pdf.set_subject(self.clean(firm))
        pdf.set_author(self.clean(owner or firm))
        pdf.set_creator("sme_teach workshop")
        pdf.set_lang(tr.lang)
        pdf.add_page()
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    # ---- text and fonts --------------------------------------------------------------
    def covered(self, cp: int) -> bool:
        if not self.latin:  # core Helvetica: Latin-1 only
            return cp < 256
        return any(cp in m for m in self.maps)

    def clean(self, s) -> str:
        text, replaced = _clean(str(s), self.covered)
        self.replaced += [ch for ch in replaced if unicodedata.category(ch)[0] not in "MC"]
        return text

    def font(self, style: str, size: float, text: str = ""):
        """Set the font for ``text``: Bengali-first (Latin fallback) when it has Bengali letters."""
        pdf = self.pdf
        if not self.latin:  # pragma: no cover - matplotlib always ships DejaVu
            pdf.set_font("helvetica", style, size)
            return
        if self.bengali and any(is_bengali(ch) for ch in text):
            pdf.set_font(self.bengali, style, size)
            pdf.set_fallback_fonts([self.latin], exact_match=False)
        else:
            pdf.set_font(self.latin, style, size)
            pdf.set_fallback_fonts([self.bengali] if self.bengali else [], exact_match=False)

    def write(self, s, size=9, style="", h=4.6, colour=0, w=None, **kw):
        """A paragraph that wraps within the margins (or ``w``)."""
        text = self.clean(s)
        self.font(style, size, text)
        self.pdf.set_text_color(colour)
        self.pdf.multi_cell(self.width if w is None else w, h, text, new_x="LMARGIN", new_y="NEXT", align="L", **kw)
        self.pdf.set_text_color(0)

    def small(self, s):
        self.pdf.ln(0.5)
        self.write(s, 7, "", 3.4, 90)
        self.pdf.ln(1)

    # ---- blocks ----------------------------------------------------------------------
    def header(self, title, firm, owner, headline):
        pdf = self.pdf
        self.write(title, 16, "B", 8)
        tr = self.tr
        self.write(tr("Firm: {firm}", firm=firm) + ("    " + tr("Owner: {owner}", owner=owner) if owner else ""),
                   10, "", 6)
        self.write(tr("Made on {date} with the sme_teach workshop apps.", date=tr.date()), 8, "", 4.5, 90)
        pdf.ln(1.5)
        self.write(headline, 11, "B", 5.5)
        pdf.ln(1)

    def scores(self, scores):
        """Two columns of label / value; a long label wraps inside its column."""
        pdf = self.pdf
        col = self.width / 2
        for i in range(0, len(scores), 2):
            pair = scores[i:i + 2]
            lines = []
            for label, value in pair:
                label = self.clean(label)
                self.font("", 8.5, label)
                lines.append(len(pdf.multi_cell(col * 0.72 - 1, 4.2, label, dry_run=True, output="LINES", align="L")))
            h = 4.2 * max(lines)
            if pdf.get_y() + h > pdf.page_break_trigger:
                pdf.add_page()
            y = pdf.get_y()
            for k, (label, value) in enumerate(pair):
                x = pdf.l_margin + k * col
                label, value = self.clean(label), self.clean(value)
                pdf.set_xy(x, y)
                self.font("", 8.5, label)
                pdf.multi_cell(col * 0.72 - 1, 4.2, label, new_x="RIGHT", new_y="TOP", align="L")
                pdf.set_xy(x + col * 0.72, y)
                self.font("B", 8.5, value)
                pdf.multi_cell(col * 0.28 - 2, 4.2, value, new_x="RIGHT", new_y="TOP", align="L")
            pdf.set_xy(pdf.l_margin, y + h)
        pdf.ln(1.5)

    def chart(self, chart_png: bytes, chart_alt: str, chart_note: str = ""):
        """The chart, centred, with its text alternative as alt text and printed below it."""
        import io

        from PIL import Image

        pdf, width = self.pdf, self.width
        img = Image.open(io.BytesIO(chart_png))
        w_img = width * 0.86
        h_img = min(w_img * img.height / img.width, 92)
        w_img = h_img * img.width / img.height
        if pdf.get_y() + h_img > pdf.page_break_trigger:
            pdf.add_page()
        pdf.image(io.BytesIO(chart_png), x=pdf.l_margin + (width - w_img) / 2, y=pdf.get_y(), w=w_img, h=h_img,
                  alt_text=self.clean(chart_alt), title=self.tr("Chart"))
        pdf.set_y(pdf.get_y() + h_img + 1)
        if chart_note:
            self.write(chart_note, 8, "", 3.8)
        self.write(self.tr("Chart in words:") + " " + chart_alt, 7, "", 3.4, 90)
        pdf.ln(1)

    def recommendations(self, recommendations):
        tr = self.tr
        self.write(tr("Next steps"), 11, "B", 6)
        for k, rec in enumerate(recommendations, 1):
            self.write(f"{tr.digits(k)}. {rec['step']}", 9, "", 4.5)
            if rec.get("quote"):
                source = rec.get("short") or _short(rec.get("citation", ""))
                lead = tr("From the paper:") if tr.lang == "en" else tr("From the paper (in English):")
                self.write(f"{lead} \u201c{rec['quote']}\u201d ({source})", 7, "", 3.4, 90)
        self.pdf.ln(1)

    def answers(self, answers):
        """Every answer: a question column and an answer column, both wrapping."""
        pdf = self.pdf
        if pdf.get_y() + 14 > pdf.page_break_trigger:
            pdf.add_page()
        self.write(self.tr("Your answers ({n})", n=self.tr.num(len(answers))), 10, "B", 5.5)
        wq, wa = self.width * 0.66, self.width * 0.34
        for q, a in answers:
            q, a = self.clean(q), self.clean(a)
            self.font("", 7.5, q)
            nq = len(pdf.multi_cell(wq - 2, 3.6, q, dry_run=True, output="LINES", align="L"))
            self.font("B", 7.5, a)
            na = len(pdf.multi_cell(wa, 3.6, a, dry_run=True, output="LINES", align="L"))
            h = 3.6 * max(nq, na) + 0.8
            if pdf.get_y() + h > pdf.page_break_trigger:
                pdf.add_page()
                self.write(self.tr("Your answers (continued)"), 10, "B", 5.5)
            y = pdf.get_y()
            self.font("", 7.5, q)
            pdf.multi_cell(wq - 2, 3.6, q, new_x="RIGHT", new_y="TOP", align="L")
            pdf.set_xy(pdf.l_margin + wq, y)
            self.font("B", 7.5, a)
            pdf.multi_cell(wa, 3.6, a, new_x="RIGHT", new_y="TOP", align="L")
            pdf.set_draw_color(220)
            pdf.line(pdf.l_margin, y + h - 0.4, pdf.l_margin + self.width, y + h - 0.4)
            pdf.set_xy(pdf.l_margin, y + h)
        pdf.ln(1)


def _short(citation: str) -> str:
    """'Bose, T. K. (2016). Critical ...' → 'Bose, T. K. (2016)'."""
    c = " ".join(str(citation).split())
    if "(" in c and ")" in c:
        return c[: c.index(")") + 1]
    return c[:60]
