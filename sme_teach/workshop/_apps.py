"""The four workshop apps: ipywidgets pages for SME owners (no code in sight).

Every app has the same frame: a language switch (English / বাংলা; ``?lang=bn`` in the page
address starts in Bengali), the firm and owner names, the app's own questions, a live result
(marked ``sme-result``), and three actions — save my answers (one row per participant in the
workshop's CSV), make my PDF report (a download link), start again (asks first). A facilitator
panel at the bottom downloads everyone's answers as CSV. Every word shown goes through the
page's :class:`~sme_teach.workshop._i18n.Translator` (gettext catalogs in ``locale/``).
Callbacks call one use case of :mod:`sme_teach.cases` each (the same functions the lessons
and assignments use) and only render its result; any error becomes a friendly sentence on
the page and a logged traceback in ``workshop.log``.
"""

from __future__ import annotations

import base64
import functools
import html
import logging

import ipywidgets as W

from .. import cases, datasets
from ..cases import ANSWER_LABELS, BAND_WORDS, DESTINATION_FACTOR_LABELS, WorkshopInputError
from ..plots import band_spans, network_layout, table_html
from ..widgets import mark
from . import _charts, _report, _store
from ._i18n import LANGUAGES, Translator, language_from_query, n_, page_is_waiting

__all__ = ["WorkshopApp", "ReadinessApp", "AllianceApp", "DestinationApp", "SpilloverApp",
           "readiness_app", "alliance_app", "destination_app", "spillover_app"]

log = logging.getLogger("sme_teach.workshop")

_CSS = """
<style>
.sme-app {max-width: 1400px; font-size: 15px; line-height: 1.45;}
.sme-app[lang=bn], .sme-app.sme-lang-bn {font-family: "Noto Sans Bengali", "DejaVu Sans", sans-serif; font-size: 16px;}
.sme-app h2 {margin: 0.2em 0 0.1em 0;}
.sme-app .sme-q {margin-top: 0.6em; font-weight: 500;}
.sme-app .sme-help {color: #4a4a4a; font-size: 13px;}
.sme-app .widget-toggle-buttons .widget-toggle-button {width: auto; min-width: 88px;}
.sme-status {min-height: 1.6em;}
.sme-app .widget-toggle-buttons button.mod-active {background: #1f5fa8; color: white; font-weight: 600;}
.sme-app button.mod-primary {background: #1f5fa8; color: white;}
.sme-app button.mod-success {background: #11603b; color: white;}
.sme-app button.mod-danger {background: #a4261d; color: white;}
.sme-app button:focus-visible, .sme-app input:focus-visible, .sme-app select:focus-visible,
.sme-app .noUi-handle:focus-visible {outline: 3px solid #f0b400; outline-offset: 1px;}
.sme-app .sme-headline {font-size: 17px; margin: 4px 0 6px 0;}
/* Desktop: the result panel stays beside the questions while the page scrolls (sticky). Voila's page scrolls
   in #rendered_cells; sticky only works when nothing between it and the panel clips overflow, and the
   output area and ipywidgets' boxes do (lumino's .lm-Widget is overflow: hidden). */
#rendered_cells .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child,
.jp-OutputArea-output, .jp-OutputArea-output > .lm-Widget, .sme-app, .sme-app .sme-columns,
.sme-app .sme-columns > .sme-questions {overflow: visible !important;}
.sme-app .sme-columns {align-items: flex-start !important;}
/* not a scrolling box of its own (max-height + overflow): axe-core's scrollable-region-focusable asks that a
   scrolling region be reachable by keyboard, and the page itself scrolls the panel's end into view */
.sme-app .sme-panel.sme-sticky {position: sticky; top: 8px; align-self: flex-start; z-index: 1; background: white;}
.sme-app .sme-panel img {max-width: 100%; height: auto;}
.sme-app .widget-toggle-buttons {flex-wrap: wrap; height: auto;}
.sme-app .widget-toggle-buttons .widget-toggle-button {margin-bottom: 3px;}
.sme-app .widget-html-content, .sme-app .widget-label, .sme-app .widget-checkbox label {white-space: normal;}
.sme-app .widget-checkbox {height: auto; min-height: var(--jp-widgets-inline-height);}
.sme-app table.sme-table {display: block; overflow-x: auto; max-width: 100%;}
.sme-app .widget-html, .sme-app .widget-htmlmath {max-width: 100%;}
.sme-app .widget-html > .widget-html-content {min-width: 0; max-width: 100%; flex: 1 1 auto;}
/* Phone (narrow): one column, questions first, the result below them; labels above their inputs. */
@media (max-width: 760px) {
  .sme-app {font-size: 16px;}
  .sme-app .sme-columns {flex-direction: column !important;}
  .sme-app .sme-columns > .sme-questions, .sme-app .sme-columns > .sme-panel {min-width: 0 !important;
    width: 100% !important; max-width: 100% !important; flex: 0 0 auto !important; padding: 0 !important;}
  .sme-app .sme-panel.sme-sticky {position: static;}
  .sme-app .widget-inline-hbox {flex-wrap: wrap; height: auto;}
  .sme-app .widget-inline-hbox > .widget-label {width: 100% !important; max-width: 100% !important;
    text-align: left !important;}
  .sme-app .widget-text, .sme-app .widget-dropdown, .sme-app .widget-hslider {width: 100% !important;
    max-width: 100% !important;}
  .sme-app .widget-text input, .sme-app .widget-dropdown select {min-width: 0; width: 100%;}
  .sme-app .widget-hslider .slider-container {min-width: 0; flex: 1 1 60%;}
  .sme-app .widget-gridbox {grid-template-columns: 100% !important;}
  .sme-app .widget-button {max-width: 100%; white-space: normal; height: auto; min-height: 36px;}
  .sme-app .widget-toggle-buttons .widget-toggle-button {min-width: 0 !important;}
}
.sme-confirm {flex-flow: row wrap;}
.sme-msg-ok {color: #11603b; font-weight: 600;}
.sme-msg-warn {color: #8a4b00; font-weight: 600;}
.sme-msg-info {color: #234a7a;}
a.sme-download {display: inline-block; padding: 6px 14px; margin: 4px 8px 4px 0; border-radius: 4px;
  background: #1f5fa8; color: white !important; text-decoration: none; font-weight: 600;}
a.sme-download:focus {outline: 3px solid #f0b400;}
.sme-app table.sme-table {border-collapse: collapse; font-size: 14px;}
.sme-app table.sme-table th, .sme-app table.sme-table td {border-bottom: 1px solid #ddd; padding: 3px 8px;
  text-align: left;}
.sme-app blockquote {color: #4a4a4a; font-size: 13px; margin: 2px 0 8px 18px;}
.sme-app .sme-language .widget-toggle-button {min-width: 80px;}
@media (max-width: 640px) {  /* a phone: one column, labels above their inputs, nothing wider than the screen */
  .sme-app .widget-box, .sme-app .widget-hbox, .sme-app .widget-vbox {min-width: 0 !important; max-width: 100%;}
  .sme-app .widget-hbox > .widget-vbox {flex: 1 1 100% !important; padding: 0 !important;}
  .sme-app .widget-inline-hbox {flex-wrap: wrap; width: 100% !important; max-width: 100% !important;
    height: auto !important; min-height: var(--jp-widgets-inline-height);}
  .sme-app .widget-inline-hbox > .widget-label {width: 100% !important; max-width: 100%; text-align: left !important;
    white-space: normal; overflow: visible; height: auto; line-height: 1.4; padding-bottom: 2px;}
  .sme-app .widget-hslider .slider-container {flex: 1 1 60%;}
  .sme-app .widget-inline-hbox > input, .sme-app .widget-inline-hbox > select {flex: 1 1 100%; min-width: 0;}
  .sme-app .widget-gridbox {grid-template-columns: 1fr !important;}
  .sme-app img, .sme-app table {max-width: 100% !important;}
}
</style>
"""


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def _msg(text: str, kind: str = "info") -> str:
    return f'<div class="sme-msg-{kind}" role="status" aria-live="polite">{_esc(text)}</div>'


def _download_link(data: bytes, filename: str, mime: str, label: str, test_id: str) -> str:
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'<a class="sme-download sme-{test_id}" download="{_esc(filename)}" href="{uri}" '
            f'aria-label="{_esc(label)} ({_esc(filename)})">&#11015; {_esc(label)}</a>')


def _answer(tr: Translator, k) -> str:
    """An answer on the 1-5 scale as shown: ``"4 Mostly"`` / ``"৪ বেশিরভাগ"``."""
    return f"{tr.digits(k)} {tr(ANSWER_LABELS[k])}"


def _scale_buttons(tr: Translator, value=None, css_class: str | None = None) -> W.ToggleButtons:
    tb = W.ToggleButtons(
        options=[(_answer(tr, k), k) for k in ANSWER_LABELS],
        value=value,
        tooltips=[f"{tr.digits(k)} = {tr(v)}" for k, v in ANSWER_LABELS.items()],
        style={"button_width": "auto"},
    )
    if css_class:
        tb.add_class(css_class)
    return tb


def _close_all(widget):
    """Close a widget and everything inside it (their comms and kernel objects go)."""
    for child in getattr(widget, "children", ()) or ():
        _close_all(child)
    widget.close()


def _fold(text: str) -> str:
    """Lower case without accents: 'Côte' matches 'cote'."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", str(text).casefold()) if not unicodedata.combining(c))


class Picker:
    """Pick several items from a long list by typing and ticking (keyboard and touch; no Ctrl-click).

    A search box filters the options (by any part of the name, accents ignored) into up to
    ``shown`` checkboxes; what is chosen is listed as ticked checkboxes, and unticking one removes
    it. ``value`` is the tuple of chosen option values (observe it like a widget's value).
    """

    def __init__(self, options, value=(), label="Find", placeholder="Type a name", shown=8, css_class="sme-picker",
                 tr=None):
        import traitlets

        class _State(traitlets.HasTraits):
            value = traitlets.Tuple()

        self._state = _State()
        self.tr = tr or (lambda text, **kw: text.format(**kw) if kw else text)
        self.options = list(options)  # (label, value)
        self._label = {v: k for k, v in self.options}
        self._syncing = False
        self.search = W.Text(description=label, placeholder=placeholder, continuous_update=True,
                             style={"description_width": "150px"}, layout=W.Layout(width="95%", max_width="520px"))
        self.search.add_class(f"{css_class}-search")
        self.hint = W.HTML("")
        self.matches = [W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto", display="none"))
                        for _ in range(shown)]
        for i, cb in enumerate(self.matches):
            cb.add_class(f"{css_class}-match")
            cb.observe(lambda ch, i=i: self._tick_match(i, ch["new"]), names="value")
        self._match_values = [None] * shown
        self.chosen_title = W.HTML("")
        self.chosen_box = W.VBox([])
        self.chosen_box.add_class(f"{css_class}-chosen")
        self.search.observe(lambda _=None: self._filter(), names="value")
        self.widget = W.VBox([self.search, self.hint, W.VBox(self.matches), self.chosen_title, self.chosen_box])
        self.widget.add_class(css_class)
        self._state.observe(lambda _=None: self._redraw(), names="value")
        self.value = tuple(value)
        self._redraw()
        self._filter()

    @property
    def value(self) -> tuple:
        return self._state.value

    @value.setter
    def value(self, new):
        self._state.value = tuple(v for v in dict.fromkeys(new) if v in self._label)

    def observe(self, handler, names="value"):
        self._state.observe(handler, names=names)

    def _filter(self):
        query = _fold(self.search.value.strip())
        hits = [(k, v) for k, v in self.options if query and query in _fold(k)]
        hits.sort(key=lambda kv: (not _fold(kv[0]).startswith(query), kv[0]))
        self._syncing = True
        try:
            for i, cb in enumerate(self.matches):
                if i < len(hits):
                    k, v = hits[i]
                    cb.description, cb.value, cb.layout.display = k, v in self.value, "flex"
                    self._match_values[i] = v
                else:
                    cb.layout.display, self._match_values[i] = "none", None
        finally:
            self._syncing = False
        more = len(hits) - len(self.matches)
        tr = self.tr
        hint = (tr("Type part of a name, then tick it.") if not query else
                tr("No match: try fewer letters.") if not hits else
                tr("{n} more: type more letters.", n=more) if more > 0 else "")
        self.hint.value = f"<div class='sme-help'>{_esc(hint)}</div>" if hint else ""

    def _tick_match(self, i, ticked):
        v = self._match_values[i]
        if self._syncing or v is None:
            return
        self.value = (*self.value, v) if ticked else tuple(x for x in self.value if x != v)

    def _redraw(self):
        boxes = []
        for v in self.value:
            cb = W.Checkbox(value=True, description=self._label[v], indent=False, layout=W.Layout(width="auto"))
            cb.add_class("sme-picker-chosen-item")
            cb.observe(lambda ch, v=v: None if ch["new"] else setattr(self, "value", tuple(
                x for x in self.value if x != v)), names="value")
            boxes.append(cb)
        old = self.chosen_box.children
        self.chosen_box.children = boxes
        for w in old:
            w.close()
        n = len(self.value)
        self.chosen_title.value = (
            f"<div class='sme-help'><b>{_esc(self.tr('Chosen ({n}):', n=n))}</b> {_esc(self.tr('untick to remove.'))}</div>"
            if n else f"<div class='sme-help'>{_esc(self.tr('Nothing chosen yet.'))}</div>")
        self._syncing = True
        try:
            for cb, v in zip(self.matches, self._match_values):
                if v is not None:
                    cb.value = v in self.value
        finally:
            self._syncing = False


class WorkshopApp:
    """The frame shared by the apps; subclasses fill in the questions, result and report.

    ``lang`` is a code of :data:`~sme_teach.workshop._i18n.LANGUAGES`; without it the page
    address's ``?lang=`` decides (English by default). The language switch at the top
    redraws the page in the other language and keeps every answer.
    """

    app_id = "app"
    title = "Workshop app"
    intro = ""

    def __init__(self, lang: str | None = None):
        # pay matplotlib's import while the page loads, not on the first answer
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401

        # A kernel Voilà preheated builds its app before anyone asks, in the room's language; the
        # notebook's next cell (use_page_language) then waits for the page and switches if it asked for another.
        self._page_pending = lang is None and page_is_waiting()
        self.tr = Translator(lang or language_from_query(wait=False))
        self.lang = self.tr.lang
        self._saved_key = None  # the participant key this page last saved under (a name fix replaces it)
        self.language = W.ToggleButtons(options=[(name, code) for code, name in LANGUAGES.items()], value=self.lang,
                                        description="Language / ভাষা", style={"button_width": "auto",
                                                                               "description_width": "auto"},
                                        tooltips=[f"{name}" for name in LANGUAGES.values()])
        self.language.add_class("sme-language")
        self.language.observe(self._safe(lambda change: self.set_language(change["new"])), names="value")
        self.widget = W.VBox([])
        self.widget.add_class("sme-app")
        self.widget.add_class(f"sme-app-{self.app_id}")
        self._build()

    def _build(self, state=None):
        """Make every widget of the page in the current language (again, after a switch, with ``state``).

        ``state`` (firm, owner, values of :meth:`watched`) is put in before the page shows the new
        widgets and before they are observed, so the browser never sees them empty.
        """
        tr = self.tr
        wide = W.Layout(width="95%", max_width="520px")
        self.firm = W.Text(description=tr("Firm name"), placeholder=tr("e.g. Rupsha Jute Works"),
                           style={"description_width": "130px"}, layout=wide)
        self.owner = W.Text(description=tr("Your name"), placeholder=tr("e.g. Mrs Akter"),
                            style={"description_width": "130px"}, layout=W.Layout(width="95%", max_width="520px"))
        self.firm.add_class("sme-firm")
        self.owner.add_class("sme-owner")
        self.result = mark(W.HTML(value=""), "result")
        self.status = W.HTML(value="")
        self.status.add_class("sme-status")
        self.report_link = W.HTML(value="")
        self.save_button = W.Button(description=tr("Save my answers"), icon="save", button_style="success",
                                    tooltip=tr("Keep your answers for the group discussion"),
                                    layout=W.Layout(width="auto"))
        self.report_button = W.Button(description=tr("Make my report (PDF)"), icon="file", button_style="primary",
                                      tooltip=tr("Make a short report you can download and print"),
                                      layout=W.Layout(width="auto"))
        self.reset_button = W.Button(description=tr("Start again"), icon="undo",
                                     tooltip=tr("Clear your answers (asks first)"), layout=W.Layout(width="auto"))
        self.save_button.add_class("sme-save")
        self.report_button.add_class("sme-report")
        self.reset_button.add_class("sme-reset")
        self.confirm_yes = W.Button(description=tr("Yes, clear my answers"), button_style="danger",
                                    layout=W.Layout(width="auto"))
        self.confirm_no = W.Button(description=tr("No, keep them"), layout=W.Layout(width="auto"))
        self.confirm_yes.add_class("sme-confirm-yes")
        self.confirm_no.add_class("sme-confirm-no")
        self.confirm_box = W.HBox([W.HTML(_msg(tr("This clears every answer on this page. Are you sure?"), "warn")),
                                   self.confirm_yes, self.confirm_no])
        self.confirm_box.layout.display = "none"
        self.confirm_box.layout.flex_flow = "row wrap"
        self.save_button.on_click(self._safe(self.on_save))
        self.report_button.on_click(self._safe(self.on_report))
        self.reset_button.on_click(self._safe(self.on_reset))
        self.confirm_yes.on_click(self._safe(self.on_confirm_reset))
        self.confirm_no.on_click(self._safe(self.on_cancel_reset))
        # facilitator panel
        self.count = W.HTML(value="")
        self.csv_link = W.HTML(value="")
        self.update_button = W.Button(description=tr("Update the list"), icon="refresh", layout=W.Layout(width="auto"))
        self.update_button.add_class("sme-update-csv")
        self.update_button.on_click(self._safe(lambda _=None: self.refresh_csv()))
        facilitator = W.VBox([
            W.HTML("<div class='sme-help'>" + _esc(tr(
                "For the facilitator: every time a participant presses 'Save my answers', their answers are "
                "added to one file for the group discussion.")) + "</div>"),
            self.count, W.HBox([self.csv_link, self.update_button], layout=W.Layout(flex_flow="row wrap")),
        ])
        self.facilitator = W.Accordion(children=[facilitator], titles=(tr("For the facilitator: all answers"),))
        self.facilitator.selected_index = None
        self.controls = self.build_controls()
        mark(self.controls, "control")
        left = W.VBox([
            W.HTML(f"<div class='sme-q'>{_esc(tr('1. About you'))}</div>"),
            self.firm, self.owner,
            W.HTML(f"<div class='sme-q'>{_esc(tr('2. Your answers'))}</div>"),
            self.controls,
        ], layout=W.Layout(flex="1 1 52%", min_width="360px", padding="0 16px 0 0"))
        left.add_class("sme-questions")
        right = W.VBox([
            W.HTML(f"<div class='sme-q'>{_esc(tr('3. Your result'))}</div>"
                   f"<div class='sme-help'>{_esc(tr('It changes as you answer.'))}</div>"),
            self.result,
        ], layout=W.Layout(flex="1 1 46%", min_width="340px"))
        right.add_class("sme-sticky")
        right.add_class("sme-panel")
        columns = W.HBox([left, right], layout=W.Layout(flex_flow="row nowrap", align_items="flex-start"))
        columns.add_class("sme-columns")
        # the actions sit under both columns (after the last question, and after the result on a phone),
        # not in the sticky panel: a button inside a panel that scrolls on its own can be out of reach
        actions = W.VBox([
            W.HTML(f"<div class='sme-q'>{_esc(tr('4. Keep it'))}</div>"),
            W.HBox([self.save_button, self.report_button, self.reset_button], layout=W.Layout(flex_flow="row wrap")),
            self.confirm_box, self.status, self.report_link,
        ])
        actions.add_class("sme-actions")
        if state is not None:
            self.firm.value, self.owner.value = state[0], state[1]
            for w, v in zip(self.watched(), state[2]):
                w.value = v
        old = list(self.widget.children)
        for cls in [c for c in self.widget._dom_classes if c.startswith("sme-lang-")]:
            self.widget.remove_class(cls)
        self.widget.add_class(f"sme-lang-{self.lang}")
        self.widget.children = [
            W.HTML(_CSS + f"<h2 lang='{self.lang}'>{_esc(tr(self.title))}</h2>"
                   f"<div class='sme-help' lang='{self.lang}'>{_esc(tr(self.intro))}</div>"),
            self.language,
            columns,
            actions,
            self.facilitator,
        ]
        for child in old:
            if child is not self.language:
                _close_all(child)
        for w in self.watched():
            w.observe(self._safe(self._changed), names="value")
        for w in (self.firm, self.owner):  # the report carries the names: a new name needs a new report
            w.observe(self._safe(self._names_changed), names="value")
        self._safe(self.refresh)()
        self._safe(self.refresh_csv)()

    def use_page_language(self) -> str:
        """In a preheated kernel: wait until a participant's page takes it, then show that page's language.

        The apps' notebooks call it in the cell after the app: the app is built (in the room's
        language) while the kernel waits in Voilà's pool, so a page gets it at once; a page that asked
        for another language (``?lang=``) gets it redrawn, which takes a few hundredths of a second.
        Elsewhere it does nothing. Returns the language shown.
        """
        if self._page_pending:
            self._page_pending = False
            self.set_language(language_from_query(wait=True))
        return self.lang

    def set_language(self, lang: str):
        """Redraw the page in ``lang``, keeping the names and every answer (the old report goes)."""
        if lang == self.lang or lang not in LANGUAGES:
            return
        state = (self.firm.value, self.owner.value, [w.value for w in self.watched()])
        had_report = bool(self.report_link.value)
        self.tr = Translator(lang)
        self.lang = self.tr.lang
        self._build(state)
        if had_report:
            self.status.value = _msg(self.tr("The language changed. Press 'Make my report (PDF)' for a report in "
                                             "this language."), "info")
        if self.language.value != self.lang:
            self.language.value = self.lang

    # ---- to override -----------------------------------------------------------------
    def build_controls(self) -> W.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def watched(self) -> list:
        """Widgets whose changes update the result (in a fixed order: the language switch keeps them)."""
        return []

    def compute(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self, result) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def report_parts(self, result) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def reset_controls(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def csv_labels(self, tr: Translator | None = None) -> dict:
        """Column id → the words a facilitator sees as the answers file's header (in ``tr``'s language)."""
        tr = tr or self.tr
        return {"saved_at": tr("Saved at"), "participant": tr("Participant (firm | owner)"),
                "firm": tr("Firm"), "owner": tr("Owner")}

    # ---- shared behaviour ----------------------------------------------------------------
    def _safe(self, fn):
        """Wrap a callback: friendly message on the page, details in the log; never a traceback."""

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except WorkshopInputError as exc:
                self.status.value = _msg(self.tr(str(exc)), "warn")
            except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
                _store.log_error(f"{self.app_id}.{getattr(fn, '__name__', 'callback')}", exc)
                self.status.value = _msg(self.tr(
                    "Sorry, something went wrong here. Your answers are still on the page. "
                    "Please try again or ask the facilitator."), "warn")
        return wrapper

    def _drop_report(self, why: str):
        """Remove an outdated report link (never downloaded by mistake) and say so once."""
        if self.report_link.value:
            self.report_link.value = ""
            self.status.value = _msg(why + " " + self.tr("The old report was removed: press 'Make my report (PDF)' "
                                                         "for a new one."), "info")
        elif "sme-report-ready" in self.status.value:
            self.status.value = ""

    def _changed(self, change=None):
        self._drop_report(self.tr("Your answers changed."))
        self.refresh()

    def _names_changed(self, change=None):
        self._drop_report(self.tr("The name changed."))

    def refresh(self):
        """Recompute and redraw the result (or say what is missing); the form is never touched."""
        try:
            result = self.compute()
        except WorkshopInputError as exc:
            self.result.value = _msg(self.tr(str(exc)), "info")
            return None
        self.result.value = f"<div lang='{self.lang}'>{self.render(result)}</div>"
        if self.status.value and "sme-msg-warn" in self.status.value:
            self.status.value = ""
        return result

    def _need_firm(self):
        if not self.firm.value.strip():
            raise WorkshopInputError(self.tr("Please write your firm's name at the top first (under '1. About you')."))

    def on_save(self, _=None):
        self._need_firm()
        result = self.compute()
        row = result.row()
        key = _store.participant_key(row)
        # the file keeps English headers (one file for a room that mixes languages); the download translates
        path = _store.append_answers(self.app_id, row, labels=self.csv_labels(Translator("en")),
                                     replaces=self._saved_key if self._saved_key != key else None)
        again = key == self._saved_key
        self._saved_key = key
        self.refresh_csv()  # before the status: whoever sees "Saved" finds the new row in the CSV link
        tr = self.tr
        self.status.value = _msg((tr("Saved again: your earlier answers were replaced.") if again
                                  else tr("Saved. Thank you!")) + " "
                                 + tr("Your answers are kept for the group discussion (file: {file}).",
                                      file=path.name), "ok")

    def on_report(self, _=None):
        self._need_firm()
        result = self.compute()
        parts = self.report_parts(result)
        tr = self.tr
        report = _report.make_report(title=tr(self.title), firm=self.firm.value.strip(),
                                     owner=self.owner.value.strip(), tr=tr, **parts)
        name = _report.report_filename(self.firm.value)
        self.report_link.value = _download_link(report.pdf, name, "application/pdf", tr("Download my report (PDF)"),
                                                "report-link")
        text = tr("Your report is ready. Press the blue button to download it.")
        kind = "ok"
        if report.replaced:
            other = [c for c in report.replaced if not _report.is_bengali(c)]
            if other:
                text += " " + tr("Note: the report cannot print {chars}; it shows {mark} there instead.",
                                 chars=" ".join(other), mark=_report.REPLACEMENT)
            if len(other) < len(report.replaced):  # no Bengali font on this laptop
                text += " " + tr("Bengali letters show as {mark}: this laptop lacks the Noto Sans Bengali font. "
                                 "Please tell the facilitator (make workshop installs it).", mark=_report.REPLACEMENT)
            kind = "warn"
        self.status.value = _msg(text, kind).replace('<div class="', '<div class="sme-report-ready ', 1)

    def on_reset(self, _=None):
        self.confirm_box.layout.display = "flex"
        self.status.value = ""

    def on_cancel_reset(self, _=None):
        self.confirm_box.layout.display = "none"
        self.status.value = _msg(self.tr("Nothing was cleared."), "info")

    def on_confirm_reset(self, _=None):
        self.confirm_box.layout.display = "none"
        self.firm.value = ""
        self.owner.value = ""
        self.reset_controls()
        self.report_link.value = ""
        self._saved_key = None  # the next participant saves a new row
        self.refresh()
        self.status.value = _msg(self.tr("All answers were cleared. You can start again."), "info")

    def refresh_csv(self):
        tr = self.tr
        frame = _store.read_answers(self.app_id)
        n = len(frame)
        self.count.value = ("<div>" + _esc(tr("1 saved answer so far, in") if n == 1 else
                                           tr("{n} saved answers so far, in", n=tr.num(n)))
                            + f" <code>{_esc(_store.answers_path(self.app_id))}</code></div>")
        labels = None if self.lang == "en" else self.csv_labels(tr)
        self.csv_link.value = _download_link(_store.answers_csv_bytes(self.app_id, labels=labels),
                                             f"{self.app_id}_answers.csv", "text/csv",
                                             tr("Download all answers (CSV)"), "csv-link")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# =========================================================================== 1 readiness


class ReadinessApp(WorkshopApp):
    """Readiness diagnostic: the course's CSF self-assessment in owner language, scored live."""

    app_id = "readiness"
    title = n_("How ready is my firm to sell abroad?")
    intro = n_("Answer each sentence: how true is it for your firm today? There are no right or wrong answers. "
               "Your scores show your strong and weak areas and suggest next steps.")

    def __init__(self, instrument=None, lang: str | None = None):
        from .. import measures

        self.instrument = measures.load_instrument(instrument) if not isinstance(
            instrument, measures.Instrument) else instrument
        super().__init__(lang)

    def build_controls(self):
        inst, tr = self.instrument, self.tr
        self.items = {}
        rows = []
        for _, dim in inst.dimensions.iterrows():
            rows.append(W.HTML(f"<h3 style='margin:0.9em 0 0.1em 0;font-size:16px'>{_esc(tr(dim['label']))}</h3>"
                               f"<div class='sme-help'>{_esc(tr(dim['description']))}</div>"))
            for _, item in inst.items[inst.items["dimension"] == dim["id"]].iterrows():
                tb = _scale_buttons(tr, None, f"sme-item-{item['id']}")
                tb.description = ""
                self.items[item["id"]] = tb
                rows.append(W.HTML(f"<div class='sme-q' id='sme-q-{item['id']}'>{_esc(tr(item['text']))}</div>"))
                rows.append(tb)
        return W.VBox(rows)

    def watched(self):
        return list(self.items.values())

    def compute(self):
        answers = {k: w.value for k, w in self.items.items()}
        missing = [k for k, v in answers.items() if v is None]
        if missing:  # said here in the page's language (the use case says it in English)
            items = self.instrument.items.set_index("id")
            dims = self.instrument.dimensions.set_index("id")["label"]
            area = self.tr(dims[items.loc[missing[0], "dimension"]])
            if len(missing) == 1:
                raise WorkshopInputError(self.tr("1 question still needs an answer (it is in '{area}'). Your scores "
                                                 "appear when every question is answered.", area=area))
            raise WorkshopInputError(self.tr("{n} questions still need an answer (the first is in '{area}'). Your "
                                             "scores appear when every question is answered.",
                                             n=self.tr.num(len(missing)), area=area))
        return cases.readiness_diagnosis(answers, self.firm.value, self.owner.value, self.instrument)

    def render(self, r):
        tr = self.tr
        fig, alt = _charts.readiness_chart(r, self.instrument.bands, tr=tr)
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        strong = ", ".join(tr(r.labels[d]) for d in r.strongest)
        weak = ", ".join(tr(r.labels[d]) for d in r.weakest)
        recs = "".join(
            f"<li>{_esc(tr(x['step']))}<blockquote lang='en'>{_esc(tr('From the paper (in English):'))} "
            f"&ldquo;{_esc(x['quote'])}&rdquo; ({_esc(x['short'])})</blockquote></li>" for x in r.recommendations)
        head = _esc(tr("Overall: {score} of 100 - {band}.", score="\x00", band=tr(r.band_words)))
        head = head.replace("\x00", f"<span class='sme-overall'>{tr.num(r.overall)}</span>")
        return (f"<div class='sme-headline'><b>{head}</b></div>{img}"
                f"<div><b>{_esc(tr('Strongest areas:'))}</b> {_esc(strong)}</div>"
                f"<div><b>{_esc(tr('Areas to work on first:'))}</b> {_esc(weak)}</div>"
                f"<div class='sme-q'>{_esc(tr('Next steps'))}</div><ol>{recs}</ol>"
                f"<div class='sme-help'>{_esc(tr(self._NOTE))}</div>")

    _NOTE = n_("This is a self-check to start a conversation, not a test. The questions are the course's own, "
               "built on Bose (2016).")

    def report_parts(self, r):
        tr = self.tr
        fig, alt = _charts.readiness_chart(r, self.instrument.bands, tr=tr)
        scores = [(tr(r.labels[d]), tr("{score} / 100", score=tr.num(r.scores[d]))) for d in r.scores.index]
        scores.append((tr("Overall"), tr("{score} / 100", score=tr.num(r.overall))))
        items = self.instrument.items.set_index("id")["text"]
        answers = [(tr(items[k]), _answer(tr, v)) for k, v in r.answers.items()]
        return dict(headline=tr("Overall readiness {score} of 100 - {band}.", score=tr.num(r.overall),
                                band=tr(r.band_words)), scores=scores,
                    answers=answers, chart_png=_charts.png_bytes(fig, dpi=130), chart_alt=alt,
                    chart_note=self.band_sentence(),
                    recommendations=[{**x, "step": tr(x["step"])} for x in r.recommendations[:4]],
                    note=tr("A self-check to start a conversation, not a test. Questions: sme_teach course, "
                            "built on Bose (2016), Journal of Small Business Strategy 26(2)."))

    def band_sentence(self) -> str:
        """The chart's dotted lines in one plain sentence, with the limits from the instrument file."""
        tr = self.tr
        spans = band_spans(self.instrument.bands)
        cuts = tr(" and ").join(tr.num(hi) for _b, _lo, hi in spans[:-1])
        parts = []
        for k, (band, lo, hi) in enumerate(spans):
            words = tr(BAND_WORDS.get(band, band))
            where = (tr("below {hi}", hi=tr.num(hi)) if k == 0 else
                     tr("{lo} and above", lo=tr.num(lo)) if k == len(spans) - 1 else
                     tr("{lo} to under {hi}", lo=tr.num(lo), hi=tr.num(hi)))
            parts.append(tr("{where} means \u201c{words}\u201d", where=where, words=words))
        return tr("The dotted lines at {cuts} split the scores into {n} bands: {parts}.", cuts=cuts,
                  n=tr.num(len(spans)), parts="; ".join(parts))

    def csv_labels(self, tr=None):
        tr = tr or self.tr
        labels = super().csv_labels(tr)
        dims = self.instrument.dimensions.set_index("id")["label"]
        labels.update({k: tr(v) for k, v in self.instrument.items.set_index("id")["text"].items()})
        labels.update({f"score_{d}": tr("Score: {area}", area=tr(v)) for d, v in dims.items()})
        labels.update({"overall": tr("Overall score"), "band": tr("Band"), "weakest": tr("Weakest area"),
                       "strongest": tr("Strongest area")})
        return labels

    def reset_controls(self):
        for w in self.items.values():
            w.value = None


# =========================================================================== 2 alliances


class AllianceApp(WorkshopApp):
    """Alliance planner: alliance forms + moderator ratings → FSAs, competencies, bottlenecks."""

    app_id = "alliance"
    title = n_("Working together: what would our alliance build?")
    intro = n_("Imagine a group of local firms like yours working together. Tick the ways you would work together, "
               "then say how true each condition is for your group. The result shows what the alliance builds for "
               "going abroad and what holds it back. A firm-specific advantage is something your firm has "
               "that rivals cannot easily copy.")

    def build_controls(self):
        tr = self.tr
        alliances = cases.alliance_nodes("alliance")
        self.alliances = {}
        boxes = []
        for _, a in alliances.iterrows():
            cb = W.Checkbox(value=False, description=tr(a["label"]), indent=False, layout=W.Layout(width="auto"))
            cb.add_class(f"sme-alliance-{a['id']}")
            self.alliances[a["id"]] = cb
            boxes.append(W.VBox([cb, W.HTML(f"<div class='sme-help' style='margin:-4px 0 6px 24px'>"
                                            f"{_esc(tr(a['definition']))}</div>")]))
        self.moderators = {}
        mods = []
        for layer, heading in (("moderator_1", n_("What makes the alliance work")),
                               ("moderator_2", n_("What turns the advantages into sales abroad"))):
            mods.append(W.HTML(f"<h3 style='margin:0.9em 0 0.1em 0;font-size:16px'>{_esc(tr(heading))}</h3>"
                               f"<div class='sme-help'>{_esc(tr('How true is this for your group?'))}</div>"))
            for _, m in cases.alliance_nodes(layer).iterrows():
                tb = _scale_buttons(tr, 3, f"sme-moderator-{m['id']}")
                self.moderators[m["id"]] = tb
                mods += [W.HTML(f"<div class='sme-q'>{_esc(tr(m['label']))}: <span style='font-weight:400'>"
                                f"{_esc(tr(m['definition']))}</span></div>"), tb]
        self.weakest_link = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"),
                                       description=tr("Strict rule: the weakest condition limits everything"))
        self.weakest_link.add_class("sme-weakest-link")
        grid = W.GridBox(boxes, layout=W.Layout(grid_template_columns="repeat(auto-fill, minmax(220px, 1fr))",
                                                grid_gap="0 2%"))
        return W.VBox([W.HTML(f"<h3 style='margin:0.5em 0 0.2em 0;font-size:16px'>"
                              f"{_esc(tr('Ways to work together'))}</h3>"), grid, *mods, self.weakest_link])

    def watched(self):
        return [*self.alliances.values(), *self.moderators.values(), self.weakest_link]

    def compute(self):
        return cases.alliance_builds([k for k, w in self.alliances.items() if w.value],
                                     {k: w.value for k, w in self.moderators.items()},
                                     self.firm.value, self.owner.value, self.weakest_link.value)

    def render(self, r):
        tr = self.tr
        fig, alt = _charts.alliance_chart(r, tr=tr)
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        fsas = "".join(f"<li><b>{_esc(tr(r.labels[f]))}</b> ({tr.num(100 * r.fsa[f])})</li>" for f in r.top_fsas)
        said = n_("you said \u201c{answer}\u201d.")
        weak = "".join(f"<li><b>{_esc(tr(m['label']))}</b> - "
                       f"{_esc(tr(said, answer=tr(ANSWER_LABELS[m['answer']])))}"
                       f"<blockquote lang='en'>{_esc(tr('From the paper (in English):'))} &ldquo;{_esc(m['quote'])}"
                       f"&rdquo;</blockquote></li>"
                       for m in r.weak_moderators) or f"<li>{_esc(tr('No condition is rated below Mostly.'))}</li>"
        miss = "".join(f"<li>{_esc(tr(m['label']))}" + (
            " &mdash; " + _esc(tr("try {ways}", ways=tr(" or ").join(tr(a) for a in m["alliances"])))
            if m["alliances"] else "") + "</li>" for m in r.missing)
        miss = (f"<div class='sme-q'>{_esc(tr('Not built by the ways you ticked'))}</div><ul>{miss}</ul>"
                if miss else "")
        if r.blocked:
            miss = (f"<div class='sme-q'>{_esc(tr('Built once the conditions are in place'))}</div><ul>"
                    + "".join(f"<li>{_esc(tr(r.labels[c]))}</li>" for c in r.blocked) + "</ul>" + miss)
        return (f"<div class='sme-headline'><b>{self.headline(r, tr, html_best=True)}</b></div>{img}"
                f"<div class='sme-q'>{_esc(tr('Advantages it builds (firm-specific advantages)'))}</div><ul>{fsas}</ul>"
                f"<div class='sme-q'>{_esc(tr('What holds it back'))}</div><ul>{weak}</ul>{miss}"
                f"<div class='sme-help'>{_esc(tr(self._NOTE))}</div>")

    _NOTE = n_("Links and numbers are the course's reading of Bose & Bristy's study of 50 firms in Khulna; the paper "
               "gives no weights.")

    def report_parts(self, r):
        tr = self.tr
        fig, alt = _charts.alliance_chart(r, tr=tr)
        scores = [(tr(r.labels[c]), tr("{score} / 100", score=tr.num(100 * r.competency[c])))
                  for c in r.competency.index]
        answers = [(tr("Ways of working together"), ", ".join(tr(r.labels[a]) for a in r.chosen))]
        answers += [(tr(r.labels[k]), _answer(tr, v)) for k, v in r.moderator_answers.items()]
        recs = [{"step": tr("Strengthen '{label}': {definition}", label=tr(m["label"]),
                            definition=tr(m["definition"])), "quote": m["quote"],
                 "citation": "Bose & Bristy", "short": "Bose & Bristy"} for m in r.weak_moderators[:2]]
        recs += [{**x, "step": tr(x["step"])} for x in r.recommendations[:2]]
        return dict(headline=self.headline(r, tr), scores=scores, answers=answers,
                    chart_png=_charts.png_bytes(fig, dpi=130), chart_alt=alt, recommendations=recs,
                    how=self.rule_sentence(r, tr),
                    note=tr("Model: Bose & Bristy, Alliance-FSA-internationalisation (50 SMEs in Khulna). "
                            "Scores are the course's rule (mean of linked items, times the conditions; trust and fair "
                            "shares are necessary)."))

    @staticmethod
    def headline(r, tr: Translator | None = None, html_best: bool = False) -> str:
        """What the alliance builds most, or, when nothing scores, what stops it (true under any rule)."""
        tr = tr or Translator("en")

        def best(text):
            return f"<span class='sme-best'>{_esc(text)}</span>" if html_best else text

        def esc(text):
            return _esc(text) if html_best else text

        if r.top_competencies:
            return esc(tr("Your alliance builds most: {best}.", best="\x00")).replace(
                "\x00", best(tr(r.labels[r.top_competencies[0]])))
        if r.blocked_by:
            names = tr(" and ").join(f"\u2018{tr(m['label'])}\u2019" for m in r.blocked_by)
            text = tr("Your alliance builds nothing yet: {names} is rated \u2018{answer}\u2019.", names=names,
                      answer=tr(ANSWER_LABELS[1])) if len(r.blocked_by) == 1 else tr(
                "Your alliance builds nothing yet: {names} are rated \u2018{answer}\u2019.", names=names,
                answer=tr(ANSWER_LABELS[1]))
            text += " " + (tr("With the strict rule the weakest condition limits everything.") if r.rule == "min"
                           else tr("Without it the alliance builds nothing."))
            text = esc(text)
            if r.potential_top:
                would = tr("With it in place it would build most: {best}.", best="\x00") if len(r.blocked_by) == 1 \
                    else tr("With them in place it would build most: {best}.", best="\x00")
                text += " " + esc(would).replace("\x00", best(tr(r.labels[r.potential_top[0]])))
            return text
        return esc(tr("Your alliance builds most: {best}.", best="\x00")).replace("\x00", best(tr("nothing yet")))

    @staticmethod
    def rule_sentence(r, tr: Translator | None = None) -> str:
        """How the conditions scale the scores, in plain words (so "0 / 100 everywhere" reads as meant)."""
        tr = tr or Translator("en")
        steps = ", ".join(f"{tr(v)} = {tr.pct((k - 1) / (len(ANSWER_LABELS) - 1))}" for k, v in ANSWER_LABELS.items())
        base = tr("How the scores are made: each condition counts as {steps}. A score is what the ticked ways "
                  "of working build, times how well the conditions are in place", steps=steps)
        if r.rule == "min":
            low = min(r.moderator_answers.values()) if r.moderator_answers else None
            text = base + tr(", and with the strict rule only the weakest condition counts. "
                             "So one condition rated 'Not at all' makes every score 0 / 100.")
            if low == 1:
                text += " " + tr("That is what happened here: it is the rule, not a mistake.")
            return text
        return base + tr(". Trust between the partners and a fair share of the gains must both be there: "
                         "if either is rated 'Not at all', every score is 0 / 100 (the paper calls them necessary). "
                         "Otherwise the conditions are averaged, so strong ones make up for weak ones, "
                         "but never past the weaker of those two.")

    def csv_labels(self, tr=None):
        tr = tr or self.tr
        labels = super().csv_labels(tr)
        labels.update({"alliances": tr("Ways of working together"),
                       "weakest_link_rule": tr("Strict rule (weakest limits all)")})
        nodes = {}
        for layer in ("moderator_1", "moderator_2"):
            nodes.update(cases.alliance_nodes(layer).set_index("id")["label"].to_dict())
        labels.update({k: tr(v) for k, v in nodes.items()})
        comp = cases.alliance_nodes("competency").set_index("id")["label"].to_dict()
        labels.update({f"competency_{c}": tr("Builds: {what}", what=tr(v)) for c, v in comp.items()})
        return labels

    def reset_controls(self):
        for w in self.alliances.values():
            w.value = False
        for w in self.moderators.values():
            w.value = 3
        self.weakest_link.value = False


# =========================================================================== 3 destinations

_DEFAULT_MARKETS = ("IND", "CHN", "MYS", "SGP", "ARE", "SAU", "GBR", "DEU", "USA", "JPN")
_DEFAULT_WEIGHTS = {"cultural": 2, "administrative": 1, "geographic": 2, "economic": 1, "psychic": 1,
                    "small_market": 1}


class DestinationApp(WorkshopApp):
    """Destination explorer: CAGE and cultural distance with adjustable weights."""

    app_id = "destination"
    title = n_("Where should we sell first?")
    intro = n_("Compare foreign markets. A market is 'far' when people speak another language, use other money, "
               "live far away, earn very different incomes, or do business differently. Move the sliders to say how "
               "much each difference matters for your firm (0 = not at all, 5 = a lot). The shortest bar is the "
               "closest market.")

    def country(self, iso3: str, english: str) -> str:
        """A country's name in the page's language (CLDR, by its ISO2 code)."""
        return self.tr.country(self._iso2.get(iso3), english)

    def build_controls(self):
        tr = self.tr
        c = datasets.load_countries()
        self._iso2 = dict(zip(c["iso3"].astype(str), c["iso2"].astype(str)))
        choices = sorted(((self.country(iso3, name), iso3) for name, iso3 in cases.country_choices()),
                         key=lambda c: c[0])
        self.home = W.Dropdown(options=choices, value="BGD", description=tr("Home country"),
                               style={"description_width": "150px"}, layout=W.Layout(width="95%", max_width="520px"))
        self.home.add_class("sme-home")
        self.markets = Picker(choices, _DEFAULT_MARKETS, label=tr("Find a market"), placeholder=tr("e.g. Japan"),
                              css_class="sme-markets", tr=tr)
        self.weights = {}
        sliders = []
        for f, label in DESTINATION_FACTOR_LABELS.items():
            s = W.IntSlider(value=_DEFAULT_WEIGHTS[f], min=0, max=5, description=tr(label),
                            style={"description_width": "250px"}, layout=W.Layout(width="98%"))
            s.add_class(f"sme-weight-{f}")
            self.weights[f] = s
            sliders.append(s)
        return W.VBox([self.home,
                       W.HTML(f"<div class='sme-q'>{_esc(tr('Markets to compare'))}</div>"), self.markets.widget,
                       W.HTML(f"<div class='sme-q'>{_esc(tr('How much does each difference matter for you?'))}</div>"),
                       *sliders])

    def watched(self):
        return [self.home, self.markets, *self.weights.values()]

    def compute(self):
        return cases.destination_comparison(self.home.value, list(self.markets.value),
                                            {k: s.value for k, s in self.weights.items()},
                                            self.firm.value, self.owner.value)

    def _total(self, v):
        return self.tr("no score") if v != v else self.tr.num(v, 2)

    def _yes(self, v):
        return self.tr("yes") if bool(v) else self.tr("no")

    def _names(self, r):
        return [self.country(iso3, name) for iso3, name in zip(r.table.index, r.table["name"])]

    def _table(self, r):
        import pandas as pd

        tr, t = self.tr, r.table
        shown = pd.DataFrame({
            tr("Rank"): [tr.digits(k) for k in t["rank"]], tr("Market"): self._names(r),
            tr("Distance score"): [self._total(v) for v in t["total"]],
            tr("Same language?"): [self._yes(v) for v in t["common_language"]],
            tr("Same money?"): [self._yes(v) for v in t["common_currency"]],
            tr("Shared border?"): [self._yes(v) for v in t["contiguous"]],
            tr("km between capitals"): [tr.num(v) for v in t["distance_km"]]})
        return table_html(shown, tr("Markets from closest to farthest"), css_class="sme-ranking")

    def _note(self, r, note: str) -> str:
        """A note of the use case in the page's language (the market names as the reader writes them)."""
        if note.startswith("No culture scores for "):
            lacking = [name for name, total in zip(self._names(r), r.table["total"]) if total != total]
            if len(lacking) == 1:
                return self.tr("No culture scores for {markets}: it is put last while 'ways of doing business' "
                               "counts.", markets=lacking[0])
            return self.tr("No culture scores for {markets}: they are put last while 'ways of doing business' "
                           "counts.", markets=", ".join(lacking))
        return self.tr(note)

    def _best(self, r):
        return self.country(r.table.index[0], r.best) if len(r.table) else r.best

    def render(self, r):
        tr = self.tr
        fig, alt = _charts.destination_chart(r, tr=tr, names=self._names(r),
                                             home=self.country(r.home, r.home_name))
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        notes = "".join(f"<div class='sme-help'>{_esc(self._note(r, n))}</div>" for n in r.notes)
        head = _esc(tr("Closest market with your weights: {best}.", best="\x00")).replace(
            "\x00", f"<span class='sme-best'>{_esc(self._best(r))}</span>")
        return (f"<div class='sme-headline'><b>{head}</b></div>{img}{self._table(r)}{notes}"
                f"<div class='sme-help'>{_esc(tr(self._NOTE))}</div>")

    _NOTE = n_("A simple screen to start research, not an answer: it ignores trade deals, history and your "
               "product. Data: GeoNames, Gapminder (incomes, 2007), Hofstede (2010).")

    def report_parts(self, r):
        tr = self.tr
        names = self._names(r)
        home = self.country(r.home, r.home_name)
        fig, alt = _charts.destination_chart(r, tr=tr, names=names, home=home)
        scores = [(f"{tr.digits(row['rank'])}. {name}", self._total(row["total"]))
                  for name, (_, row) in zip(names, r.table.iterrows())]
        answers = [(tr("Home country"), home)] + [
            (tr("How much it matters: {factor}", factor=tr(DESTINATION_FACTOR_LABELS[k])),
             tr("{v} of 5", v=tr.num(v))) for k, v in r.weights.items()]
        return dict(headline=tr("Closest market from {home} with your weights: {best}.", home=home,
                                best=self._best(r)), scores=scores,
                    answers=answers, chart_png=_charts.png_bytes(fig, dpi=130), chart_alt=alt,
                    recommendations=[{**x, "step": tr(x["step"])} for x in r.recommendations],
                    note=tr("Distance score 0 = close and easy, 1 = far and hard (CAGE: Ghemawat 2001; culture: "
                            "Kogut & Singh 1988 on Hofstede scores)."))

    def csv_labels(self, tr=None):
        tr = tr or self.tr
        labels = super().csv_labels(tr)
        labels.update({"home": tr("Home country"), "candidates": tr("Markets compared"), "ranking": tr("Ranking")})
        labels.update({f"weight_{k}": tr("How much it matters: {factor}", factor=tr(v))
                       for k, v in DESTINATION_FACTOR_LABELS.items()})
        return labels

    def reset_controls(self):
        self.home.value = "BGD"
        self.markets.value = _DEFAULT_MARKETS
        for k, s in self.weights.items():
            s.value = _DEFAULT_WEIGHTS[k]


# =========================================================================== 4 spillover


class SpilloverApp(WorkshopApp):
    """Spillover game: where news entering the local alliance network spreads."""

    app_id = "spillover"
    title = n_("How does news travel between firms?")
    intro = n_("Each dot is a local firm; each line is an alliance between two firms. Choose where a piece of news "
               "starts (for example a new foreign buyer or a new export rule) and how likely partners are to pass it "
               "on. The map shows the chance that each firm hears it.")

    def build_controls(self):
        tr = self.tr
        choices = cases.firm_choices()
        self.starts = W.SelectMultiple(options=choices, value=(choices[0][1],), rows=8,
                                       description=tr("News starts at"), style={"description_width": "150px"},
                                       layout=W.Layout(width="95%", max_width="560px"))
        self.starts.add_class("sme-starts")
        self.chance = W.FloatSlider(value=0.2, min=0.05, max=1.0, step=0.05,
                                    description=tr("Chance a partner passes it on"),
                                    readout_format=".0%", style={"description_width": "200px"},
                                    layout=W.Layout(width="98%"))
        self.chance.add_class("sme-chance")
        self.use_strength = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"),
                                       description=tr("Use how strong each real tie is instead"))
        self.use_strength.add_class("sme-use-strength")
        self.best_button = W.Button(description=tr("Which single firm spreads news best?"), icon="search",
                                    layout=W.Layout(width="auto"))
        self.best_button.add_class("sme-best-start")
        self.best_out = W.HTML("")
        self.best_button.on_click(self._safe(self.on_best))
        return W.VBox([W.HTML(f"<div class='sme-help'>{_esc(tr('Hold Ctrl (or Cmd) and click to start at several firms.'))}</div>"),
                       self.starts, self.chance, self.use_strength, W.HBox([self.best_button]), self.best_out])

    def watched(self):
        return [self.starts, self.chance, self.use_strength]

    def _p(self):
        return "strength" if self.use_strength.value else self.chance.value

    def compute(self):
        return cases.spillover(list(self.starts.value), self._p(), self.firm.value, self.owner.value)

    def on_best(self, _=None):
        tr = self.tr
        best = cases.best_starts(self._p())
        names = dict((v, k) for k, v in cases.firm_choices())
        self.best_out.value = (f"<div><b>{_esc(tr('Best single starting firms'))}</b> "
                               f"{_esc(tr('(about how many firms hear the news):'))}</div><ol>"
                               + "".join(f"<li>{_esc(names[n])}: {tr.num(v)}</li>" for n, v in best.items()) + "</ol>"
                               f"<div class='sme-help'>{_esc(tr('Why these firms? Look at how many partners they have, and who their partners are tied to.'))}</div>")

    def _steps(self, r):
        tr = self.tr
        by = {}
        for n, k in r.rounds.items():
            by.setdefault(k, []).append(r.names[n])
        parts = []
        for k in sorted(x for x in by if x is not None and x > 0)[:4]:
            names = by[k]
            shown = ", ".join(names[:6]) + (" " + tr("and {n} more", n=tr.num(len(names) - 6)) if len(names) > 6 else "")
            count = tr("1 firm") if len(names) == 1 else tr("{n} firms", n=tr.num(len(names)))
            parts.append(f"<li>{_esc(tr('Step {k}:', k=tr.num(k)))} {_esc(count)} &mdash; {_esc(shown)}</li>")
        if None in by:
            k = len(by[None])
            text = (tr("Never: 1 firm has no path of ties to the start (shown under the map).") if k == 1 else
                    tr("Never: {n} firms have no path of ties to the start (shown under the map).", n=tr.num(k)))
            parts.append(f"<li>{_esc(text)}</li>")
        return "<ol style='list-style:none;padding-left:0'>" + "".join(parts) + "</ol>"

    def render(self, r):
        tr = self.tr
        G = datasets.load_alliance_network()
        fig, alt = _charts.spillover_chart(r, G, network_layout(G), tr=tr)
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        head = _esc(tr("About {n} of {total} firms hear the news.", n="\x00", total=tr.num(r.n_firms))).replace(
            "\x00", f"<span class='sme-reached'>{tr.num(r.expected)}</span>")
        return (f"<div class='sme-headline'><b>{head}</b></div>{img}"
                f"<div class='sme-q'>{_esc(tr('If every partner passed it on, the news would arrive step by step:'))}</div>"
                f"{self._steps(r)}"
                f"<div class='sme-help'>{_esc(tr(self._NOTE))}</div>")

    _NOTE = n_("Think: which firms hear late or never? What tie would help them? The network is made up (synthetic) "
               "but built to look like firms in Khulna.")

    def report_parts(self, r):
        tr = self.tr
        G = datasets.load_alliance_network()
        fig, alt = _charts.spillover_chart(r, G, network_layout(G), tr=tr)
        top = r.probability.sort_values(ascending=False)
        scores = [(tr("Firms that hear the news (about)"),
                   tr("{n} of {total}", n=tr.num(r.expected), total=tr.num(r.n_firms)))]
        scores += [(r.names[n], tr.pct(v)) for n, v in top.head(7).items()]
        chance = tr("strength of each tie") if r.chance == "strength" else tr("{p} per tie", p=tr.pct(r.chance))
        answers = [(tr("News starts at"), ", ".join(r.names[s] for s in r.starts)),
                   (tr("Chance of passing it on"), chance)]
        return dict(headline=tr("About {n} of {total} firms hear the news.", n=tr.num(r.expected),
                                total=tr.num(r.n_firms)), scores=scores,
                    answers=answers, chart_png=_charts.png_bytes(fig, dpi=120), chart_alt=alt,
                    recommendations=[{**x, "step": tr(x["step"])} for x in r.recommendations],
                    note=tr("Independent cascade model, 500 runs with a fixed seed. Synthetic network of 50 firms."))

    def csv_labels(self, tr=None):
        tr = tr or self.tr
        labels = super().csv_labels(tr)
        labels.update({"starts": tr("News starts at"), "chance": tr("Chance a partner passes it on"),
                       "expected_reached": tr("Firms that hear it (about)"), "of_firms": tr("Firms in the network")})
        return labels

    def reset_controls(self):
        self.starts.value = (self.starts.options[0][1],)
        self.chance.value = 0.2
        self.use_strength.value = False
        self.best_out.value = ""


def readiness_app(instrument=None, lang: str | None = None) -> ReadinessApp:
    """The readiness diagnostic (display the returned object in a notebook or Voilà).

    ``lang`` (``"en"``, ``"bn"``): the page's first language; default the page address's ``?lang=``.
    """
    return ReadinessApp(instrument, lang=lang)


def alliance_app(lang: str | None = None) -> AllianceApp:
    """The alliance planner."""
    return AllianceApp(lang)


def destination_app(lang: str | None = None) -> DestinationApp:
    """The destination explorer."""
    return DestinationApp(lang)


def spillover_app(lang: str | None = None) -> SpilloverApp:
    """The spillover game."""
    return SpilloverApp(lang)
