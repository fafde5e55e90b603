"""The book in class: JupyterLab and Notebook 7 in Debian's chromium, as an instructor uses them.

A JupyterLab server runs on 127.0.0.1 (a free port, no token) over a copy of the chapters, with
emlib from this repository and the pre-save hook :func:`emlib.widgets.pictures_on_save`. The tests
check that MyST renders (jupyterlab-myst), that the live stepper steps when clicked, and that a
saved notebook reopened without its kernel shows a picture, not a broken widget reference.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    shutil.copytree(ROOT / "chapters", root / "chapters")
    demo = nbformat.v4.new_notebook()
    demo.cells = [
        nbformat.v4.new_code_cell("import emlib\nfrom emlib import datasets\nfrom emlib.widgets import show_em\n"
                                  "X, _ = datasets.load_faithful()\n"
                                  "model = emlib.GaussianMixture(2, random_state=0).fit(X)"),
        nbformat.v4.new_code_cell("show_em(model, X)"),
    ]
    demo.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(demo, root / "stepper.ipynb")
    # Every cell in the page, not only those in view, so a test reads the whole notebook.
    settings = root / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), JUPYTER_CONFIG_DIR=str(root / ".jupyter"))
    process = subprocess.Popen(
        [str(BIN / "jupyter-lab"), "--no-browser", "--allow-root", "--ip", "127.0.0.1", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         # the pre-save hook and the LabApp settings come from the environment (scripts/build.sh)
         f"--ServerApp.root_dir={root}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.terminate()
        pytest.fail("JupyterLab did not start within a minute", pytrace=False)
    yield base, root
    process.terminate()
    process.wait(timeout=30)


def _shut_down_kernels(base):
    for session in json.load(urllib.request.urlopen(base + "/api/sessions")):
        urllib.request.urlopen(urllib.request.Request(base + "/api/sessions/" + session["id"], method="DELETE"))


def _open(browser, url, **context):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, **context)
    if "/lab/" in url:
        url += "?reset"  # a fresh workspace: JupyterLab would otherwise reopen the previous test's tabs
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_timeout(3000)  # the MyST renderer typesets after the cells appear
    return page


def test_jupyterlab_lists_the_myst_renderer():
    result = subprocess.run([str(BIN / "jupyter"), "labextension", "list"], capture_output=True, text=True)
    out = result.stdout + result.stderr
    line = next((row for row in out.splitlines() if "jupyterlab-myst" in row), "")
    assert "enabled" in line, f"jupyterlab-myst is not an enabled JupyterLab extension:\n{out}"


def test_jupyterlab_fetches_no_news(lab):
    """A class works offline: the environment's settings (scripts/build.sh) turn the news off."""
    base, _ = lab
    html = urllib.request.urlopen(base + "/lab").read().decode()
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  html, re.S).group(1))
    assert config.get("news") == {"disabled": True}, config.get("news")


@pytest.mark.parametrize("app", ["lab/tree", "notebooks"], ids=["JupyterLab", "Notebook 7"])
def test_myst_renders_theorems_and_exercises(lab, browser, app):
    base, _ = lab
    page = _open(browser, f"{base}/{app}/chapters/05_why_em_works.ipynb")
    try:
        # every markdown cell rendered by MyST, then a moment for the notebook-wide references
        page.wait_for_function("() => [...document.querySelectorAll('.jp-MarkdownCell')]"
                               ".every(cell => cell.querySelector('.myst'))", timeout=60_000)
        page.wait_for_timeout(2000)
        text = page.locator(".jp-MarkdownCell").all_inner_texts()
        joined = "\n".join(text)
        assert "Definition 1" in joined and "Concave function" in joined  # {prf:definition} rendered
        assert "```{" not in joined and ":label:" not in joined and "{prf:ref}" not in joined
        assert page.locator(".jp-MarkdownCell mjx-container, .jp-MarkdownCell .katex").count() > 20  # math
        # References to other chapters and citations read as words, none as a raw label behind a warning
        assert "Theorem (The mixture likelihood is unbounded)" in joined and "Dempster et al. (1977)" in joined
        unresolved = page.locator('.jp-MarkdownCell [title="Cross Reference Not Found"], '
                                  '.jp-MarkdownCell [title="Citation Not Found"]')
        assert unresolved.count() == 0, unresolved.all_inner_texts()
    finally:
        page.close()
    _shut_down_kernels(base)


def test_live_stepper_steps_and_a_saved_notebook_reopens_with_a_picture(lab, browser):
    base, root = lab
    page = _open(browser, f"{base}/lab/tree/stepper.ipynb")
    try:
        page.get_by_role("menuitem", name="Run").first.click()
        page.get_by_text("Run All Cells", exact=True).first.click()
        stepper = page.locator(".jp-OutputArea-output .widget-vbox").first
        stepper.wait_for(timeout=60_000)
        image = stepper.locator("img").first
        page.wait_for_function("el => el.naturalWidth > 0", arg=image.element_handle(), timeout=30_000)
        assert stepper.locator(".widget-label").filter(has_text="half-step").count()
        first = image.get_attribute("src")
        stepper.get_by_role("button", name="E-step ▶").click()
        page.wait_for_function("([el, src]) => el.src !== src", arg=[image.element_handle(), first], timeout=10_000)
        expect(stepper).to_contain_text("E-step: each point's responsibilities")
        expect(stepper.get_by_role("button", name="E-step ▶")).to_be_disabled()  # the M-step comes next
        stepper.get_by_role("button", name="M-step ▶").click()
        expect(stepper).to_contain_text("KL gap opens")
        page.keyboard.press("Control+s")
        page.wait_for_timeout(2000)
    finally:
        page.close()
    saved = nbformat.read(root / "stepper.ipynb", as_version=4)
    data = saved.cells[1].outputs[0]["data"]
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" not in data
    assert "widgets" not in saved.metadata  # no widget state kept
    assert (root / "stepper.ipynb").stat().st_size < 200_000
    _shut_down_kernels(base)
    page = _open(browser, f"{base}/lab/tree/stepper.ipynb")
    try:
        assert page.get_by_text("model not found").count() == 0
        assert page.locator(".jp-OutputArea-output img").count() >= 1
    finally:
        page.close()
    _shut_down_kernels(base)
