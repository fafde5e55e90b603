"""How heavy and how fast are "Run live" and "Open in JupyterLite"? On the built site (bash scripts/build.sh), in chromium:

    python -m benchmarks.bench_live [--page chapters/04_em_gmm.html] [--clicks 20]
    python -m benchmarks.bench_live --lite [--clicks 20]

With --lite: a cold visit opens chapter 4's notebook in JupyterLite (the address of its page's link),
runs the cells up to its first stepper as a reader would (Shift+Enter on each), waits for the live
EMStepper, then presses "next ▶" and "◀ previous" in turn; it prints the same three numbers (no
targets are set for JupyterLite).

A cold visit (a fresh browser profile) opens the page, presses the first "Run live" and waits for
the first live frame; then presses "Next" and "Previous" in turn, each time until the new frame is
shown. Prints the bytes fetched up to the first live frame (as served, and as gzip would send
them), the seconds to the first frame (from the press, and from opening the page) and the median
seconds per click, against the targets: at most 35 MB gzipped, 15 s, 0.3 s.
"""

import argparse
import functools
import gzip
import http.server
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TARGETS = {"MB gzipped": 35, "s to first frame": 15, "s per click": 0.3}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def served_file(url, root):
    if not url.startswith(root):
        return None
    path = SITE / unquote(urlsplit(url).path).lstrip("/")
    return path / "index.html" if path.is_dir() else path


LITE_PAGE = "lite/notebooks/index.html?path=04_em_gmm.ipynb"
LITE_BUTTONS = ["next ▶", "◀ previous"]
LIVE_BUTTONS = ["Next", "Previous"]
LITE_CELLS = ["from emlib.widgets import show_em", "gmm1 = emlib.GaussianMixture(", "show_em(gmm1, X1"]


def size(urls, root):
    """The files served for ``urls`` (each once): how many, their bytes as served, and gzipped."""
    files = [served_file(url, root) for url in dict.fromkeys(urls)]
    files = [f for f in files if f is not None and f.is_file()]
    return len(files), sum(f.stat().st_size for f in files), sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)


def click_times(stepper, watched, names, clicks, settle=None):
    """Seconds from each click until the text of ``watched`` changes (then ``settle()``, if given):
    the buttons ``names`` of ``stepper`` pressed in turn, ``clicks`` times."""
    seconds = []
    for i in range(clicks):
        before = watched.inner_text()
        start = time.perf_counter()
        stepper.get_by_role("button", name=names[i % len(names)], exact=True).click()
        watched.page.wait_for_function("([el, old]) => el.innerText !== old", arg=[watched.element_handle(), before],
                                       timeout=60_000)
        if settle:
            settle()
        seconds.append(time.perf_counter() - start)
    return seconds


def print_clicks(seconds, names):
    print(f"median seconds per click ({len(seconds)} clicks of {'/'.join(names)}): {statistics.median(seconds):.3f} s "
          f"(fastest {min(seconds):.3f}, slowest {max(seconds):.3f})")


def lite(args):
    """Chapter 4 in JupyterLite, cold: bytes and seconds to the live stepper, seconds per click."""
    from playwright.sync_api import sync_playwright

    if not (SITE / "lite" / "notebooks" / "index.html").is_file():
        raise SystemExit(f"bench_live: {SITE / 'lite'} is missing; run bash scripts/build.sh first")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    fetched = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((root, "data:", "blob:"))
                      else r.abort("blockedbyclient"))
        context.on("requestfinished", lambda req: fetched.append(req.url))  # the kernel's worker's too
        page = context.new_page()
        opened = time.perf_counter()
        page.goto(root + LITE_PAGE, wait_until="load")
        cells = page.locator(".jp-Notebook .jp-CodeCell")
        cells.first.wait_for(timeout=600_000)
        shown = time.perf_counter()
        marks = []
        for text in LITE_CELLS:
            cell = cells.filter(has_text=text).first
            cell.scroll_into_view_if_needed()
            cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            page.wait_for_function(r"cell => /\[\d+\]/.test(cell.querySelector('.jp-InputPrompt').textContent)",
                                   arg=cell.element_handle(), timeout=600_000)
            marks.append((time.perf_counter(), text))
        stepper = cell
        stepper.locator(".jupyter-widgets img").first.wait_for(timeout=600_000)
        first_frame = time.perf_counter()
        n_files, raw, zipped = size(fetched, root)

        seconds = click_times(stepper, stepper.locator(".jp-OutputArea"), LITE_BUTTONS, args.clicks)
        browser.close()
    server.shutdown()
    print(f"JupyterLite, chapter 4: {n_files} files fetched up to the first live frame")
    print(f"bytes to the first live frame: {raw / 1e6:.1f} MB as served, {zipped / 1e6:.1f} MB gzipped")
    print(f"seconds to the first live frame: {first_frame - opened:.1f} s from opening the notebook "
          f"(notebook shown after {shown - opened:.1f} s)")
    last = shown
    for at, text in marks:
        print(f"  {at - opened:5.1f} s  +{at - last:5.1f} s  ran the cell `{text}…`")
        last = at
    print_clicks(seconds, LITE_BUTTONS)


def main():
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="chapters/04_em_gmm.html")
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--lite", action="store_true", help="chapter 4 in JupyterLite instead of Run live")
    args = parser.parse_args()
    if args.lite:
        return lite(args)
    if not (SITE / args.page).is_file():
        raise SystemExit(f"bench_live: {SITE / args.page} is missing; run bash scripts/build.sh first")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    fetched = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        context = browser.new_context()
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((root, "data:", "blob:"))
                      else r.abort("blockedbyclient"))
        page = context.new_page()
        page.on("requestfinished", lambda req: fetched.append(req.url))
        opened = time.perf_counter()
        page.goto(root + args.page, wait_until="load")
        page.wait_for_load_state("networkidle")
        # the progress line's messages, timed in the page
        page.evaluate("""() => { window.phases = []; new MutationObserver(() => {
            const line = document.querySelector('.emlib-live-progress');
            if (line && line.textContent) window.phases.push([performance.now(), line.textContent]);
        }).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
        pressed = time.perf_counter()
        page.get_by_role("button", name="Run live").first.click()
        clicked = page.evaluate("performance.now()")
        stepper = page.locator(".emlib-live").first
        stepper.wait_for(state="visible", timeout=600_000)
        first_frame = time.perf_counter()
        phases = page.evaluate("window.phases")
        shown = page.evaluate("performance.now()")
        n_files, raw, zipped = size(fetched, root)

        # a click is done when the status line changed and the new frame is decoded
        seconds = click_times(stepper, stepper.locator(".emlib-live-status"), LIVE_BUTTONS, args.clicks,
                              settle=lambda: page.evaluate("img => img.decode()", stepper.locator("img").element_handle()))
        browser.close()
    server.shutdown()

    results = {"MB gzipped": zipped / 1e6, "s to first frame": first_frame - pressed,
               "s per click": statistics.median(seconds)}
    print(f"page: {args.page}; {n_files} files fetched up to the first live frame")
    print(f"bytes to the first live frame: {raw / 1e6:.1f} MB as served, {zipped / 1e6:.1f} MB gzipped")
    print(f"seconds to the first live frame: {first_frame - pressed:.1f} s from the press "
          f"({first_frame - opened:.1f} s from opening the page)")
    marks = [(at, text) for i, (at, text) in enumerate(phases) if i == 0 or text != phases[i - 1][1]]
    for (at, text), end in zip(marks, [at for at, _ in marks[1:]] + [shown]):
        print(f"  {(at - clicked) / 1000:5.1f} s  +{(end - at) / 1000:4.1f} s  {text}")
    print_clicks(seconds, LIVE_BUTTONS)
    for name, target in TARGETS.items():
        print(f"  {name}: {results[name]:.3g} (target ≤ {target}: {'met' if results[name] <= target else 'NOT met'})")


if __name__ == "__main__":
    main()
