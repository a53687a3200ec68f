"""Rebuild the workshop apps' message catalog: ``sme_teach/workshop/locale/sme_workshop.pot``.

Collects every text an owner sees: the ``tr("...")`` and ``n_("...")`` calls of
``sme_teach/workshop/*.py`` (Babel's extractor) and the texts that live in data files — the
readiness questions and areas, the next steps, the alliance model's labels and definitions,
the answer scale, band words, destination factors and the use cases' fixed messages. Then
merges the template into every ``<lang>/LC_MESSAGES/sme_workshop.po`` (Babel's
``Catalog.update``: translations kept, new texts added untranslated, dropped ones marked
obsolete). ``make translations`` runs it; ``tests/test_workshop_i18n.py`` checks the
committed template is current and that Bengali translates every text.

Usage: python scripts/workshop_catalog.py [--check]   (--check: exit 1 if the template's texts are not current)
"""

from __future__ import annotations

import ast
import io
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from sme_teach.workshop._i18n import DOMAIN, LOCALE_DIR  # noqa: E402

POT = LOCALE_DIR / f"{DOMAIN}.pot"
#: dict keys that the extractor sees as tr()'s argument in ``tr(x["step"])``: not texts
_KEYS = {"step", "label", "definition"}


def _case_messages() -> list[tuple[str, str]]:
    """The fixed (no placeholder) WorkshopInputError messages and result notes of sme_teach/cases."""
    out = []
    for path in sorted((REPO / "sme_teach" / "cases").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            named = getattr(node, "func", None) is not None and (
                getattr(node.func, "id", None) == "WorkshopInputError"
                or (getattr(node.func, "attr", None) == "append" and getattr(node.func.value, "id", None) == "notes"))
            if (isinstance(node, ast.Call) and named
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                out.append((node.args[0].value, f"sme_teach/cases/{path.name}:{node.lineno}"))
    return out


def data_messages() -> list[tuple[str, str]]:
    """(text, where) of every owner-facing text kept in data files."""
    from sme_teach import cases, frameworks, measures

    out: list[tuple[str, str]] = []
    inst = measures.load_instrument()
    for _, d in inst.dimensions.iterrows():
        out += [(d["label"], "readiness.yaml: area"), (d["description"], "readiness.yaml: area description")]
    out += [(t, f"readiness.yaml: question {i}") for i, t in inst.items.set_index("id")["text"].items()]
    recs = cases.load_recommendations()
    for dim, steps in recs["readiness"].items():
        out += [(s["step"], f"recommendations.yaml: readiness/{dim}") for s in steps]
    for app in ("alliance", "destination", "spillover"):
        out += [(s["step"], f"recommendations.yaml: {app}") for s in recs[app]]
    for layer in ("alliance", "moderator_1", "moderator_2", "fsa", "competency"):
        for _, n in cases.alliance_nodes(layer).iterrows():
            out.append((n["label"], f"alliance model: {layer} {n['id']}"))
            if layer in ("alliance", "moderator_1", "moderator_2"):
                out.append((n["definition"], f"alliance model: {layer} {n['id']} definition"))
    # the course's legal cautions, shown first among the planner's next steps (cases.alliance_plan)
    model = frameworks.load("alliance_fsa")
    out += [(d["owner_caveat"], f"alliance model: {n} caution") for n, d in model.nodes(data=True)
            if d.get("owner_caveat")]
    out += [(v, "answer scale") for v in cases.ANSWER_LABELS.values()]
    out += [(v, f"readiness band {k}") for k, v in cases.BAND_WORDS.items()]
    out += [(v, f"destination factor {k}") for k, v in cases.DESTINATION_FACTOR_LABELS.items()]
    out += _case_messages()
    return out


def template() -> Catalog:
    cat = Catalog(project="sme_teach workshop", version="1", fuzzy=False,
                  msgid_bugs_address="", copyright_holder="sme_teach developers")
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, _context in extract_from_dir(
            REPO / "sme_teach" / "workshop", method_map, keywords={"tr": None, "n_": None, "_": None},
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if isinstance(message, str) and message and message not in _KEYS:
            cat.add(message, locations=[(f"sme_teach/workshop/{filename}", lineno)], auto_comments=comments)
    # calls inside f-strings (the tokenizer of Python < 3.12 sees an f-string as one token)
    for path in sorted((REPO / "sme_teach" / "workshop").glob("*.py")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in re.finditer(r"\btr\('((?:[^'\\]|\\.)*)'", line):
                text = ast.literal_eval("'" + m.group(1) + "'")
                if text not in cat:
                    cat.add(text, locations=[(f"sme_teach/workshop/{path.name}", lineno)])
    for text, where in data_messages():
        if text:
            cat.add(text, locations=[(where, 0)])
    return cat


def _bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, omit_header=False, sort_output=False, include_lineno=True)
    return buf.getvalue().replace(b'#, fuzzy\nmsgid ""', b'msgid ""', 1)  # the header is not a guess


def main(argv: list[str]) -> int:
    pot = template()
    import datetime

    pot.creation_date = pot.revision_date = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)  # stable file
    new = _bytes(pot)
    if "--check" in argv:  # the same texts (where they sit in the code may move)
        if not POT.is_file():
            print(f"{POT} is missing")
            return 1
        with open(POT, "rb") as fh:
            have = {m.id for m in read_po(fh) if m.id}
        want = {m.id for m in pot if m.id}
        for text in sorted(want - have):
            print(f"not in the template: {text!r}")
        for text in sorted(have - want):
            print(f"no longer used: {text!r}")
        return 0 if have == want else 1
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_bytes(new)
    for po_path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with open(po_path, "rb") as fh:
            cat = read_po(fh)
        cat.update(pot, no_fuzzy_matching=True)
        po_path.write_bytes(_bytes(cat))
        print(f"updated {po_path.relative_to(REPO)}")
    print(f"wrote {POT.relative_to(REPO)} ({len(pot)} messages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
