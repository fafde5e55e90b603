""""Run live" on chapter 4 (EM) and chapter 7 (the ε sweep): Python (Pyodide) starts in the page, served
by the site itself, and the reader steps and refits. Each costs 20-60 s on a small machine."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

PAGE = "chapters/04_em_gmm.html"
ANNEALING_PAGE = "chapters/07_kmeans_hard_em.html"
START_MS = 240_000  # Python, numpy, matplotlib and emlib, compiled and imported
STEP_MS = 30_000


def open_page(browser, http_root, path):
    """The page at ``path`` in a new context that lets no request leave 127.0.0.1, and its log."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log = {"external": [], "requests": [], "errors": []}

    def route(route_):
        url = route_.request.url
        if url.startswith((http_root, "data:", "blob:")):
            route_.continue_()
        else:
            log["external"].append(url)
            route_.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("request", lambda req: log["requests"].append(req.url))
    page.on("console", lambda msg: msg.type == "error" and log["errors"].append(msg.text))
    page.on("pageerror", lambda exc: log["errors"].append(f"uncaught: {exc}"))
    page.goto(urljoin(http_root, path), wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, log


@pytest.fixture(scope="module")
def live_page(site, http_root, browser):
    context, page, log = open_page(browser, http_root, PAGE)
    yield page, log
    context.close()


def text(page, selector):
    return page.locator(selector).first.inner_text()


def picture(stepper):
    """The live picture's pixels, as a PNG data URL (each frame has a new blob: address, so the
    address alone would say nothing)."""
    return stepper.locator("img").evaluate("""img => { const c = document.createElement("canvas");
        c.width = img.naturalWidth; c.height = img.naturalHeight; c.getContext("2d").drawImage(img, 0, 0);
        return c.toDataURL(); }""")


def run_live(page, log):
    """Press the first "Run live" (nothing of Python loaded before) and wait for the live stepper."""
    assert not [url for url in log["requests"] if "/pyodide/" in url or "live-worker" in url], \
        "Python was loaded before the reader asked"
    page.get_by_role("button", name="Run live").first.click()
    stepper = page.locator(".emlib-live").first
    stepper.wait_for(state="visible", timeout=START_MS)
    assert not page.locator("figure.emlib-animation").first.is_visible()  # the live stepper took its place
    assert any(url.endswith(".wasm") for url in log["requests"])
    return stepper


def changed(page, stepper, old_status):
    page.wait_for_function("([box, old]) => box.querySelector('.emlib-live-status').textContent !== old",
                           arg=[stepper.element_handle(), old_status], timeout=STEP_MS)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=stepper.locator("img").element_handle(),
                           timeout=STEP_MS)


def test_run_live_steps_em_and_refits(live_page):
    page, log = live_page
    buttons = page.get_by_role("button", name="Run live")
    assert buttons.count() == page.locator("figure.emlib-animation").count() == 2
    stepper = run_live(page, log)

    def state():
        return picture(stepper), text(stepper, ".emlib-live-status"), text(stepper, ".emlib-live-value")

    def press(name):
        before = state()
        stepper.get_by_role("button", name=name, exact=True).click()
        changed(page, stepper, before[1])
        return before, state()

    picture0, status0, value0 = state()
    assert status0.startswith("Half-step 0 of ") and value0.startswith("log-likelihood: ")
    assert stepper.get_by_role("button", name="M-step").is_disabled()  # θ₀: an E-step comes first
    (_, (picture1, status1, value1)) = press("E-step")
    assert status1.startswith("Half-step 1 of ") and "after the E-step" in status1
    assert picture1 != picture0  # the responsibilities are drawn anew
    assert value1 == value0  # an E-step leaves θ, and with it log p(X | θ), as it was
    (_, (picture2, status2, value2)) = press("M-step")
    assert status2.startswith("Half-step 2 of ") and "after the M-step" in status2
    assert picture2 != picture1
    assert float(value2.split(": ")[1]) > float(value1.split(": ")[1])  # EM raised the log-likelihood
    assert stepper.locator("input[type=range]").input_value() == "2"

    stepper.get_by_label("K").fill("2")
    stepper.get_by_role("button", name="Refit").click()
    page.wait_for_function("box => box.querySelector('.emlib-live-message').textContent.includes('with 2 components')",
                           arg=stepper.element_handle(), timeout=STEP_MS)
    assert text(stepper, ".emlib-live-status").startswith("Half-step 0 of ")

    for name in ("Previous", "Next", "E-step", "M-step", "Reset"):
        assert stepper.get_by_role("button", name=name, exact=True).count() == 1
    for label in ("K", "covariance type", "initialisation", "seed"):
        assert stepper.get_by_label(label).count() == 1
        # a gap between each label's word and its control
        gap = stepper.get_by_label(label).evaluate(
            "el => el.getBoundingClientRect().left - el.labels[0].getBoundingClientRect().right")
        assert gap >= 3, f"{label!r} touches its control ({gap:.1f} px)"
    assert not log["external"], log["external"]
    assert not log["errors"], log["errors"]


def test_run_live_sweeps_epsilon_and_refits_the_centres(site, http_root, browser):
    context, page, log = open_page(browser, http_root, ANNEALING_PAGE)
    assert page.get_by_role("button", name="Run live").count() == page.locator("figure.emlib-animation").count() == 1
    stepper = run_live(page, log)

    def state():
        value = text(stepper, ".emlib-live-value")
        assert value.startswith("mean largest responsibility: ")
        return picture(stepper), text(stepper, ".emlib-live-status"), float(value.split(": ")[1])

    picture0, status0, certainty0 = state()
    slider = stepper.get_by_role("slider", name="ε step")
    last = int(slider.get_attribute("max"))
    assert status0.startswith("ε = ") and f"(step 0 of {last}," in status0 and last >= 2
    assert stepper.get_by_role("button", name="Previous").is_disabled()
    assert stepper.get_by_role("button", name="E-step").count() == stepper.get_by_role("button", name="M-step").count() == 0

    stepper.get_by_role("button", name="Next", exact=True).click()
    changed(page, stepper, status0)
    picture1, status1, certainty1 = state()
    assert f"(step 1 of {last}," in status1 and picture1 != picture0
    assert slider.input_value() == "1"
    slider.fill(str(last))  # the slider to the smallest ε
    changed(page, stepper, status1)
    picture_last, status_last, certainty_last = state()
    assert f"(step {last} of {last}," in status_last and picture_last != picture1
    # a smaller ε makes every point's largest responsibility larger
    assert certainty0 < certainty1 < certainty_last <= 1
    assert stepper.get_by_role("button", name="Next", exact=True).is_disabled()

    assert stepper.get_by_label("K").input_value() == "3"
    stepper.get_by_label("K").fill("2")
    stepper.get_by_role("button", name="Refit").click()
    page.wait_for_function("box => box.querySelector('.emlib-live-message').textContent.startsWith('2 centres')",
                           arg=stepper.element_handle(), timeout=STEP_MS)
    changed(page, stepper, status_last)
    picture2, status2, _ = state()
    assert f"(step 0 of {last}," in status2  # the sweep starts again, over the same ε values
    assert picture2 != picture0  # two centres' colours, not three
    assert stepper.get_by_label("seed").count() == 1
    assert stepper.get_by_label("initialisation").count() == stepper.get_by_label("covariance type").count() == 0
    assert not log["external"], log["external"]
    assert not log["errors"], log["errors"]
    context.close()


@pytest.mark.parametrize("broken", ["no WebAssembly", "no Python files"])
def test_a_browser_that_cannot_run_python_says_so_and_keeps_the_animation(site, http_root, browser, broken):
    context = browser.new_context()
    if broken == "no WebAssembly":
        context.add_init_script("delete window.WebAssembly")
    context.route("**/*", lambda route: route.fulfill(status=404, body="")
                  if "/pyodide/" in route.request.url or not route.request.url.startswith(http_root)
                  else route.continue_())
    page = context.new_page()
    page.goto(urljoin(http_root, PAGE), wait_until="load")
    page.get_by_role("button", name="Run live").first.click()
    line = page.locator(".emlib-live-progress").first
    page.wait_for_function("el => /cannot run Python|could not/.test(el.textContent)", arg=line.element_handle(),
                           timeout=STEP_MS)
    assert "The animation above still works." in line.inner_text()
    assert page.locator("figure.emlib-animation").first.is_visible()
    context.close()
