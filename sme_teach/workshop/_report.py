"""One-page PDF reports, made offline with fpdf2."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["one_page_report", "report_filename"]

#: Where DejaVu (Unicode) fonts are looked for first; matplotlib's own copy comes after.
_SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font_dirs() -> tuple[Path, ...]:
    """The folders searched for fonts, built afresh on each call (no module state grows)."""
    dirs = [_SYSTEM_FONT_DIR]
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:  # pragma: no cover
        pass
    return tuple(dirs)


def _font_file(name: str) -> Path | None:
    """DejaVu (Unicode) from the system or from matplotlib's own copy; None → core Helvetica."""
    for d in _font_dirs():
        if (d / name).is_file():
            return d / name
    return None


def report_filename(firm: str) -> str:
    """``report_<firm>.pdf`` with only letters, digits, ``-`` and ``_``.

    >>> report_filename("Rupsha Jute Works Ltd.")
    'report_Rupsha_Jute_Works_Ltd.pdf'
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in (firm or "").strip())
    safe = "_".join(part for part in safe.split("_") if part) or "my_firm"
    return f"report_{safe[:60]}.pdf"


def one_page_report(*, title: str, firm: str, owner: str, headline: str, scores: list, answers: list,
                    chart_png: bytes | None, chart_alt: str, recommendations: list, note: str = "") -> bytes:
    """Build a one-page A4 PDF and return its bytes.

    Parameters
    ----------
    title : str
        The app's name, e.g. "Readiness diagnostic".
    firm, owner : str
        Shown at the top (firm name is also the PDF's subject).
    headline : str
        One sentence with the main result.
    scores : list of (label, value text)
        The key results, printed as a two-column table.
    answers : list of (question, answer text)
        A short summary of the owner's answers (cut to fit).
    chart_png, chart_alt : bytes, str
        The chart and its text alternative (stored as the image's alt text in the PDF).
    recommendations : list of dict
        ``step`` and optional ``quote`` / ``citation``.

    Notes
    -----
    Layout is fixed and every block stops before the bottom margin, so the report is
    always exactly one page; long lists are cut with "…".

    >>> pdf = one_page_report(title="Demo", firm="Rupsha Jute", owner="A. Karim", headline="Score 55",
    ...                       scores=[("Overall", "55")], answers=[("Q1", "Fully")], chart_png=None,
    ...                       chart_alt="", recommendations=[{"step": "Talk to exporters."}])
    >>> pdf[:5]
    b'%PDF-'
    """
    page = _Page(title, firm, owner)
    page.header(title, firm, owner, headline)
    page.scores(scores)
    if chart_png:
        page.chart(chart_png, chart_alt)
    if recommendations:
        page.recommendations(recommendations)
    if answers and page.pdf.get_y() + 12 < page.bottom:
        page.answers(answers, room_for_note=bool(note))
    if note:
        page.note(note)
    assert page.pdf.page == 1, "report layout overflowed one page"
    return bytes(page.pdf.output())


class _Page:
    """One A4 page with the report's fonts and margins; each block stops before the bottom margin."""

    def __init__(self, title: str, firm: str, owner: str):
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(14, 12, 14)
        regular, bold = _font_file("DejaVuSans.ttf"), _font_file("DejaVuSans-Bold.ttf")
        if regular and bold:
            pdf.add_font("body", "", str(regular))
            pdf.add_font("body", "B", str(bold))
            self.font = "body"
        else:  # pragma: no cover - matplotlib always ships DejaVu
            self.font = "helvetica"
        pdf.set_title(f"{title} - {firm}")
        pdf.set_subject(firm)
        pdf.set_author(owner or firm)
        pdf.set_creator("sme_teach workshop")
        pdf.set_lang("en")
        pdf.add_page()
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.bottom = pdf.h - 14

    def text(self, s) -> str:
        s = str(s)
        if self.font == "helvetica":
            s = s.encode("latin-1", "replace").decode("latin-1")
        return s

    def line(self, s, size=9, style="", h=4.6) -> bool:
        """A wrapped line of text, or False (nothing written) when it would pass the bottom margin."""
        self.pdf.set_font(self.font, style, size)
        if self.pdf.get_y() + h > self.bottom:
            return False
        self.pdf.multi_cell(self.width, h, self.text(s), new_x="LMARGIN", new_y="NEXT")
        return True

    def header(self, title, firm, owner, headline):
        pdf, font, width = self.pdf, self.font, self.width
        pdf.set_font(font, "B", 16)
        pdf.cell(width, 8, self.text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 10)
        who = f"Firm: {firm}" + (f"    Owner: {owner}" if owner else "")
        pdf.cell(width, 6, self.text(who), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 8)
        pdf.set_text_color(90)
        pdf.cell(width, 4.5, self.text(f"Made on {time.strftime('%d %B %Y')} with the sme_teach workshop apps."),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(1.5)
        self.line(headline, 11, "B", 5.5)
        pdf.ln(1)

    def scores(self, scores):
        """Two columns of label / value (at most 16 entries)."""
        pdf, font = self.pdf, self.font
        pdf.set_font(font, "", 8.5)
        col = self.width / 2
        for i, (label, value) in enumerate(scores[:16]):
            x = pdf.l_margin + (i % 2) * col
            if i % 2 == 0 and pdf.get_y() + 4.6 > self.bottom:
                break
            pdf.set_x(x)
            pdf.set_font(font, "", 8.5)
            label = self.text(label)
            while len(label) > 4 and pdf.get_string_width(label) > col * 0.72 - 2:
                label = label[:-2].rstrip() + "\u2026" if font != "helvetica" else label[:-2]
                label = label.replace("\u2026\u2026", "\u2026")
            pdf.cell(col * 0.72, 4.6, label)
            pdf.set_font(font, "B", 8.5)
            pdf.cell(col * 0.28 - 2, 4.6, self.text(value), new_x="LMARGIN" if i % 2 else "RIGHT",
                     new_y="NEXT" if i % 2 else "TOP")
        if len(scores[:16]) % 2:
            pdf.ln(4.6)
        pdf.ln(1.5)

    def chart(self, chart_png: bytes, chart_alt: str):
        """The chart, centred, with its text alternative as alt text and printed below it."""
        import io

        from PIL import Image

        pdf, width = self.pdf, self.width
        img = Image.open(io.BytesIO(chart_png))
        w_img = width * 0.86
        h_img = min(w_img * img.height / img.width, 92)
        w_img = h_img * img.width / img.height
        pdf.image(io.BytesIO(chart_png), x=pdf.l_margin + (width - w_img) / 2, y=pdf.get_y(), w=w_img, h=h_img,
                  alt_text=chart_alt, title="Chart")
        pdf.set_y(pdf.get_y() + h_img + 1)
        pdf.set_font(self.font, "", 7)
        pdf.set_text_color(90)
        pdf.multi_cell(width, 3.4, self.text("Chart in words: " + chart_alt)[:420], new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(1)

    def recommendations(self, recommendations):
        pdf = self.pdf
        self.line("Next steps", 11, "B", 6)
        for k, rec in enumerate(recommendations, 1):
            if not self.line(f"{k}. {rec['step']}", 9, "", 4.5):
                break
            if rec.get("quote"):
                pdf.set_text_color(90)
                source = rec.get("short") or _short(rec.get("citation", ""))
                ok = self.line(f"   From the paper: \u201c{rec['quote']}\u201d ({source})", 7, "", 3.4)
                pdf.set_text_color(0)
                if not ok:
                    break
        pdf.ln(1)

    def answers(self, answers, room_for_note: bool):
        pdf, font, width = self.pdf, self.font, self.width
        self.line("Your answers", 10, "B", 5.5)
        pdf.set_font(font, "", 7)
        for q, a in answers:
            if pdf.get_y() + 3.4 > self.bottom - (5 if room_for_note else 0):
                pdf.cell(width, 3.4, "\u2026", new_x="LMARGIN", new_y="NEXT")
                break
            pdf.cell(width * 0.82, 3.4, self.text(q)[:120])
            pdf.set_font(font, "B", 7)
            pdf.cell(width * 0.18, 3.4, self.text(a), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(font, "", 7)

    def note(self, note: str):
        pdf = self.pdf
        pdf.set_y(self.bottom - 4)
        pdf.set_font(self.font, "", 6.5)
        pdf.set_text_color(90)
        pdf.multi_cell(self.width, 3, self.text(note)[:300], new_x="LMARGIN", new_y="NEXT")


def _short(citation: str) -> str:
    """'Bose, T. K. (2016). Critical ...' → 'Bose, T. K. (2016)'."""
    c = " ".join(str(citation).split())
    if "(" in c and ")" in c:
        return c[: c.index(")") + 1]
    return c[:60]
