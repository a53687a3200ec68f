"""The four workshop apps: ipywidgets pages for SME owners (no code in sight).

Every app has the same frame: the firm and owner names, the app's own questions, a
live result (marked ``sme-result``), and three actions — save my answers (one row per
participant in the workshop's CSV), make my PDF report (a download link), start again (asks
first). A facilitator panel at the bottom downloads everyone's answers as CSV.
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

__all__ = ["WorkshopApp", "ReadinessApp", "AllianceApp", "DestinationApp", "SpilloverApp",
           "readiness_app", "alliance_app", "destination_app", "spillover_app"]

log = logging.getLogger("sme_teach.workshop")

_CSS = """
<style>
.sme-app {max-width: 1400px; font-size: 15px; line-height: 1.45;}
.sme-app h2 {margin: 0.2em 0 0.1em 0;}
.sme-app .sme-q {margin-top: 0.6em; font-weight: 500;}
.sme-app .sme-help {color: #555; font-size: 13px;}
.sme-app .widget-toggle-buttons .widget-toggle-button {width: auto; min-width: 88px;}
.sme-status {min-height: 1.6em;}
.sme-app .widget-toggle-buttons button.mod-active {background: #1f5fa8; color: white; font-weight: 600;}
.sme-app .sme-headline {font-size: 17px; margin: 4px 0 6px 0;}
/* Desktop: the result panel stays beside the questions while the page scrolls (sticky). Voila's page scrolls
   in #rendered_cells; sticky only works when nothing between it and the panel clips overflow, and the
   output area and ipywidgets' boxes do (lumino's .lm-Widget is overflow: hidden). */
#rendered_cells .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child,
.jp-OutputArea-output, .jp-OutputArea-output > .lm-Widget, .sme-app, .sme-app .sme-columns,
.sme-app .sme-columns > .sme-questions {overflow: visible !important;}
.sme-app .sme-columns {align-items: flex-start !important;}
.sme-app .sme-panel.sme-sticky {position: sticky; top: 8px; align-self: flex-start; max-height: calc(100vh - 16px);
  overflow-y: auto !important; overflow-x: hidden !important; z-index: 1; background: white;}
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
  .sme-app .sme-panel.sme-sticky {position: static; max-height: none; overflow-y: visible !important;}
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
.sme-app blockquote {color: #555; font-size: 13px; margin: 2px 0 8px 18px;}
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


def _scale_buttons(value=None, css_class: str | None = None) -> W.ToggleButtons:
    tb = W.ToggleButtons(
        options=[(f"{k} {v}", k) for k, v in ANSWER_LABELS.items()],
        value=value,
        tooltips=[f"{k} = {v}" for k, v in ANSWER_LABELS.items()],
        style={"button_width": "auto"},
    )
    if css_class:
        tb.add_class(css_class)
    return tb


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

    def __init__(self, options, value=(), label="Find", placeholder="Type a name", shown=8, css_class="sme-picker"):
        import traitlets

        class _State(traitlets.HasTraits):
            value = traitlets.Tuple()

        self._state = _State()
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
        self.hint.value = ("<div class='sme-help'>Type part of a name, then tick it.</div>" if not query else
                           "<div class='sme-help'>No match: try fewer letters.</div>" if not hits else
                           f"<div class='sme-help'>{more} more: type more letters.</div>" if more > 0 else "")

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
        self.chosen_title.value = (f"<div class='sme-help'><b>Chosen ({n}):</b> untick to remove.</div>" if n
                                   else "<div class='sme-help'>Nothing chosen yet.</div>")
        self._syncing = True
        try:
            for cb, v in zip(self.matches, self._match_values):
                if v is not None:
                    cb.value = v in self.value
        finally:
            self._syncing = False


class WorkshopApp:
    """The frame shared by the apps; subclasses fill in the questions, result and report."""

    app_id = "app"
    title = "Workshop app"
    intro = ""

    def __init__(self):
        # pay matplotlib's import while the page loads, not on the first answer
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401

        self.firm = W.Text(description="Firm name", placeholder="e.g. Rupsha Jute Works",
                           style={"description_width": "110px"}, layout=W.Layout(width="95%", max_width="520px"))
        self.owner = W.Text(description="Your name", placeholder="e.g. Mrs Akter",
                            style={"description_width": "110px"}, layout=W.Layout(width="95%", max_width="520px"))
        self.firm.add_class("sme-firm")
        self.owner.add_class("sme-owner")
        self.result = mark(W.HTML(value=""), "result")
        self.status = W.HTML(value="")
        self.status.add_class("sme-status")
        self.report_link = W.HTML(value="")
        self.save_button = W.Button(description="Save my answers", icon="save", button_style="success",
                                    tooltip="Keep your answers for the group discussion", layout=W.Layout(width="auto"))
        self.report_button = W.Button(description="Make my report (PDF)", icon="file", button_style="primary",
                                      tooltip="Make a short report you can download and print",
                                      layout=W.Layout(width="auto"))
        self.reset_button = W.Button(description="Start again", icon="undo", tooltip="Clear your answers (asks first)",
                                     layout=W.Layout(width="auto"))
        self.save_button.add_class("sme-save")
        self.report_button.add_class("sme-report")
        self.reset_button.add_class("sme-reset")
        self.confirm_yes = W.Button(description="Yes, clear my answers", button_style="danger",
                                    layout=W.Layout(width="auto"))
        self.confirm_no = W.Button(description="No, keep them", layout=W.Layout(width="auto"))
        self.confirm_yes.add_class("sme-confirm-yes")
        self.confirm_no.add_class("sme-confirm-no")
        self.confirm_box = W.HBox([W.HTML(_msg("This clears every answer on this page. Are you sure?", "warn")),
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
        self.update_button = W.Button(description="Update the list", icon="refresh", layout=W.Layout(width="auto"))
        self.update_button.add_class("sme-update-csv")
        self.update_button.on_click(self._safe(lambda _=None: self.refresh_csv()))
        facilitator = W.VBox([
            W.HTML("<div class='sme-help'>For the facilitator: every time a participant presses "
                   "<b>Save my answers</b>, their answers are added to one file for the group discussion.</div>"),
            self.count, W.HBox([self.csv_link, self.update_button]),
        ])
        self.facilitator = W.Accordion(children=[facilitator], titles=("For the facilitator: all answers",))
        self.facilitator.selected_index = None
        self.controls = self.build_controls()
        mark(self.controls, "control")
        left = W.VBox([
            W.HTML("<div class='sme-q'>1. About you</div>"),
            self.firm, self.owner,
            W.HTML("<div class='sme-q'>2. Your answers</div>"),
            self.controls,
        ], layout=W.Layout(flex="1 1 52%", min_width="360px", padding="0 16px 0 0"))
        left.add_class("sme-questions")
        right = W.VBox([
            W.HTML("<div class='sme-q'>3. Your result</div><div class='sme-help'>It changes as you answer.</div>"),
            self.result,
        ], layout=W.Layout(flex="1 1 46%", min_width="340px"))
        right.add_class("sme-sticky")
        right.add_class("sme-panel")
        columns = W.HBox([left, right], layout=W.Layout(flex_flow="row nowrap", align_items="flex-start"))
        columns.add_class("sme-columns")
        # the actions sit under both columns (after the last question, and after the result on a phone),
        # not in the sticky panel: a button inside a panel that scrolls on its own can be out of reach
        actions = W.VBox([
            W.HTML("<div class='sme-q'>4. Keep it</div>"),
            W.HBox([self.save_button, self.report_button, self.reset_button], layout=W.Layout(flex_flow="row wrap")),
            self.confirm_box, self.status, self.report_link,
        ])
        actions.add_class("sme-actions")
        self.widget = W.VBox([
            W.HTML(_CSS + f"<h2>{_esc(self.title)}</h2><div class='sme-help'>{self.intro}</div>"),
            columns,
            actions,
            self.facilitator,
        ])
        self.widget.add_class("sme-app")
        self.widget.add_class(f"sme-app-{self.app_id}")
        for w in self.watched():
            w.observe(self._safe(self._changed), names="value")
        for w in (self.firm, self.owner):  # the report carries the names: a new name needs a new report
            w.observe(self._safe(self._names_changed), names="value")
        self._saved_key = None  # the participant key this page last saved under (a name fix replaces it)
        self._safe(self.refresh)()
        self._safe(self.refresh_csv)()

    # ---- to override -----------------------------------------------------------------
    def build_controls(self) -> W.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def watched(self) -> list:
        """Widgets whose changes update the result."""
        return []

    def compute(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self, result) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def report_parts(self, result) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def reset_controls(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def csv_labels(self, result) -> dict:
        """Column id → the words a facilitator sees as the answers file's header."""
        return {"firm": "Firm", "owner": "Owner"}

    # ---- shared behaviour ----------------------------------------------------------------
    def _safe(self, fn):
        """Wrap a callback: friendly message on the page, details in the log; never a traceback."""

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except WorkshopInputError as exc:
                self.status.value = _msg(str(exc), "warn")
            except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
                _store.log_error(f"{self.app_id}.{getattr(fn, '__name__', 'callback')}", exc)
                self.status.value = _msg(
                    "Sorry, something went wrong here. Your answers are still on the page. "
                    "Please try again or ask the facilitator.", "warn")
        return wrapper

    def _drop_report(self, why: str):
        """Remove an outdated report link (never downloaded by mistake) and say so once."""
        if self.report_link.value:
            self.report_link.value = ""
            self.status.value = _msg(f"{why} The old report was removed: press 'Make my report (PDF)' for a "
                                     "new one.", "info")
        elif "sme-report-ready" in self.status.value:
            self.status.value = ""

    def _changed(self, change=None):
        self._drop_report("Your answers changed.")
        self.refresh()

    def _names_changed(self, change=None):
        self._drop_report("The name changed.")

    def refresh(self):
        """Recompute and redraw the result (or say what is missing); the form is never touched."""
        try:
            result = self.compute()
        except WorkshopInputError as exc:
            self.result.value = _msg(str(exc), "info")
            return None
        self.result.value = self.render(result)
        if self.status.value and "sme-msg-warn" in self.status.value:
            self.status.value = ""
        return result

    def _need_firm(self):
        if not self.firm.value.strip():
            raise WorkshopInputError("Please write your firm's name at the top first (under '1. About you').")

    def on_save(self, _=None):
        self._need_firm()
        result = self.compute()
        row = result.row()
        key = _store.participant_key(row)
        path = _store.append_answers(self.app_id, row, labels=self.csv_labels(result),
                                     replaces=self._saved_key if self._saved_key != key else None)
        again = key == self._saved_key
        self._saved_key = key
        self.refresh_csv()  # before the status: whoever sees "Saved" finds the new row in the CSV link
        self.status.value = _msg(("Saved again: your earlier answers were replaced. " if again else "Saved. Thank you! ")
                                 + f"Your answers are kept for the group discussion (file: {path.name}).", "ok")

    def on_report(self, _=None):
        self._need_firm()
        result = self.compute()
        parts = self.report_parts(result)
        report = _report.make_report(title=self.title, firm=self.firm.value.strip(), owner=self.owner.value.strip(),
                                     **parts)
        name = _report.report_filename(self.firm.value)
        self.report_link.value = _download_link(report.pdf, name, "application/pdf", "Download my report (PDF)",
                                                "report-link")
        text = "Your report is ready. Press the blue button to download it."
        kind = "ok"
        if report.replaced:
            other = [c for c in report.replaced if not _report.is_bengali(c)]
            if other:
                text += (f" Note: the report cannot print {' '.join(other)}; it shows "
                         f"{_report.REPLACEMENT} there instead.")
            if len(other) < len(report.replaced):  # no Bengali font on this laptop
                text += (" Bengali letters show as " + _report.REPLACEMENT + ": this laptop lacks the Noto Sans "
                         "Bengali font. Please tell the facilitator (make workshop installs it).")
            kind = "warn"
        self.status.value = _msg(text, kind).replace('<div class="', '<div class="sme-report-ready ', 1)

    def on_reset(self, _=None):
        self.confirm_box.layout.display = "flex"
        self.status.value = ""

    def on_cancel_reset(self, _=None):
        self.confirm_box.layout.display = "none"
        self.status.value = _msg("Nothing was cleared.", "info")

    def on_confirm_reset(self, _=None):
        self.confirm_box.layout.display = "none"
        self.firm.value = ""
        self.owner.value = ""
        self.reset_controls()
        self.report_link.value = ""
        self._saved_key = None  # the next participant saves a new row
        self.refresh()
        self.status.value = _msg("All answers were cleared. You can start again.", "info")

    def refresh_csv(self):
        frame = _store.read_answers(self.app_id)
        n = len(frame)
        self.count.value = (f"<div>{n} saved answer{'s' if n != 1 else ''} so far, in "
                            f"<code>{_esc(_store.answers_path(self.app_id))}</code></div>")
        self.csv_link.value = _download_link(_store.answers_csv_bytes(self.app_id), f"{self.app_id}_answers.csv",
                                             "text/csv", "Download all answers (CSV)", "csv-link")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# =========================================================================== 1 readiness


class ReadinessApp(WorkshopApp):
    """Readiness diagnostic: the course's CSF self-assessment in owner language, scored live."""

    app_id = "readiness"
    title = "How ready is my firm to sell abroad?"
    intro = ("Answer each sentence: how true is it for your firm today? There are no right or wrong answers. "
             "Your scores show your strong and weak areas and suggest next steps.")

    def __init__(self, instrument=None):
        from .. import measures

        self.instrument = measures.load_instrument(instrument) if not isinstance(
            instrument, measures.Instrument) else instrument
        super().__init__()

    def build_controls(self):
        inst = self.instrument
        self.items = {}
        rows = []
        for _, dim in inst.dimensions.iterrows():
            rows.append(W.HTML(f"<h4 style='margin:0.9em 0 0.1em 0'>{_esc(dim['label'])}</h4>"
                               f"<div class='sme-help'>{_esc(dim['description'])}</div>"))
            for _, item in inst.items[inst.items["dimension"] == dim["id"]].iterrows():
                tb = _scale_buttons(None, f"sme-item-{item['id']}")
                self.items[item["id"]] = tb
                rows.append(W.HTML(f"<div class='sme-q'>{_esc(item['text'])}</div>"))
                rows.append(tb)
        return W.VBox(rows)

    def watched(self):
        return list(self.items.values())

    def compute(self):
        return cases.readiness_diagnosis({k: w.value for k, w in self.items.items()}, self.firm.value,
                                        self.owner.value, self.instrument)

    def render(self, r):
        fig, alt = _charts.readiness_chart(r, self.instrument.bands)
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        strong = ", ".join(r.labels[d] for d in r.strongest)
        weak = ", ".join(r.labels[d] for d in r.weakest)
        recs = "".join(
            f"<li>{_esc(x['step'])}<blockquote>From the paper: &ldquo;{_esc(x['quote'])}&rdquo; "
            f"({_esc(x['short'])})</blockquote></li>" for x in r.recommendations)
        return (f"<div class='sme-headline'><b>Overall: <span class='sme-overall'>{r.overall:.0f}</span> of 100 "
                f"&mdash; {_esc(r.band_words)}.</b></div>{img}"
                f"<div><b>Strongest areas:</b> {_esc(strong)}</div><div><b>Areas to work on first:</b> {_esc(weak)}</div>"
                f"<div class='sme-q'>Next steps</div><ol>{recs}</ol>"
                "<div class='sme-help'>This is a self-check to start a conversation, not a test. "
                "The questions are the course's own, built on Bose (2016).</div>")

    def report_parts(self, r):
        fig, alt = _charts.readiness_chart(r, self.instrument.bands)
        scores = [(r.labels[d], f"{r.scores[d]:.0f} / 100") for d in r.scores.index]
        scores.append(("Overall", f"{r.overall:.0f} / 100"))
        items = self.instrument.items.set_index("id")["text"]
        answers = [(items[k], f"{v} {ANSWER_LABELS[v]}") for k, v in r.answers.items()]
        return dict(headline=f"Overall readiness {r.overall:.0f} of 100 - {r.band_words}.", scores=scores,
                    answers=answers, chart_png=_charts.png_bytes(fig, dpi=130), chart_alt=alt,
                    chart_note=self.band_sentence(),
                    recommendations=r.recommendations[:4],
                    note="A self-check to start a conversation, not a test. Questions: sme_teach course, "
                         "built on Bose (2016), Journal of Small Business Strategy 26(2).")

    def band_sentence(self) -> str:
        """The chart's dotted lines in one plain sentence, with the limits from the instrument file."""
        spans = band_spans(self.instrument.bands)
        cuts = " and ".join(f"{hi:.0f}" for _b, _lo, hi in spans[:-1])
        parts = []
        for k, (band, lo, hi) in enumerate(spans):
            words = BAND_WORDS.get(band, band)
            where = (f"below {hi:.0f}" if k == 0 else f"{lo:.0f} and above" if k == len(spans) - 1
                     else f"{lo:.0f} to under {hi:.0f}")
            parts.append(f"{where} means \u201c{words}\u201d")
        return f"The dotted lines at {cuts} split the scores into {len(spans)} bands: " + "; ".join(parts) + "."

    def csv_labels(self, r):
        labels = super().csv_labels(r)
        labels.update(self.instrument.items.set_index("id")["text"].to_dict())
        labels.update({f"score_{d}": f"Score: {r.labels[d]}" for d in r.scores.index})
        labels.update({"overall": "Overall score", "band": "Band", "weakest": "Weakest area",
                       "strongest": "Strongest area"})
        return labels

    def reset_controls(self):
        for w in self.items.values():
            w.value = None


# =========================================================================== 2 alliances


class AllianceApp(WorkshopApp):
    """Alliance planner: alliance forms + moderator ratings → FSAs, competencies, bottlenecks."""

    app_id = "alliance"
    title = "Working together: what would our alliance build?"
    intro = ("Imagine a group of local firms like yours working together. Tick the ways you would work together, "
             "then say how true each condition is for your group. The result shows what the alliance builds for "
             "going abroad and what holds it back. A <i>firm-specific advantage</i> is something your firm has "
             "that rivals cannot easily copy.")

    def build_controls(self):
        alliances = cases.alliance_nodes("alliance")
        self.alliances = {}
        boxes = []
        for _, a in alliances.iterrows():
            cb = W.Checkbox(value=False, description=a["label"], indent=False, layout=W.Layout(width="auto"))
            cb.add_class(f"sme-alliance-{a['id']}")
            self.alliances[a["id"]] = cb
            boxes.append(W.VBox([cb, W.HTML(f"<div class='sme-help' style='margin:-4px 0 6px 24px'>"
                                            f"{_esc(a['definition'])}</div>")]))
        self.moderators = {}
        mods = []
        for layer, heading in (("moderator_1", "What makes the alliance work"),
                               ("moderator_2", "What turns the advantages into sales abroad")):
            mods.append(W.HTML(f"<h4 style='margin:0.9em 0 0.1em 0'>{heading}</h4>"
                               "<div class='sme-help'>How true is this for your group?</div>"))
            for _, m in cases.alliance_nodes(layer).iterrows():
                tb = _scale_buttons(3, f"sme-moderator-{m['id']}")
                self.moderators[m["id"]] = tb
                mods += [W.HTML(f"<div class='sme-q'>{_esc(m['label'])}: <span style='font-weight:400'>"
                                f"{_esc(m['definition'])}</span></div>"), tb]
        self.weakest_link = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"),
                                       description="Strict rule: the weakest condition limits everything")
        self.weakest_link.add_class("sme-weakest-link")
        grid = W.GridBox(boxes, layout=W.Layout(grid_template_columns="repeat(2, 48%)", grid_gap="0 2%"))
        return W.VBox([W.HTML("<h4 style='margin:0.5em 0 0.2em 0'>Ways to work together</h4>"), grid, *mods,
                       self.weakest_link])

    def watched(self):
        return [*self.alliances.values(), *self.moderators.values(), self.weakest_link]

    def compute(self):
        return cases.alliance_builds([k for k, w in self.alliances.items() if w.value],
                                     {k: w.value for k, w in self.moderators.items()},
                                     self.firm.value, self.owner.value, self.weakest_link.value)

    def render(self, r):
        fig, alt = _charts.alliance_chart(r)
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        fsas = "".join(f"<li><b>{_esc(r.labels[f])}</b> ({100 * r.fsa[f]:.0f})</li>" for f in r.top_fsas)
        weak = "".join(f"<li><b>{_esc(m['label'])}</b> - you said &ldquo;{ANSWER_LABELS[m['answer']]}&rdquo;."
                       f"<blockquote>From the paper: &ldquo;{_esc(m['quote'])}&rdquo;</blockquote></li>"
                       for m in r.weak_moderators) or "<li>No condition is rated below &lsquo;Mostly&rsquo;.</li>"
        miss = "".join(f"<li>{_esc(m['label'])}" + (f" &mdash; try {_esc(' or '.join(m['alliances']))}"
                                                    if m["alliances"] else "") + "</li>" for m in r.missing)
        miss = (f"<div class='sme-q'>Not built by the ways you ticked</div><ul>{miss}</ul>" if miss else "")
        if r.blocked:
            miss = ("<div class='sme-q'>Built once the conditions are in place</div><ul>"
                    + "".join(f"<li>{_esc(r.labels[c])}</li>" for c in r.blocked) + "</ul>" + miss)
        return (f"<div class='sme-headline'><b>{self.headline(r, html_best=True)}</b></div>{img}"
                f"<div class='sme-q'>Advantages it builds (firm-specific advantages)</div><ul>{fsas}</ul>"
                f"<div class='sme-q'>What holds it back</div><ul>{weak}</ul>{miss}"
                "<div class='sme-help'>Links and numbers are the course's reading of Bose &amp; Bristy's study of "
                "50 firms in Khulna; the paper gives no weights.</div>")

    def report_parts(self, r):
        fig, alt = _charts.alliance_chart(r)
        scores = [(r.labels[c], f"{100 * r.competency[c]:.0f} / 100") for c in r.competency.index]
        answers = [("Ways of working together", ", ".join(r.labels[a] for a in r.chosen))]
        answers += [(r.labels[k], f"{v} {ANSWER_LABELS[v]}") for k, v in r.moderator_answers.items()]
        recs = [{"step": f"Strengthen '{m['label']}': {m['definition']}", "quote": m["quote"],
                 "citation": "Bose & Bristy", "short": "Bose & Bristy"} for m in r.weak_moderators[:2]] + r.recommendations[:2]
        return dict(headline=self.headline(r), scores=scores, answers=answers,
                    chart_png=_charts.png_bytes(fig, dpi=130), chart_alt=alt, recommendations=recs,
                    how=self.rule_sentence(r),
                    note="Model: Bose & Bristy, Alliance-FSA-internationalisation (50 SMEs in Khulna). "
                         "Scores are the course's rule (mean of linked items, times the conditions).")

    @staticmethod
    def headline(r, html_best: bool = False) -> str:
        """What the alliance builds most, or, when nothing scores, what stops it (true under any rule)."""
        def best(text):
            return f"<span class='sme-best'>{_esc(text)}</span>" if html_best else text

        if r.top_competencies:
            return f"Your alliance builds most: {best(r.labels[r.top_competencies[0]])}."
        if r.blocked_by:
            names = " and ".join(f"\u2018{m['label']}\u2019" for m in r.blocked_by)
            why = (" With the strict rule the weakest condition limits everything." if r.rule == "min"
                   else " Without it the alliance builds nothing.")
            would = r.labels[r.potential_top[0]] if r.potential_top else ""
            text = (f"Your alliance builds nothing yet: {names} {'is' if len(r.blocked_by) == 1 else 'are'} rated "
                    f"\u2018{ANSWER_LABELS[1]}\u2019.{why}")
            text = _esc(text) if html_best else text
            if would:
                text += f" With {'it' if len(r.blocked_by) == 1 else 'them'} in place it would build most: {best(would)}."
            return text
        return f"Your alliance builds most: {best('nothing yet')}."

    @staticmethod
    def rule_sentence(r) -> str:
        """How the conditions scale the scores, in plain words (so "0 / 100 everywhere" reads as meant)."""
        steps = ", ".join(f"{v} = {100 * (k - 1) / (len(ANSWER_LABELS) - 1):.0f}%" for k, v in ANSWER_LABELS.items())
        base = (f"How the scores are made: each condition counts as {steps}. A score is what the ticked ways "
                "of working build, times how well the conditions are in place")
        if r.rule == "min":
            low = min(r.moderator_answers.values()) if r.moderator_answers else None
            text = (base + ", and with the strict rule only the weakest condition counts. "
                    "So one condition rated 'Not at all' makes every score 0 / 100.")
            if low == 1:
                text += " That is what happened here: it is the rule, not a mistake."
            return text
        return base + " (the average of the conditions, so strong ones make up for weak ones)."

    def csv_labels(self, r):
        labels = super().csv_labels(r)
        labels.update({"alliances": "Ways of working together", "weakest_link_rule": "Strict rule (weakest limits all)"})
        labels.update({k: r.labels.get(k, k) for k in r.moderator_answers})
        labels.update({f"competency_{c}": f"Builds: {r.labels.get(c, c)}" for c in r.competency.index})
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
    title = "Where should we sell first?"
    intro = ("Compare foreign markets. A market is 'far' when people speak another language, use other money, "
             "live far away, or do business differently. Move the sliders to say how much each difference "
             "matters for your firm (0 = not at all, 5 = a lot). The shortest bar is the closest market.")

    def build_controls(self):
        choices = cases.country_choices()
        self.home = W.Dropdown(options=choices, value="BGD", description="Home country",
                               style={"description_width": "150px"}, layout=W.Layout(width="95%", max_width="520px"))
        self.home.add_class("sme-home")
        self.markets = Picker(choices, _DEFAULT_MARKETS, label="Find a market", placeholder="e.g. Japan",
                              css_class="sme-markets")
        self.weights = {}
        sliders = []
        for f, label in DESTINATION_FACTOR_LABELS.items():
            s = W.IntSlider(value=_DEFAULT_WEIGHTS[f], min=0, max=5, description=label,
                            style={"description_width": "250px"}, layout=W.Layout(width="98%"))
            s.add_class(f"sme-weight-{f}")
            self.weights[f] = s
            sliders.append(s)
        return W.VBox([self.home,
                       W.HTML("<div class='sme-q'>Markets to compare</div>"), self.markets.widget,
                       W.HTML("<div class='sme-q'>How much does each difference matter for you?</div>"), *sliders])

    def watched(self):
        return [self.home, self.markets, *self.weights.values()]

    def compute(self):
        return cases.destination_comparison(self.home.value, list(self.markets.value),
                                            {k: s.value for k, s in self.weights.items()},
                                            self.firm.value, self.owner.value)

    @staticmethod
    def _total(v):
        return "no score" if v != v else f"{v:.2f}"

    @staticmethod
    def _yes(v):
        return "yes" if bool(v) else "no"

    def _table(self, r):
        import pandas as pd

        t = r.table
        shown = pd.DataFrame({
            "Rank": t["rank"].astype(str).to_numpy(), "Market": t["name"].to_numpy(),
            "Distance score": [self._total(v) for v in t["total"]],
            "Same language?": [self._yes(v) for v in t["common_language"]],
            "Same money?": [self._yes(v) for v in t["common_currency"]],
            "Shared border?": [self._yes(v) for v in t["contiguous"]],
            "km between capitals": [f"{v:,.0f}" for v in t["distance_km"]]})
        return table_html(shown, "Markets from closest to farthest", css_class="sme-ranking")

    def render(self, r):
        fig, alt = _charts.destination_chart(r)
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        notes = "".join(f"<div class='sme-help'>{_esc(n)}</div>" for n in r.notes)
        return (f"<div class='sme-headline'><b>Closest market with your weights: "
                f"<span class='sme-best'>{_esc(r.best)}</span>.</b></div>{img}{self._table(r)}{notes}"
                "<div class='sme-help'>A simple screen to start research, not an answer: it ignores income, "
                "trade deals, history and your product. Data: GeoNames, Hofstede (2010).</div>")

    def report_parts(self, r):
        fig, alt = _charts.destination_chart(r)
        scores = [(f"{row['rank']}. {row['name']}", "no score" if row["total"] != row["total"]
                   else f"{row['total']:.2f}") for _, row in r.table.iterrows()]
        answers = [("Home country", r.home_name)] + [
            (f"How much it matters: {DESTINATION_FACTOR_LABELS[k]}", f"{v:.0f} of 5") for k, v in r.weights.items()]
        return dict(headline=f"Closest market from {r.home_name} with your weights: {r.best}.", scores=scores,
                    answers=answers, chart_png=_charts.png_bytes(fig, dpi=130), chart_alt=alt,
                    recommendations=r.recommendations,
                    note="Distance score 0 = close and easy, 1 = far and hard (CAGE: Ghemawat 2001; culture: "
                         "Kogut & Singh 1988 on Hofstede scores).")

    def csv_labels(self, r):
        labels = super().csv_labels(r)
        labels.update({"home": "Home country", "candidates": "Markets compared", "ranking": "Ranking"})
        labels.update({f"weight_{k}": f"How much it matters: {DESTINATION_FACTOR_LABELS.get(k, k)}" for k in r.weights})
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
    title = "How does news travel between firms?"
    intro = ("Each dot is a local firm; each line is an alliance between two firms. Choose where a piece of news "
             "starts (for example a new foreign buyer or a new export rule) and how likely partners are to pass it "
             "on. The map shows the chance that each firm hears it.")

    def build_controls(self):
        choices = cases.firm_choices()
        self.starts = W.SelectMultiple(options=choices, value=(choices[0][1],), rows=8,
                                       description="News starts at", style={"description_width": "150px"},
                                       layout=W.Layout(width="95%", max_width="560px"))
        self.starts.add_class("sme-starts")
        self.chance = W.FloatSlider(value=0.2, min=0.05, max=1.0, step=0.05, description="Chance a partner passes it on",
                                    readout_format=".0%", style={"description_width": "200px"},
                                    layout=W.Layout(width="98%"))
        self.chance.add_class("sme-chance")
        self.use_strength = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"),
                                       description="Use how strong each real tie is instead")
        self.use_strength.add_class("sme-use-strength")
        self.best_button = W.Button(description="Which single firm spreads news best?", icon="search",
                                    layout=W.Layout(width="auto"))
        self.best_button.add_class("sme-best-start")
        self.best_out = W.HTML("")
        self.best_button.on_click(self._safe(self.on_best))
        return W.VBox([W.HTML("<div class='sme-help'>Hold Ctrl (or Cmd) and click to start at several firms.</div>"),
                       self.starts, self.chance, self.use_strength, W.HBox([self.best_button]), self.best_out])

    def watched(self):
        return [self.starts, self.chance, self.use_strength]

    def _p(self):
        return "strength" if self.use_strength.value else self.chance.value

    def compute(self):
        return cases.spillover(list(self.starts.value), self._p(), self.firm.value, self.owner.value)

    def on_best(self, _=None):
        best = cases.best_starts(self._p())
        names = dict((v, k) for k, v in cases.firm_choices())
        self.best_out.value = ("<div><b>Best single starting firms</b> (about how many firms hear the news):</div><ol>"
                               + "".join(f"<li>{_esc(names[n])}: {v:.0f}</li>" for n, v in best.items()) + "</ol>"
                               "<div class='sme-help'>Why these firms? Look at how many partners they have, and "
                               "who their partners are tied to.</div>")

    def _steps(self, r):
        by = {}
        for n, k in r.rounds.items():
            by.setdefault(k, []).append(r.names[n])
        parts = []
        for k in sorted(x for x in by if x is not None and x > 0)[:4]:
            names = by[k]
            shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            parts.append(f"<li>Step {k}: {len(names)} firm{'s' if len(names) > 1 else ''} &mdash; {_esc(shown)}</li>")
        if None in by:
            k = len(by[None])
            parts.append(f"<li>Never: {k} firm{' has' if k == 1 else 's have'} no path of ties to the start "
                         "(shown under the map).</li>")
        return "<ol style='list-style:none;padding-left:0'>" + "".join(parts) + "</ol>"

    def render(self, r):
        G = datasets.load_alliance_network()
        fig, alt = _charts.spillover_chart(r, G, network_layout(G))
        img = _charts.img_tag(_charts.png_bytes(fig), alt)
        return (f"<div class='sme-headline'><b>About <span class='sme-reached'>{r.expected:.0f}</span> of "
                f"{r.n_firms} firms hear the news.</b></div>{img}"
                "<div class='sme-q'>If every partner passed it on, the news would arrive step by step:</div>"
                f"{self._steps(r)}"
                "<div class='sme-help'>Think: which firms hear late or never? What tie would help them? "
                "The network is made up (synthetic) but built to look like firms in Khulna.</div>")

    def report_parts(self, r):
        G = datasets.load_alliance_network()
        fig, alt = _charts.spillover_chart(r, G, network_layout(G))
        top = r.probability.sort_values(ascending=False)
        scores = [("Firms that hear the news (about)", f"{r.expected:.0f} of {r.n_firms}")]
        scores += [(r.names[n], f"{100 * v:.0f}%") for n, v in top.head(7).items()]
        chance = "strength of each tie" if r.chance == "strength" else f"{100 * r.chance:.0f}% per tie"
        answers = [("News starts at", ", ".join(r.names[s] for s in r.starts)), ("Chance of passing it on", chance)]
        return dict(headline=f"About {r.expected:.0f} of {r.n_firms} firms hear the news.", scores=scores,
                    answers=answers, chart_png=_charts.png_bytes(fig, dpi=120), chart_alt=alt,
                    recommendations=r.recommendations,
                    note="Independent cascade model, 500 runs with a fixed seed. Synthetic network of 50 firms.")

    def csv_labels(self, r):
        labels = super().csv_labels(r)
        labels.update({"starts": "News starts at", "chance": "Chance a partner passes it on",
                       "expected_reached": "Firms that hear it (about)", "of_firms": "Firms in the network"})
        return labels

    def reset_controls(self):
        self.starts.value = (self.starts.options[0][1],)
        self.chance.value = 0.2
        self.use_strength.value = False
        self.best_out.value = ""


def readiness_app(instrument=None) -> ReadinessApp:
    """The readiness diagnostic (display the returned object in a notebook or Voilà)."""
    return ReadinessApp(instrument)


def alliance_app() -> AllianceApp:
    """The alliance planner."""
    return AllianceApp()


def destination_app() -> DestinationApp:
    """The destination explorer."""
    return DestinationApp()


def spillover_app() -> SpilloverApp:
    """The spillover game."""
    return SpilloverApp()
