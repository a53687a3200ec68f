"""course/references.bib parses, and every work the course cites is in it.

Two kinds of citation are checked:

- citation keys (MyST roles ``{cite}`key```, ``{cite:t}`a,b```, ``{cite:p}`` …, and pandoc ``[@key]``) in
  ``course/**/*.md`` and the markdown cells of ``lessons/*.ipynb`` must be keys of the bib file;
- the reference lists of the lessons (the bullets under a "References" heading, written out in APA style)
  must each match a bib entry by first author's surname and year ("n.d." for undated works).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import REPO

BIB = REPO / "course" / "references.bib"
ENTRY_TYPES = {"article", "book", "incollection", "inproceedings", "techreport", "unpublished", "misc",
               "phdthesis", "mastersthesis", "inbook", "proceedings", "online", "report"}
REQUIRED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author", "title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "note"),
    "misc": ("author", "title", "year"),
}


def parse_bib(text: str) -> dict[str, dict[str, str]]:
    """A small BibTeX reader: ``{key: {"ENTRYTYPE": ..., field: value}}``; raises ValueError on bad syntax."""
    entries: dict[str, dict[str, str]] = {}
    i = 0
    while True:
        at = text.find("@", i)
        if at < 0:
            return entries
        # skip comments: '%' to the end of the line
        line_start = text.rfind("\n", 0, at) + 1
        if "%" in text[line_start:at]:
            i = text.find("\n", at) + 1 if text.find("\n", at) >= 0 else len(text)
            continue
        m = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,").match(text, at)
        if not m:
            raise ValueError(f"cannot read the entry starting at line {text.count(chr(10), 0, at) + 1}")
        etype, key = m.group(1).lower(), m.group(2)
        if key in entries:
            raise ValueError(f"duplicate key {key!r}")
        fields: dict[str, str] = {"ENTRYTYPE": etype}
        j = m.end()
        while True:
            fm = re.compile(r"\s*(\w[\w-]*)\s*=\s*").match(text, j)
            if not fm:
                close = re.compile(r"\s*\}").match(text, j)
                if not close:
                    raise ValueError(f"entry {key!r}: expected a field or '}}' at line {text.count(chr(10), 0, j) + 1}")
                i = close.end()
                break
            name = fm.group(1).lower()
            j = fm.end()
            if text[j] == "{":
                depth, k = 0, j
                while True:
                    if k >= len(text):
                        raise ValueError(f"entry {key!r}: unbalanced braces in field {name!r}")
                    depth += {"{": 1, "}": -1}.get(text[k], 0)
                    if depth == 0:
                        break
                    k += 1
                value, j = text[j + 1:k], k + 1
            elif text[j] == '"':
                k = text.index('"', j + 1)
                value, j = text[j + 1:k], k + 1
            else:
                vm = re.compile(r"[\w.-]+").match(text, j)
                if not vm:
                    raise ValueError(f"entry {key!r}: cannot read the value of {name!r}")
                value, j = vm.group(0), vm.end()
            if name in fields:
                raise ValueError(f"entry {key!r}: field {name!r} given twice")
            fields[name] = " ".join(value.split())
            sep = re.compile(r"\s*,").match(text, j)
            if sep:
                j = sep.end()
        entries[key] = fields


def _plain(s: str) -> str:
    """Lower-case ASCII letters only (drops braces, accents and LaTeX accent commands)."""
    s = re.sub(r"\\[`'\"^~=.uvHcdbk]\s*\{?(\w)\}?", r"\1", s)
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"[^a-z]", "", s.encode("ascii", "ignore").decode().lower())


def first_author_surname(author_field: str) -> str:
    first = author_field.split(" and ")[0].strip()
    surname = first.split(",")[0] if "," in first else first.split()[-1]
    return _plain(surname)


@pytest.fixture(scope="module")
def bib() -> dict[str, dict[str, str]]:
    return parse_bib(BIB.read_text(encoding="utf-8"))


def _markdown_sources() -> list[tuple[str, str]]:
    out = [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8"))
           for p in sorted((REPO / "course").rglob("*.md")) if "_build" not in p.parts]
    for nb in sorted((REPO / "lessons").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        out.append((str(nb.relative_to(REPO)), text))
    return out


CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
PANDOC_CITE = re.compile(r"\[(@[^\]]+)\]")


def test_bib_parses_and_entries_are_complete(bib):
    assert len(bib) >= 20, f"expected the course bibliography, found {len(bib)} entries"
    problems = []
    for key, f in bib.items():
        if f["ENTRYTYPE"] not in ENTRY_TYPES:
            problems.append(f"{key}: unknown entry type @{f['type']}")
        missing = [name for name in REQUIRED.get(f["ENTRYTYPE"], ("author", "title")) if not f.get(name)]
        if missing:
            problems.append(f"{key}: @{f['type']} lacks {missing}")
        if f.get("year") and not re.fullmatch(r"\d{4}|n\.d\.", f["year"]):
            problems.append(f"{key}: year {f['year']!r} (expected four digits or n.d.)")
        if f.get("pages") and not re.fullmatch(r"\d+(--\d+)?", f["pages"]):
            problems.append(f"{key}: pages {f['pages']!r} (write 87--109)")
    assert not problems, "\n".join(problems)


def test_seed_papers(bib, seeds_dir):
    bose = bib["bose2016"]
    assert (bose["journal"], bose["volume"], bose["number"], bose["pages"], bose["year"]) == (
        "Journal of Small Business Strategy", "26", "2", "87--109", "2016")
    seed = (seeds_dir / "bose_critical_success_factors.txt").read_text(encoding="utf-8")
    assert "CRITICAL SUCCESS FACTORS OF SME INTERNATIONALIZATION" in seed and "Tarun Kanti Bose" in seed
    assert _plain(bose["title"]) == _plain("Critical Success Factors of SME Internationalization")
    bb = bib["bosebristy"]
    seed2 = (seeds_dir / "bose_bristy_alliance_fsa.txt").read_text(encoding="utf-8")
    assert "Tarun Kanti Bose" in seed2 and "Jannatul Ferdous Bristy" in seed2
    assert "journal" not in bb and "venue" in bb["note"].lower() or "journal" in bb["note"].lower(), (
        "the seed text gives no venue for Bose & Bristy: the entry must say so in its note")


def test_pybtex_reads_the_bib():
    pybtex = pytest.importorskip("pybtex.database", reason="pybtex comes with the `site` extra (jupyter-book)")
    data = pybtex.parse_file(str(BIB))
    assert len(data.entries) >= 20


def test_every_citation_key_resolves(bib):
    unknown = {}
    for where, text in _markdown_sources():
        keys = [k.strip() for group in CITE_ROLE.findall(text) for k in group.split(",")]
        keys += [k.strip().lstrip("@").split()[0] for group in PANDOC_CITE.findall(text)
                 for k in group.split(";") if k.strip().startswith("@")]
        missing = sorted({k for k in keys if k not in bib})
        if missing:
            unknown[where] = missing
    assert not unknown, f"citation keys not in course/references.bib: {unknown}"


REF_HEADING = re.compile(r"^#{1,6}\s*(References|Further reading|Reading)\b.*$", re.M | re.I)
APA_ITEM = re.compile(r"^\s*[-*]\s+(?P<authors>.+?)\((?P<year>\d{4}|n\.d\.)[a-z]?\)", re.S)


def lesson_reference_items() -> list[tuple[str, str, str, str]]:
    """(lesson, first-author surname, year, the item) for each bullet in a lesson's reference list."""
    items = []
    for nb in sorted((REPO / "lessons").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] != "markdown" or not REF_HEADING.search(src):
                continue
            body = src[REF_HEADING.search(src).end():]
            for bullet in re.split(r"\n(?=\s*[-*]\s)", body):
                m = APA_ITEM.match(bullet)
                if not m:
                    continue
                authors = m.group("authors").strip()
                surname = re.split(r",|\s&\s|\sand\s", authors)[0]
                items.append((nb.stem, _plain(surname), m.group("year"), " ".join(bullet.split())[:90]))
    return items


def test_every_lesson_reference_is_in_the_bib(bib):
    index = {(first_author_surname(f.get("author", "")), f.get("year", "")) for f in bib.values()}
    items = lesson_reference_items()
    if not items:
        pytest.skip("no lesson has a References list yet")
    missing = [f"{lesson}: {item}" for lesson, surname, year, item in items if (surname, year) not in index]
    assert not missing, "lesson references with no entry (first author + year) in course/references.bib:\n" + \
        "\n".join(missing)


def test_parser_rejects_broken_bib():
    with pytest.raises(ValueError, match="unbalanced"):
        parse_bib("@article{x, title = {Open {brace}, year = 2000\n")
    with pytest.raises(ValueError, match="duplicate"):
        parse_bib("@book{x, title={A}}\n@book{x, title={B}}\n")
    assert parse_bib("% @comment{not, an entry}\n@misc{k, author={A, B}, year=2001}")["k"]["year"] == "2001"
