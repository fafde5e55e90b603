"""The chapters as a phone shows them: 390 x 844 CSS pixels, touch, mobile viewport.

On every chapter page (over http): tapping the visible navigation button shows the chapter
list, and the "Contents" button the page's sections; no inline formula runs past the column
out of reach (it fits, or sits in a box that scrolls sideways within the column); no
animation is wider than the column, and no figure either unless its own box scrolls.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from test_site import LOAD_TIMEOUT_MS, chapter_notebooks

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHAPTERS = [f"chapters/{nb.stem}.html" for nb in chapter_notebooks()] or ["<no chapters>"]

# The column: the article's box without its padding.
CONTENT_BOX = """function contentBox(el) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    const left = r.left + parseFloat(s.paddingLeft), right = r.right - parseFloat(s.paddingRight);
    return {left: left, right: right, width: right - left};
}"""

# Whether an element is out of the column's reach: its right (or left) edge is outside the
# article's content box, and no box between it and the article scrolls sideways to show it.
OUT_OF_REACH = """(selector) => {
    """ + CONTENT_BOX + """
    const article = document.querySelector('article.bd-article');
    const column = contentBox(article);
    const inside = r => r.left >= column.left - 1 && r.right <= column.right + 1;
    const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const bad = [];
    article.querySelectorAll(selector).forEach(el => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || inside(r)) return;
        for (let box = el; box && box !== article; box = box.parentElement) {
            if (scrolls(box) && inside(box.getBoundingClientRect())) return;
        }
        const what = el.getAttribute('alt') || el.textContent || el.outerHTML;
        bad.push(`${Math.round(r.left)}..${Math.round(r.right)} px (column ${Math.round(column.left)}..${Math.round(column.right)}): ${what.slice(0, 70)}`);
    });
    return bad;
}"""


@pytest.fixture(scope="module", params=CHAPTERS)
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
