"""The chapters as a phone shows them: 390 x 844 CSS pixels, touch, mobile viewport.

On every chapter page (over http): tapping the visible navigation button shows the chapter
list, and the "Contents" button the page's sections; no formula runs past the column out of
reach (it fits, or sits in a box that scrolls sideways within the column and inside every box
around it that cuts off what overflows); a formula or table that scrolls shows a visible
"scroll →" marker (so does a long line of code), and a formula shrunk to fit stays legible; every figure is shown whole,
within the column; no animation is wider than the column. The notation page and the other
pages of the book are checked the same way.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_site import LOAD_TIMEOUT_MS, chapter_notebooks

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHAPTERS = [f"chapters/{nb.stem}.html" for nb in chapter_notebooks()] or ["<no chapters>"]
PAGES = [*CHAPTERS, "intro.html", "notation.html", "bibliography.html"]

# The column: the article's box without its padding.
CONTENT_BOX = """function contentBox(el) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    const left = r.left + parseFloat(s.paddingLeft), right = r.right - parseFloat(s.paddingRight);
    return {left: left, right: right, width: right - left};
}"""

# Whether an element is out of reach: outside the article's content box, or cut off by a box
# around it whose overflow is hidden. A box that scrolls sideways brings its content within
# reach if the box itself is (so only the box is checked from there on out).
OUT_OF_REACH = """(selector) => {
    """ + CONTENT_BOX + """
    const article = document.querySelector('article.bd-article');
    const column = contentBox(article);
    const within = (r, q) => r.left >= q.left - 1 && r.right <= q.right + 1;
    const bad = [];
    article.querySelectorAll(selector).forEach(el => {
        let r = el.getBoundingClientRect();
        if (r.width === 0) return;
        let cut = null;
        for (let box = el.parentElement; box && box !== article; box = box.parentElement) {
            const overflow = getComputedStyle(box).overflowX;
            if (overflow === 'visible') continue;
            const q = box.getBoundingClientRect();
            if (['auto', 'scroll'].includes(overflow)) { r = q; continue; }
            if (!within(r, q)) { cut = box; break; }
        }
        if (!cut && within(r, column)) return;
        const where = cut ? `cut off by ${cut.tagName.toLowerCase()}.${cut.className}`
                          : `column ${Math.round(column.left)}..${Math.round(column.right)}`;
        const what = el.getAttribute('alt') || el.textContent || el.outerHTML;
        bad.push(`${Math.round(r.left)}..${Math.round(r.right)} px (${where}): ${what.slice(0, 70)}`);
    });
    return bad;
}"""

# Boxes (formulas, tables) wider than their room that scroll without a visible "scroll →"
# marker beside them, which readers took for content cut off.
SCROLLS_UNMARKED = """(selector) => {
    const bad = [];
    document.querySelectorAll('article.bd-article ' + selector).forEach(box => {
        if (!['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return;  // OUT_OF_REACH's part
        if (box.scrollWidth - box.clientWidth <= 1 || box.getBoundingClientRect().width === 0) return;
        box.scrollLeft = 0;
        box.dispatchEvent(new Event('scroll'));
        const cue = box.parentElement.querySelector(':scope > .book-scroll-cue');
        const r = cue ? cue.getBoundingClientRect() : null;
        const b = box.getBoundingClientRect();
        const shown = cue && cue.checkVisibility() && r.width > 0 && /scroll/.test(cue.textContent)
            && r.right <= b.right + 1 && r.left >= b.left - 1;
        if (!shown) bad.push(`${box.clientWidth} px showing ${box.scrollWidth} px: ${box.textContent.slice(0, 60)}`);
    });
    return bad;
}"""

# Formulas drawn smaller than MIN_MATH_SIZE of the text around them. MathJax draws a formula
# at 1.27 times the text's size, and a formula too wide for its room is shrunk down to 75% of
# that (book-site.js), so legible formulas are at least 0.95 times the text's size.
MIN_MATH_SIZE = 0.95
TOO_SMALL = """(minimum) => Array.from(document.querySelectorAll('article.bd-article mjx-container'))
    .filter(m => m.getBoundingClientRect().width > 0)
    .map(m => [m, parseFloat(getComputedStyle(m).fontSize)
                  / parseFloat(getComputedStyle(m.closest('p, li, div, td, th, dd')).fontSize)])
    .filter(([m, ratio]) => ratio < minimum - 0.005)
    .map(([m, ratio]) => `${ratio.toFixed(2)} of the text's size: ${m.textContent.slice(0, 60)}`)"""


@pytest.fixture(scope="module", params=PAGES)
def phone_page(request, site, http_root, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(urljoin(http_root, request.param), wait_until="load", timeout=LOAD_TIMEOUT_MS)
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    page.wait_for_timeout(300)  # book-site.js marks wide inline formulas after typesetting
    page.errors = errors
    yield request.param, page
    context.close()


def _visible(page, selector):
    return page.locator(selector).filter(visible=True)


def test_navigation_opens_on_a_tap(phone_page):
    name, page = phone_page
    if name not in CHAPTERS:
        return  # the chapter pages stand for the navigation of every page
    button = _visible(page, ".primary-toggle")
    assert button.count() == 1, f"{name}: {button.count()} visible ☰ buttons at 390 px"
    button.tap()
    dialog = page.locator("#pst-primary-sidebar-modal")
    page.wait_for_timeout(300)
    assert dialog.evaluate("d => d.open"), f"{name}: tapping ☰ did not open the chapter list"
    for nb in chapter_notebooks():
        link = dialog.locator(f"a[href$='{nb.stem}.html']").filter(visible=True)
        assert link.count() >= 1 or name.endswith(f"{nb.stem}.html"), (
            f"{name}: the chapter list does not show a link to {nb.stem}"
        )
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert not dialog.evaluate("d => d.open"), f"{name}: Escape did not close the chapter list"

    contents = _visible(page, ".secondary-toggle")
    assert contents.count() == 1, f"{name}: {contents.count()} visible Contents buttons at 390 px"
    contents.tap()
    page.wait_for_timeout(300)
    toc = page.locator("#pst-secondary-sidebar-modal")
    assert toc.evaluate("d => d.open"), f"{name}: tapping Contents did not open the page's sections"
    assert toc.locator("nav a").filter(visible=True).count() >= 2, f"{name}: the page's sections are not listed"
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert not page.errors, f"{name}: " + "\n".join(page.errors)


def test_inline_formulas_stay_within_reach(phone_page):
    name, page = phone_page
    bad = page.evaluate(OUT_OF_REACH, 'mjx-container:not([display="true"])')
    assert not bad, f"{name}: inline formulas past the column at 390 px:\n" + "\n".join(bad[:10])


def test_display_formulas_stay_within_reach(phone_page):
    name, page = phone_page
    bad = page.evaluate(OUT_OF_REACH, 'mjx-container[display="true"]')
    assert not bad, f"{name}: display formulas past the column at 390 px:\n" + "\n".join(bad[:10])


SCROLLING_BOX = {"table": ".pst-scrollable-table-container", "code": "div.highlight pre"}


@pytest.mark.parametrize("what", ['mjx-container[display="true"]', 'mjx-container:not([display="true"])', "table", "code"])
def test_what_scrolls_says_so(phone_page, what):
    """A formula, table or line of code wider than the column scrolls sideways with a visible
    "scroll →" marker (a fade alone read as cut off)."""
    name, page = phone_page
    selector = SCROLLING_BOX.get(what, what)
    bad = page.evaluate(SCROLLS_UNMARKED, selector)
    assert not bad, f"{name}: {what} scrolling at 390 px without a marker:\n" + "\n".join(bad[:10])
    page.set_viewport_size({"width": 1280, "height": 900})  # the marker goes when nothing scrolls
    stale = """() => Array.from(document.querySelectorAll('.book-scroll-cue'))
        .filter(c => c.checkVisibility())
        .map(c => c.parentElement.firstElementChild)
        .filter(b => b.scrollWidth - b.clientWidth <= 1)
        .map(b => b.textContent.slice(0, 60))"""
    try:
        # the theme's sidebars slide in first, then the page measures again
        try:
            page.wait_for_function(f"() => ({stale})().length === 0", timeout=10_000)
        except PlaywrightTimeout:
            pass
        marks = page.evaluate(stale)
        assert not marks, f"{name}: a 'scroll →' marker beside a box that does not scroll at 1280 px: {marks}"
    finally:
        page.set_viewport_size(PHONE["viewport"])
        page.wait_for_timeout(400)


def test_formulas_stay_legible(phone_page):
    name, page = phone_page
    small = page.evaluate(TOO_SMALL, MIN_MATH_SIZE)
    assert not small, f"{name}: formulas shrunk below legibility at 390 px:\n" + "\n".join(small[:10])


def test_figures_and_animations_fit(phone_page):
    name, page = phone_page
    page.evaluate(
        """async () => {
            document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
            await Promise.all(Array.from(document.images).map(img => img.complete ? null :
                new Promise(r => { img.onload = img.onerror = r; })));
            await new Promise(r => setTimeout(r, 300));
        }"""
    )
    figures = page.evaluate(OUT_OF_REACH, ".cell_output img:not(figure.emlib-animation img)")
    assert not figures, f"{name}: figures past the column at 390 px:\n" + "\n".join(figures[:10])
    # Whole: no part of a figure hides in a box that scrolls (a caption may describe any panel).
    hidden = page.evaluate(
        """() => Array.from(document.querySelectorAll('article .cell_output img:not(figure.emlib-animation img)'))
            .filter(img => { const r = img.getBoundingClientRect();
                for (let box = img.parentElement; box && box.tagName !== 'ARTICLE'; box = box.parentElement) {
                    const q = box.getBoundingClientRect();
                    if (getComputedStyle(box).overflowX !== 'visible' && (r.left < q.left - 1 || r.right > q.right + 1)) return true;
                }
                return false; })
            .map(img => (img.alt || img.src).slice(0, 70))"""
    )
    assert not hidden, f"{name}: figures partly hidden in a sideways-scrolling box at 390 px:\n" + "\n".join(hidden[:10])
    # A tap opens a figure at full size (its labels are small in a phone's column).
    unlinked = page.evaluate(
        """() => Array.from(document.querySelectorAll('article .cell_output img:not(figure.emlib-animation img)'))
            .filter(img => { const a = img.closest('a'); return !a || a.href !== img.src; })
            .map(img => (img.alt || img.src).slice(0, 70))"""
    )
    assert not unlinked, f"{name}: figures a tap does not open at full size:\n" + "\n".join(unlinked[:10])
    # An animation's controls must be usable without scrolling sideways: it fits the column.
    wide = page.evaluate(
        """() => {
            """ + CONTENT_BOX + """
            const column = contentBox(document.querySelector('article.bd-article'));
            return Array.from(document.querySelectorAll('article figure.emlib-animation')).map(a => {
                const widest = Math.max(a.scrollWidth, ...Array.from(a.querySelectorAll('*'))
                    .map(e => e.getBoundingClientRect().right - column.left));
                return widest > column.width + 1 ? `${Math.round(widest)} px in a ${Math.round(column.width)} px column` : null;
            }).filter(Boolean);
        }"""
    )
    assert not wide, f"{name}: animations wider than the column at 390 px: {wide}"



@pytest.mark.parametrize("width", [970, 1280])
def test_menu_button_hides_the_chapter_list_beside_the_page(site, http_root, browser, width):
    """Where the chapter list stands beside the page, ☰ hides it and shows it again."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(urljoin(http_root, CHAPTERS[0]), wait_until="load", timeout=LOAD_TIMEOUT_MS)
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible(), f"at {width} px the chapter list does not stand beside the page"
        button = _visible(page, ".primary-toggle")
        assert button.count() == 1, f"{button.count()} visible ☰ buttons at {width} px"
        button.click()
        page.wait_for_timeout(400)
        assert not sidebar.is_visible(), f"at {width} px ☰ did not hide the chapter list"
        assert not page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open"), (
            f"at {width} px ☰ opened the chapter list as a dialog over the page"
        )
        button.click()
        page.wait_for_timeout(400)
        assert sidebar.is_visible(), f"at {width} px a second ☰ did not show the chapter list again"
    finally:
        context.close()
