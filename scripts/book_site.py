"""Sphinx extension: the book's website serves its own browser assets, plus three page fixes.

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

A page whose widget cells are all removed from the page (tag ``remove-cell``: the live
widgets are for JupyterLab, the website shows their static twins) still carries the widget
state that the build's execution recorded, and myst-nb would load the 3.6 MB embed manager
to render nothing; on such pages the widget scripts and state are dropped.

On pages that do show ipywidgets snapshots, two helpers run before the widgets render:

* ``window.__jupyter_widgets_assets_path__`` tells the embed manager where its font files
  are (it would look in ``<page folder>/@jupyter-widgets/html-manager/dist/``);
* a shim gives MathJax 3 the ``MathJax.Hub.Queue`` of MathJax 2 that ipywidgets 8 still
  calls to typeset widget labels (an uncaught TypeError "reading 'Queue'" otherwise).

The page fixes, each found by those tests:

* Sphinx 7.4 writes an inline script twice when an extension adds it after the builder
  started (sphinx-thebe's ``const THEBE_JS_URL = ...``, a SyntaxError "Identifier has
  already been declared" on every page); each page keeps one copy of each script.
* pydata-sphinx-theme logs "Got invalid theme mode: ." on a first visit unless
  ``default_mode`` is set in ``html_context``; it is set to the theme's default, "auto".
* Two theme buttons break WCAG 2.5.3 "label in name" (axe: label-content-name-mismatch,
  serious): the search buttons show "Search Ctrl+K" but are labelled "Search" (the
  redundant aria-label is dropped, so the visible text names them), and the colour-mode
  button, labelled "Color mode", holds icons titled "Light", "Dark", "System Settings"
  (the icons' titles are dropped; the button keeps its label and tooltip).
* docutils gives each bibliography entry role="doc-biblioentry" inside a role="list",
  which has no list items (axe: aria-required-children, critical; DPUB-ARIA 1.1
  deprecates doc-biblioentry in favour of listitem): the entries become role="listitem".
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)
NAME = "book_site"

OFFLINE_DIR = "_offline"  # relative to the book's root (the Sphinx confdir)
VENDOR = "vendor"  # the folder inside it, and inside _build/html

# What pages may load, relative to the site root.
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

# The theme's search buttons: <button class="btn search-button-field ..." ... aria-label="Search" ...>
SEARCH_BUTTON_LABEL = re.compile(
    r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?)\saria-label="[^"]*"'
)


# The icons inside the theme's colour-mode button: <i class="theme-switch ..." data-mode="light" title="Light">
THEME_SWITCH_ICON_TITLE = re.compile(r'(<i class="theme-switch\b[^"]*"[^>]*?)\stitle="[^"]*"')
BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*?\srole=)"doc-biblioentry"')

PAGE_FIXES = (
    (SEARCH_BUTTON_LABEL, r"\1"),
    (THEME_SWITCH_ICON_TITLE, r"\1"),
    (BIBLIOENTRY, r'\1"listitem"'),
)


WIDGETS_MATHJAX_SHIM = "book-widgets-mathjax2-shim.js"  # written into _build/html/_static/
WIDGETS_MATHJAX_SHIM_JS = """\
/* Written by scripts/book_site.py. ipywidgets 8 typesets widget labels with MathJax 2's
   API, MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book runs MathJax 3.
   Loaded with defer right after MathJax, before the widgets render. */
(function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
  mj.Hub = {
    Queue: function (job) {
      var element = Array.isArray(job) ? job[2] : null;
      if (!element) return;
      mj.startup.promise
        .then(function () { return mj.typesetPromise([element]); })
        .catch(function (err) { console.warn("MathJax could not typeset a widget label:", err); });
    }
  };
})();
"""


def _from_static(path: str) -> str:
    """Sphinx resolves a relative script path against _static/; step back out of it."""
    return f"../{path}"


def configure(app: Sphinx, config) -> None:
    config.html_context.setdefault("default_mode", "auto")
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
    config.nb_ipywidgets_js = {
        _from_static(REQUIREJS): {},
        _from_static(WIDGETS_EMBED): {},
    }


def write_static_files(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / WIDGETS_MATHJAX_SHIM).write_text(WIDGETS_MATHJAX_SHIM_JS, encoding="utf-8")


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _is_widget_script(js) -> bool:
    """myst-nb's nb_ipywidgets_js scripts (RequireJS, the embed manager) and the widget state."""
    filename = getattr(js, "filename", "") or ""
    attrs = getattr(js, "attributes", {})
    return (
        attrs.get("type") == WIDGET_STATE
        or filename.endswith(("/embed-amd.js", "/embed.js", "/require.js", "/require.min.js"))
    )


def _point_requirejs_at_local_embed(app: Sphinx, context, scripts: list) -> None:
    """The embed manager finds its font files next to its AMD module's URL, which RequireJS
    would guess as <page folder>/@jupyter-widgets/html-manager/dist/: map that module path
    to vendor/html-manager/, between require.js and embed-amd.js (same priority, so the
    stable sort by priority keeps this order)."""
    folder = context["pathto"](WIDGETS_EMBED, 1).rsplit("/", 1)[0] + "/"
    body = (
        "require.config({paths: {'@jupyter-widgets/html-manager/dist': "
        f"new URL({folder!r}, document.baseURI).href.replace(/\\/$/, '')}}}});"
    )
    app.add_js_file(None, body=body, priority=500)
    config_js = next(js for js in scripts if getattr(js, "attributes", {}).get("body") == body)
    scripts.remove(config_js)
    embed_at = next(
        i for i, js in enumerate(scripts) if (getattr(js, "filename", "") or "").endswith("/embed-amd.js")
    )
    scripts.insert(embed_at, config_js)


def page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Runs after myst-nb (priority 900) has added the widget scripts of the page."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    has_widgets = any(
        (getattr(js, "filename", "") or "").endswith(("/embed-amd.js", "/embed.js")) for js in scripts
    )
    if has_widgets and WIDGET_VIEW not in context.get("body", ""):
        scripts[:] = [js for js in scripts if not _is_widget_script(js)]
        has_widgets = False
    if has_widgets:
        # MathJax's own script has priority 500; deferred scripts run in document order.
        app.add_js_file(WIDGETS_MATHJAX_SHIM, priority=510, defer="defer")
        if app.config.book_offline:
            _point_requirejs_at_local_embed(app, context, scripts)
    seen, unique = set(), []
    for js in scripts:
        attrs = getattr(js, "attributes", {})
        key = (getattr(js, "filename", js) or "", tuple(sorted(attrs.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def localise_body(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if not app.config.book_offline or "body" not in context:
        return
    local = context["pathto"](FONT_AWESOME, 1)
    context["body"] = FONT_AWESOME_CDN.sub(local, context["body"])


def finish_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith(f"{VENDOR}/"):
            continue
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in PAGE_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        if not app.config.book_offline:
            continue
        for match in EXTERNAL_FETCH.finditer(fixed):
            snippet = fixed[match.start() : match.start() + 160].replace("\n", " ")
            logger.warning("%s: %s would fetch from another host: %s", NAME, rel, snippet)


def setup(app: Sphinx):
    app.add_config_value("book_offline", False, "html")
    app.connect("config-inited", configure, priority=900)
    app.connect("html-page-context", localise_body)
    app.connect("builder-inited", write_static_files)
    app.connect("html-page-context", page_scripts, priority=900)
    app.connect("build-finished", finish_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
