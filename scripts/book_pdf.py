"""Print the whole book, built as one page by Sphinx's singlehtml builder, to one PDF.

    python scripts/book_pdf.py [_build/singlehtml/intro.html] [_build/html/book.pdf]

scripts/build.sh runs it after the website's build; the download menu of every page links
the result (scripts/book_site.py). Debian's chromium (``/usr/bin/chromium``, or
``BOOK_CHROMIUM``), driven by Playwright, opens the page from disk with every request off the
machine refused, waits for MathJax, shows each animation as a still (its last half-step, the
fitted model) and each exercise's solution, adds a table of contents, and prints. The PDF has
bookmarks for the chapters and sections, and page numbers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "_build" / "singlehtml" / "intro.html"
TARGET = ROOT / "_build" / "html" / "book.pdf"
CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 120_000

# Print rules on top of the theme's (which already hide its bars and sidebars).
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-size: 10.5pt; }
.bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .bd-header-article, .bd-footer,
.bd-footer-article, .prev-next-area, #pst-back-to-top, .headerlink, .toggle-button,
.copybtn, figure.emlib-animation > div, .emlib-run-live { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-page-width { max-width: none !important; }
section.book-pdf-chapter { break-before: page; }
#book-pdf-toc { break-after: page; }
#book-pdf-toc ol { list-style: none; padding-left: 0; }
#book-pdf-toc ol ol { padding-left: 1.5em; }
#book-pdf-toc a { text-decoration: none; color: inherit; }
img, figure, .cell_output, mjx-container[display="true"] { break-inside: avoid; }
mjx-container[display="true"] { overflow: visible !important; }
.admonition.toggle-hidden > *, .toggle-hidden { display: block !important; visibility: visible !important; }
"""

# The single page holds each document after a <span id="document-NAME">: the chapters and
# appendices (their titles are <h2>, the book's title being the one <h1>), sections <h3>.
ADD_TOC = """() => {
    const chapters = Array.from(document.querySelectorAll('span[id^="document-"] + section'));
    const nav = document.createElement('nav');
    nav.id = 'book-pdf-toc';
    nav.innerHTML = '<h2>Contents</h2>';
    const list = document.createElement('ol');
    const item = (section) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = '#' + section.id;
        a.textContent = section.querySelector(':scope > h2, :scope > h3').textContent.replace(/#$/, '').trim();
        li.appendChild(a);
        return li;
    };
    chapters.forEach(chapter => {
        chapter.classList.add('book-pdf-chapter');
        const li = item(chapter);
        const sub = document.createElement('ol');
        chapter.querySelectorAll(':scope > section[id]').forEach(s => {
            if (s.querySelector(':scope > h3')) sub.appendChild(item(s));
        });
        if (sub.children.length) li.appendChild(sub);
        list.appendChild(li);
    });
    nav.appendChild(list);
    // In place of the theme's printed contents, which list the chapters only.
    const theirs = document.getElementById('jb-print-toc');
    if (theirs) theirs.replaceWith(nav);
    else chapters[0].parentNode.insertBefore(nav, chapters[0].previousElementSibling);
    return chapters.length;
}"""

SHOW_ALL = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    // Each animation at its last half-step (the fitted model): the slider to its end, as a
    // reader would drag it.
    const players = Array.from(document.querySelectorAll('figure.emlib-animation'));
    players.forEach(p => {
        const slider = p.querySelector('input[type=range]');
        slider.value = slider.max;
        slider.dispatchEvent(new Event('input'));
    });
    // Figures load when scrolled to (loading="lazy"): load them all now.
    document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
    await Promise.all(Array.from(document.images).map(img => img.complete ? null :
        new Promise(r => { img.onload = img.onerror = r; })));
    // Solutions and other dropdowns open.
    document.querySelectorAll('.toggle-hidden').forEach(el => el.classList.remove('toggle-hidden'));
    document.querySelectorAll('details').forEach(el => { el.open = true; });
    return players.length;
}"""

FOOTER = (
    '<div style="font-size:8pt; width:100%; text-align:center; color:#555;">'
    '<span class="pageNumber"></span></div>'
)


def print_book(source: Path = SOURCE, target: Path = TARGET) -> Path:
    if not source.is_file():
        raise SystemExit(f"book_pdf: {source} is missing: build the single page first "
                         "(jupyter-book build --builder singlehtml .)")
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"book_pdf: {CHROMIUM} is missing: install Debian's chromium "
                         "(scripts/build.sh does it) or set BOOK_CHROMIUM")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto(source.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
        page.emulate_media(media="print")
        page.add_style_tag(content=PRINT_CSS)
        n_animations = page.evaluate(SHOW_ALL)
        n_chapters = page.evaluate(ADD_TOC)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        page.pdf(path=str(target), format="A4", print_background=True, outline=True, tagged=True,
                 display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                 margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
        browser.close()
    print(f"book_pdf: {n_chapters} chapters and appendices, {n_animations} animations as stills "
          f"-> {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    print_book(*args)
