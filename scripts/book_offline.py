"""Sphinx extension: the book's site serves its own browser assets.

``scripts/fetch_assets.sh`` copies MathJax 3, RequireJS, the ipywidgets embed manager
and Font Awesome 4 from ``node_modules/`` (pinned by package-lock.json) into
``_offline/vendor/``. When that folder is there, this extension

* hands ``_offline/`` to Sphinx as an ``html_extra_path``, so the assets land in
  ``_build/html/vendor/`` (not under ``_static``: Jupyter Book would add every .js
  found there to every page);
* points ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` at those copies;
* rewrites the Font Awesome stylesheet link that matplotlib's jshtml animations
  carry (``matplotlib/_animation_data.py``) to the local copy;
* warns -- an error under ``-W`` -- about any built page that would still fetch a
  script, stylesheet, image or frame from another host.

Without ``_offline/vendor/`` the book builds with the CDN defaults (one log line says
so); the browser tests in ``tests/browser`` require the offline build.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

OFFLINE_DIR = "_offline"  # relative to the book's root (the Sphinx confdir)
VENDOR = "vendor"  # the folder inside it, and inside _build/html

# What each page may load, relative to the site root.
MATHJAX = f"{VENDOR}/mathjax/tex-mml-chtml.js"
REQUIREJS = f"{VENDOR}/requirejs/require.js"
WIDGETS_EMBED = f"{VENDOR}/html-manager/embed-amd.js"
FONT_AWESOME = f"{VENDOR}/font-awesome/css/font-awesome.min.css"
REQUIRED = (MATHJAX, REQUIREJS, WIDGETS_EMBED, FONT_AWESOME)

# matplotlib's jshtml template links Font Awesome 4 from a CDN.
FONT_AWESOME_CDN = re.compile(
    r"https?://[^\"'\s]*/font-awesome/[0-9.]+/css/font-awesome(?:\.min)?\.css"
)

# Tags that make the browser fetch something as soon as the page loads.
EXTERNAL_FETCH = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\ssrc\s*=\s*[\"']?(?:https?:)?//"
    r"|<link\b(?![^>]*\brel\s*=\s*[\"']?(?:canonical|alternate|author|license)\b)[^>]*?\shref\s*=\s*[\"']?(?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def _from_static(path: str) -> str:
    """Sphinx resolves a relative script path against _static/; step back out of it."""
    return f"../{path}"


def configure(app: Sphinx, config) -> None:
    root = Path(app.confdir) / OFFLINE_DIR
    present = [p for p in REQUIRED if (root / p).is_file()]
    if not present:
        logger.info(
            "book_offline: %s/ not found; MathJax and widget scripts come from CDNs "
            "(run scripts/build.sh with npm available for the offline site)",
            OFFLINE_DIR,
        )
        config.book_offline = False
        return
    missing = sorted(set(REQUIRED) - set(present))
    if missing:
        raise ExtensionError(
            f"{OFFLINE_DIR}/ is incomplete (missing {', '.join(missing)}); "
            "rerun scripts/fetch_assets.sh or delete the folder"
        )
    config.book_offline = True
    config.html_extra_path = [*config.html_extra_path, OFFLINE_DIR]
    config.mathjax_path = _from_static(MATHJAX)
    # No crossorigin attribute: Chromium refuses CORS-mode scripts on file:// pages.
    config.nb_ipywidgets_js = {
        _from_static(REQUIREJS): {},
        _from_static(WIDGETS_EMBED): {},
    }


def localise_body(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if not app.config.book_offline or "body" not in context:
        return
    local = context["pathto"](FONT_AWESOME, 1)
    context["body"] = FONT_AWESOME_CDN.sub(local, context["body"])


def check_pages(app: Sphinx, exception) -> None:
    if exception is not None or not app.config.book_offline:
        return
    if app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith(f"{VENDOR}/"):
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for match in EXTERNAL_FETCH.finditer(text):
            snippet = text[match.start() : match.start() + 160].replace("\n", " ")
            logger.warning(
                "book_offline: %s would fetch from another host: %s", rel, snippet
            )


def setup(app: Sphinx):
    app.add_config_value("book_offline", False, "html")
    app.connect("config-inited", configure, priority=900)
    app.connect("html-page-context", localise_body)
    app.connect("build-finished", check_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
