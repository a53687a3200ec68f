"""Browser libraries the course serves itself (MathJax 3, reveal.js 4), copied into a build.

``scripts/ensure_web_assets.sh`` (``make assets``) installs them from the npm registry into
``.venv/node``; the site build (``scripts/build_site.py``) and the slide build
(``scripts/build_slides.py``) copy the parts a page needs next to the pages, so the site and the
slides load nothing from the internet and also work from ``file://``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NODE_MODULES = Path(sys.prefix) / "node" / "node_modules"

# what tex-chtml.js loads on demand, relative to es5/: TeX extensions (autoload), the CHTML fonts,
# the context menu and its accessibility tools (explorer, speech rules)
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts", "ui", "a11y", "sre"]
# reveal.js: the core, its themes with their bundled fonts, the speaker-notes plugin
REVEAL_PARTS = ["dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme", "plugin/notes",
                "LICENSE"]


class MissingAssets(RuntimeError):
    pass


def package_dir(name: str) -> Path:
    """``.venv/node/node_modules/<name>``; raise with the command that installs it when absent."""
    path = NODE_MODULES / name
    if not (path / "package.json").exists():
        raise MissingAssets(f"{path} is missing: the course serves {name} itself (no CDN). "
                            "Install it with `make assets` (scripts/ensure_web_assets.sh, needs npm).")
    return path


def _copy_parts(package: Path, src: Path, parts: list[str], dest: Path) -> Path:
    """Copy ``parts`` of ``src`` into ``dest`` (skipped when ``dest`` already holds this version)."""
    version = (package / "package.json").read_text(encoding="utf-8")
    stamp = dest / ".package.json"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == version:
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    for part in parts:
        s, d = src / part, dest / part
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d)
        else:
            shutil.copy2(s, d)
    stamp.write_text(version, encoding="utf-8")
    return dest


def copy_mathjax(dest: Path) -> Path:
    """MathJax 3 (``es5/``) into ``dest``; the page loads ``dest/tex-chtml.js``."""
    package = package_dir("mathjax")
    return _copy_parts(package, package / "es5", MATHJAX_PARTS, dest)


def copy_reveal(dest: Path) -> Path:
    """reveal.js into ``dest`` (``dest/dist/reveal.js``, ``dest/plugin/notes/notes.js``)."""
    package = package_dir("reveal.js")
    return _copy_parts(package, package, REVEAL_PARTS, dest)


def reveal_version() -> str:
    import json

    return json.loads((package_dir("reveal.js") / "package.json").read_text(encoding="utf-8"))["version"]
