"""Sphinx extension: the book's website serves its own browser assets, and page fixes.

Offline assets
    ``scripts/fetch_assets.sh`` copies MathJax 3 from ``node_modules/`` (pinned by
    package-lock.json) into ``_offline/vendor/``. When that folder is there, this extension
    hands ``_offline/`` to Sphinx as an ``html_extra_path`` (so the assets land in
    ``_build/html/vendor/``, not under ``_static`` where Jupyter Book would add every .js to
    every page), points ``mathjax_path`` at that copy, and warns (an error under ``-W``) about
    any built page that would still fetch a script, stylesheet, image or frame from another
    host. Without ``_offline/vendor/`` the book builds with the CDN default (one log line says
    so); the browser tests in ``tests/browser`` require the offline build.

Widgets
    Live widgets are for JupyterLab; the website shows their static twins
    (``emlib.widgets.animate``), so the site serves no widget manager. The widget state that
    the build's execution records is dropped from every page, and a page that would still
    show a widget is an error: tag its cell ``remove-cell``.

Animations
    An animation's frames (``emlib.widgets``' player) are ``data:`` images, several MB on a
    page. Each frame is written to ``_images/frames/`` (named by its content) and the player
    keeps only the file's address: it fetches a frame when it first shows it, and its first
    frame loads lazily, so a page loads no frame until the reader gets there.

Header buttons
    The repository's address is set in one place, ``repository: url:`` in ``_config.yml``.
    With it, the pages get the repository and issue buttons and the launch buttons; without
    it, none of them (they would point nowhere). The download menu's ".pdf" entry, which
    printed the current page, links the whole book's PDF instead (``book.pdf``, made by
    ``scripts/book_pdf.py``).

Page fixes, each found by the browser tests (our own files are in ``book_site_static/``)
    * ``book-site.js``: the visible navigation buttons (☰, "Contents") work; see its comment.
    * ``book-site.js``: a formula too wide for its room is drawn smaller (to 75% of its size at
      most); what still does not fit, and a wide table, scrolls sideways with a "scroll →"
      marker; a figure is shown whole at the column's width at most, and a tap opens it at
      full size.
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
    * sphinx-proof and sphinx-exercise give every proof, theorem body, exercise body and
      solution body the same id (``proof``, ``proof-content``, ``exercise-content``,
      ``solution-content``), up to six times a page; the ids are dropped (``book-site.css`` styles proofs by class instead).
    * Figures below the screen load when the reader scrolls to them (``loading="lazy"``);
      the search tools and index load on the search page only, sphinx-design's files on
      pages that use its components only.
    * sphinx-book-theme's link blue has a 4.29:1 contrast on the tint of theorems and
      exercises, its orange hover colour 2.45:1 on white (axe color-contrast, serious):
      ``book-site.css`` darkens both.
    * sphinx-togglebutton throws "button is not defined" and leaves a solution shut when
      the click lands on anything inside its title but the title itself (sphinx-exercise
      puts a link there): ``book-toggle-fix.js`` handles title clicks first.
"""

from __future__ import annotations

import base64
import hashlib
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

# ---- animations ------------------------------------------------------------------------------
FRAMES_DIR = "_images/frames"
# emlib.widgets' own player, and a data: image in it (in an attribute or a JSON string)
PLAYER = re.compile(r'<figure class="emlib-animation".*?</figure>', re.DOTALL)
FRAME_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)")

# ---- the whole book as one PDF (scripts/book_pdf.py writes it next to index.html) -----------
BOOK_PDF = "book.pdf"

# ---- our static files, copied into _build/html/_static/ -------------------------------------
STATIC_DIR = Path(__file__).resolve().parent / "book_site_static"
SITE_JS = "book-site.js"
TOGGLE_FIX = "book-toggle-fix.js"
SITE_CSS = "book-site.css"
FAVICON = "favicon.svg"

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
    # <div class="proof admonition" id="proof">, <section id="exercise-content"> ...
    (re.compile(r'<div class="proof admonition" id="proof">'), '<div class="proof admonition prf-proof">'),
    (re.compile(r'(<section(?: class="[^"]*")?) id="(?:exercise|solution|proof)-content">'), r"\1>"),
    # figures of the page's content (not the theme's logo): load when scrolled to
    (re.compile(r'<img (?![^>]*\bloading=)(?=[^>]*src="[^"]*_images/)'), '<img loading="lazy" '),
)


# pydata-sphinx-theme's inline search (off in this book) loads the search index and tools on
# every page; only the search page needs them.
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*_static/searchtools\.js"></script>\s*'
    r'<script src="[^"]*_static/language_data\.js"></script>\s*'
    r'<script src="[^"]*searchindex\.js"></script>'
)
SEARCH_PAGE = "search.html"
# sphinx-design's stylesheet and script (62 kB), on pages that use none of its components.
SPHINX_DESIGN = re.compile(
    r'\s*<link rel="stylesheet" type="text/css" href="[^"]*_static/sphinx-design\.min\.css[^"]*" />'
    r'|\s*<script data-sd-tabs-storage-prefix="[^"]*" src="[^"]*_static/design-tabs\.js[^"]*"></script>'
)
USES_SPHINX_DESIGN = re.compile(r'class="(?:[^"]*\s)?sd-')


def _from_static(path: str) -> str:
    """Sphinx resolves a relative script path against _static/; step back out of it."""
    return f"../{path}"


def _filename(js) -> str:
    return getattr(js, "filename", "") or ""


def _header_buttons(config) -> None:
    """Repository, issue and launch buttons only when the repository's address is set."""
    options = config.html_theme_options
    if options.get("repository_url"):
        options.setdefault("use_repository_button", True)
        options.setdefault("use_issues_button", True)
        return
    options.pop("launch_buttons", None)
    for key in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        options[key] = False


def configure(app: Sphinx, config) -> None:
    config.html_context.setdefault("default_mode", "auto")
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    config.html_favicon = config.html_favicon or str(STATIC_DIR / FAVICON)
    # The general index would be empty and the proof index lists labels, not titles.
    config.html_use_index = False
    config.html_domain_indices = False
    # No widget manager: no page shows a live widget (see the module docstring).
    config.nb_ipywidgets_js = {}
    _header_buttons(config)
    root = Path(app.confdir) / OFFLINE_DIR
    if not (root / MATHJAX).is_file():
        if root.exists():
            raise ExtensionError(
                f"{OFFLINE_DIR}/ is incomplete (missing {MATHJAX}); "
                "rerun scripts/fetch_assets.sh or delete the folder"
            )
        logger.info(
            "%s: %s/ not found; MathJax comes from a CDN "
            "(run scripts/build.sh with npm available for the offline site)",
            NAME,
            OFFLINE_DIR,
        )
        config.book_offline = False
        return
    config.book_offline = True
    config.html_extra_path = [*config.html_extra_path, OFFLINE_DIR]
    config.mathjax_path = _from_static(MATHJAX)


def page_buttons(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Runs after sphinx-book-theme (priority 501) has listed the header buttons. A build
    that hides the solutions (the student edition) gets no PDF: the book's PDF shows them."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        pdf = [button for button in group["buttons"] if button.get("label") == "download-pdf-button"]
        for button in pdf:
            group["buttons"].remove(button)
        if not getattr(app.config, "hide_solutions", False):
            group["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](BOOK_PDF, 1),
                    "text": "book .pdf",
                    "tooltip": "The whole book as one PDF",
                    "icon": "fas fa-file-pdf",
                    "label": "download-book-pdf-button",
                }
            )


def page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Runs after myst-nb (priority 900) has added the page's scripts."""
    if WIDGET_VIEW in context.get("body", ""):
        logger.warning(
            "%s: %s shows a live widget, which the website cannot run: tag its cell "
            "remove-cell and show emlib.widgets.animate(...) instead",
            NAME,
            pagename,
        )
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", {})
        if attributes.get("type") == WIDGET_STATE:
            continue
        key = (_filename(js), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def _frames_to_files(text: str, page: Path, outdir: Path) -> str:
    """Move the frames of a page's animations (``figure.emlib-animation``: data: URLs in a JSON
    list and in the first ``img``) into files (see "Animations" above)."""
    frames = outdir / FRAMES_DIR
    prefix = "../" * (len(page.relative_to(outdir).parts) - 1) + FRAMES_DIR

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{match.group(1)}"
        frames.mkdir(parents=True, exist_ok=True)
        if not (frames / name).exists():
            (frames / name).write_bytes(data)
        return f"{prefix}/{name}"

    def player(match: re.Match) -> str:
        return FRAME_DATA.sub(to_file, match.group(0))

    return PLAYER.sub(player, text)


def finish_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith((f"{VENDOR}/", "_static/")):
            continue
        text = page.read_text(encoding="utf-8")
        fixed = _frames_to_files(text, page, outdir)
        for pattern, replacement in PAGE_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if rel != SEARCH_PAGE:
            fixed = SEARCH_SCRIPTS.sub("", fixed)
        if not USES_SPHINX_DESIGN.search(fixed):
            fixed = SPHINX_DESIGN.sub("", fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        if app.config.book_offline:
            for match in EXTERNAL_FETCH.finditer(fixed):
                snippet = fixed[match.start() : match.start() + 160].replace("\n", " ")
                logger.warning("%s: %s would fetch from another host: %s", NAME, rel, snippet)


def singlehtml_nodes(app: Sphinx) -> None:
    """Sphinx looks up a node's HTML writer under the builder's name, and falls back to
    "html" only when no extension registered any for "singlehtml"; one does, so the proofs
    of sphinx-proof would have none in the whole-book page that becomes the PDF."""
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        single = handlers.setdefault("singlehtml", {})
        for node, visitors in handlers.get("html", {}).items():
            single.setdefault(node, visitors)


def setup(app: Sphinx):
    app.add_config_value("book_offline", False, "html")
    app.add_css_file(SITE_CSS, priority=900)
    app.add_js_file(SITE_JS, priority=900)
    app.add_js_file(TOGGLE_FIX, priority=900)
    app.connect("config-inited", configure, priority=900)
    app.connect("builder-inited", singlehtml_nodes)
    app.connect("html-page-context", page_buttons, priority=600)
    app.connect("html-page-context", page_scripts, priority=900)
    app.connect("build-finished", finish_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
