"""Sphinx extension: the book's website serves its own browser assets, and page fixes.

Offline assets
    ``scripts/fetch_assets.sh`` copies MathJax 3, RequireJS, the ipywidgets embed manager
    and Font Awesome 4 from ``node_modules/`` (pinned by package-lock.json) into
    ``_offline/vendor/``. When that folder is there, this extension hands ``_offline/`` to
    Sphinx as an ``html_extra_path`` (so the assets land in ``_build/html/vendor/``, not
    under ``_static`` where Jupyter Book would add every .js to every page), points
    ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` at those copies, rewrites the Font
    Awesome link of raw matplotlib jshtml animations to the local copy, and warns (an error
    under ``-W``) about any built page that would still fetch a script, stylesheet, image or
    frame from another host. Without ``_offline/vendor/`` the book builds with the CDN
    defaults (one log line says so); the browser tests in ``tests/browser`` require the
    offline build.

Widgets
    A page whose widget cells are all removed (tag ``remove-cell``: live widgets are for
    JupyterLab, the website shows their static twins) still carries the widget state that
    the build's execution recorded, and myst-nb would load the 3.6 MB embed manager to
    render nothing: such pages lose the widget scripts and state. Pages that do show widget
    snapshots get RequireJS pointed at ``vendor/html-manager/`` (where the embed manager's
    fonts are) and ``book-mathjax2-shim.js`` (ipywidgets 8 typesets labels with MathJax 2's
    ``MathJax.Hub.Queue``).

Page fixes, each found by the browser tests (our own files are in ``book_site_static/``)
    * Sphinx 7.4 writes an inline script twice when an extension adds it after the builder
      started (sphinx-thebe's ``const THEBE_JS_URL``: a SyntaxError on every page); each
      page keeps one copy of each script.
    * pydata-sphinx-theme logs "Got invalid theme mode: ." on a first visit unless
      ``html_context["default_mode"]`` is set; it is set to the theme's default, "auto".
    * The theme loads Font Awesome twice, as web fonts and as ``fontawesome.js`` (1.5 MB
      on every page, redrawing the same icons as SVG); the script is dropped.
    * WCAG 2.5.3 "label in name" (axe label-content-name-mismatch, serious): the theme's
      search buttons show "Search Ctrl+K" but are labelled "Search" (the aria-label is
      dropped, the visible text names them); the colour-mode button holds icons titled
      "Light", "Dark", "System Settings" (the titles are dropped; the button keeps its
      "Color mode" label).
    * docutils puts bibliography entries with role="doc-biblioentry" in a role="list"
      (axe aria-required-children, critical; DPUB-ARIA 1.1 deprecates the role): they
      become role="listitem".
    * sphinx-book-theme's link blue has a 4.29:1 contrast on the tint of theorems and
      exercises, its orange hover colour 2.45:1 on white (axe color-contrast, serious):
      ``book-site.css`` darkens both.
    * sphinx-togglebutton throws "button is not defined" and leaves a solution shut when
      the click lands on anything inside its title but the title itself (sphinx-exercise
      puts a link there): ``book-toggle-fix.js`` handles title clicks first.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)
NAME = "book_site"

# ---- offline assets ------------------------------------------------------------------------
OFFLINE_DIR = "_offline"  # relative to the book's root (the Sphinx confdir)
VENDOR = "vendor"  # the folder inside it, and inside _build/html
MATHJAX = f"{VENDOR}/mathjax/tex-mml-chtml.js"
REQUIREJS = f"{VENDOR}/requirejs/require.js"
WIDGETS_EMBED = f"{VENDOR}/html-manager/embed-amd.js"
FONT_AWESOME = f"{VENDOR}/font-awesome/css/font-awesome.min.css"
REQUIRED = (MATHJAX, REQUIREJS, WIDGETS_EMBED, FONT_AWESOME)

# matplotlib's jshtml template (matplotlib/_animation_data.py) links Font Awesome 4 from a CDN.
FONT_AWESOME_CDN = re.compile(r"https?://[^\"'\s]*/font-awesome/[0-9.]+/css/font-awesome(?:\.min)?\.css")

# Tags that make the browser fetch something as soon as the page loads.
EXTERNAL_FETCH = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\ssrc\s*=\s*[\"']?(?:https?:)?//"
    r"|<link\b(?![^>]*\brel\s*=\s*[\"']?(?:canonical|alternate|author|license)\b)[^>]*?\shref\s*=\s*[\"']?(?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)

# ---- widgets ---------------------------------------------------------------------------------
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# ---- our static files, copied into _build/html/_static/ -------------------------------------
STATIC_DIR = Path(__file__).resolve().parent / "book_site_static"
WIDGETS_MATHJAX_SHIM = "book-mathjax2-shim.js"
TOGGLE_FIX = "book-toggle-fix.js"
SITE_CSS = "book-site.css"

# ---- fixes of the written pages ---------------------------------------------------------------
PAGE_FIXES = (
    # <script defer src="../_static/scripts/fontawesome.js?digest=..."></script>
    (re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*'), ""),
    # <button class="btn search-button-field ..." ... aria-label="Search" ...>
    (re.compile(r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?)\saria-label="[^"]*"'), r"\1"),
    # <i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>
    (re.compile(r'(<i class="theme-switch\b[^"]*"[^>]*?)\stitle="[^"]*"'), r"\1"),
    # <div class="citation" id="id17" role="doc-biblioentry">
    (re.compile(r'(<div class="citation"[^>]*?\srole=)"doc-biblioentry"'), r'\1"listitem"'),
)


def _from_static(path: str) -> str:
    """Sphinx resolves a relative script path against _static/; step back out of it."""
    return f"../{path}"


def _filename(js) -> str:
    return getattr(js, "filename", "") or ""


def configure(app: Sphinx, config) -> None:
    config.html_context.setdefault("default_mode", "auto")
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    root = Path(app.confdir) / OFFLINE_DIR
    present = [p for p in REQUIRED if (root / p).is_file()]
    if not present:
        logger.info(
            "%s: %s/ not found; MathJax and widget scripts come from CDNs "
            "(run scripts/build.sh with npm available for the offline site)",
            NAME,
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
    config.nb_ipywidgets_js = {_from_static(REQUIREJS): {}, _from_static(WIDGETS_EMBED): {}}


def localise_body(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.config.book_offline and "body" in context:
        context["body"] = FONT_AWESOME_CDN.sub(context["pathto"](FONT_AWESOME, 1), context["body"])


def _is_widget_script(js) -> bool:
    """myst-nb's nb_ipywidgets_js scripts (RequireJS, the embed manager) and the widget state."""
    return getattr(js, "attributes", {}).get("type") == WIDGET_STATE or _filename(js).endswith(
        ("/embed-amd.js", "/embed.js", "/require.js", "/require.min.js")
    )


def _point_requirejs_at_local_embed(app: Sphinx, context, scripts: list) -> None:
    """The embed manager looks for its fonts next to its AMD module's URL, which RequireJS
    would guess as <page folder>/@jupyter-widgets/html-manager/dist/: map that module path
    to vendor/html-manager/, between require.js and embed-amd.js (same priority, and the
    sort by priority is stable)."""
    folder = context["pathto"](WIDGETS_EMBED, 1).rsplit("/", 1)[0] + "/"
    body = (
        "require.config({paths: {'@jupyter-widgets/html-manager/dist': "
        f"new URL({folder!r}, document.baseURI).href.replace(/\\/$/, '')}}}});"
    )
    app.add_js_file(None, body=body, priority=500)
    config_js = next(js for js in scripts if getattr(js, "attributes", {}).get("body") == body)
    scripts.remove(config_js)
    embed_at = next(i for i, js in enumerate(scripts) if _filename(js).endswith("/embed-amd.js"))
    scripts.insert(embed_at, config_js)


def page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Runs after myst-nb (priority 900) has added the page's widget scripts."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    has_widgets = any(_filename(js).endswith(("/embed-amd.js", "/embed.js")) for js in scripts)
    if has_widgets and WIDGET_VIEW not in context.get("body", ""):
        scripts[:] = [js for js in scripts if not _is_widget_script(js)]
    elif has_widgets:
        # MathJax's own script has priority 500; deferred scripts run in document order.
        app.add_js_file(WIDGETS_MATHJAX_SHIM, priority=510, defer="defer")
        if app.config.book_offline:
            _point_requirejs_at_local_embed(app, context, scripts)
    seen, unique = set(), []
    for js in scripts:
        key = (_filename(js), tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def finish_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith((f"{VENDOR}/", "_static/")):
            continue
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in PAGE_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        if app.config.book_offline:
            for match in EXTERNAL_FETCH.finditer(fixed):
                snippet = fixed[match.start() : match.start() + 160].replace("\n", " ")
                logger.warning("%s: %s would fetch from another host: %s", NAME, rel, snippet)


def setup(app: Sphinx):
    app.add_config_value("book_offline", False, "html")
    app.add_css_file(SITE_CSS, priority=900)
    app.add_js_file(TOGGLE_FIX, priority=900)
    app.connect("config-inited", configure, priority=900)
    app.connect("html-page-context", localise_body)
    app.connect("html-page-context", page_scripts, priority=900)
    app.connect("build-finished", finish_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
