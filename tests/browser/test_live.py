""""Run live" on chapter 4: Python (Pyodide) starts in the page, served by the site itself, and the
reader steps EM and refits. One page load: it costs 20-60 s on a small machine."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

PAGE = "chapters/04_em_gmm.html"
START_MS = 240_000  # Python, numpy, scipy, matplotlib and emlib, compiled and imported
STEP_MS = 30_000


@pytest.fixture(scope="module")
def live_page(site, http_root, browser):
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
    page.goto(urljoin(http_root, PAGE), wait_until="load")
    page.wait_for_load_state("networkidle")
    yield page, log
    context.close()


def text(page, selector):
    return page.locator(selector).first.inner_text()


def test_run_live_steps_em_and_refits(live_page):
    page, log = live_page
    buttons = page.get_by_role("button", name="Run live")
    assert buttons.count() == page.locator("figure.emlib-animation").count() == 2
    assert not [url for url in log["requests"] if "/pyodide/" in url or "live-worker" in url], \
        "Python was loaded before the reader asked"

    buttons.first.click()
    stepper = page.locator(".emlib-live").first
    stepper.wait_for(state="visible", timeout=START_MS)
    assert not page.locator("figure.emlib-animation").first.is_visible()  # the live stepper took its place
    assert any(url.endswith(".wasm") for url in log["requests"])

    def state():
        return (stepper.locator("img").get_attribute("src"), text(stepper, ".emlib-live-status"),
                text(stepper, ".emlib-live-value"))

    def press(name):
        before = state()
        stepper.get_by_role("button", name=name, exact=True).click()
        page.wait_for_function("([box, old]) => box.querySelector('.emlib-live-status').textContent !== old",
                               arg=[stepper.element_handle(), before[1]], timeout=STEP_MS)
        return before, state()

    src0, status0, value0 = state()
    assert status0.startswith("Half-step 0 of ") and value0.startswith("log-likelihood: ")
    assert stepper.get_by_role("button", name="M-step").is_disabled()  # θ₀: an E-step comes first
    (_, (src1, status1, value1)) = press("E-step")
    assert status1.startswith("Half-step 1 of ") and "after the E-step" in status1
    assert src1 != src0  # the responsibilities are drawn anew
    assert value1 == value0  # an E-step leaves θ, and with it log p(X | θ), as it was
    (_, (src2, status2, value2)) = press("M-step")
    assert status2.startswith("Half-step 2 of ") and "after the M-step" in status2
    assert src2 != src1
    assert float(value2.split(": ")[1]) > float(value1.split(": ")[1])  # EM raised the log-likelihood
    assert stepper.locator("input[type=range]").input_value() == "2"

    stepper.get_by_label("K").fill("2")
    stepper.get_by_role("button", name="Refit").click()
    page.wait_for_function("box => box.querySelector('.emlib-live-message').textContent.includes('with 2 components')",
                           arg=stepper.element_handle(), timeout=STEP_MS)
    assert text(stepper, ".emlib-live-status").startswith("Half-step 0 of ")

    for name in ("Previous", "Next", "E-step", "M-step", "Reset"):
        assert stepper.get_by_role("button", name=name, exact=True).count() == 1
    for label in ("covariance type", "initialisation", "seed"):
        assert stepper.get_by_label(label).count() == 1
    assert not log["external"], log["external"]
    assert not log["errors"], log["errors"]


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
