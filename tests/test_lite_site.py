"""scripts/lite_site.py: "Open in JupyterLite" only with Pyodide's files; in the built site, every chapter
page links a notebook that JupyterLite holds, without outputs, whose kernel runs on the site's pyodide/."""

import importlib.util
import json
import logging
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
spec = importlib.util.spec_from_file_location("lite_site", ROOT / "scripts" / "lite_site.py")
lite_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lite_site)


def test_without_pyodide_no_page_gets_the_link(caplog):
    config = SimpleNamespace(live_pyodide=False)
    with caplog.at_level(logging.INFO):
        lite_site.configure(None, config)
    assert config.lite_notebooks is False
    assert [r.getMessage() for r in caplog.records if "Open in JupyterLite" in r.getMessage()]
    app = SimpleNamespace(builder=SimpleNamespace(name="html"), config=config)
    context = {"body": "<h1>A chapter</h1><p>text</p>"}
    lite_site.page_link(app, "chapters/04_em_gmm", "page.html", context, None)
    assert context["body"] == "<h1>A chapter</h1><p>text</p>"


def test_notebooks_lose_their_outputs_and_widget_state():
    nb = {"metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "id": "b", "metadata": {"tags": ["checker"]}, "source": "f()", "execution_count": 3,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}]}]}
    out = lite_site.without_outputs(nb)
    assert out["cells"][1]["outputs"] == [] and out["cells"][1]["execution_count"] is None
    assert out["cells"][1]["metadata"] == {"tags": ["checker"]} and out["cells"][0] == nb["cells"][0]
    assert out["metadata"] == {"kernelspec": {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}}


@pytest.fixture(scope="module")
def site():
    if not (SITE / "lite" / "jupyter-lite.json").is_file():
        pytest.fail("the site has no lite/: run `bash scripts/build.sh` (it needs Pyodide's files)", pytrace=False)
    return SITE


def test_every_chapter_page_links_its_notebook_in_jupyterlite(site):
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in chapters:
        page = (site / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]*)"[^>]*>Open in JupyterLite<', page)
        assert len(links) == 1, path.name
        url = urlsplit(links[0])
        assert (site / "chapters" / url.path).resolve() == (site / "lite" / "notebooks" / "index.html").resolve()
        assert url.query == f"path={path.name}"
        served = json.loads((site / "lite" / "files" / path.name).read_text(encoding="utf-8"))
        source = json.loads(path.read_text(encoding="utf-8"))
        assert [c["source"] for c in served["cells"]] == [c["source"] for c in source["cells"]]
        assert not any(c.get("outputs") for c in served["cells"])


def test_the_kernel_runs_on_the_sites_pyodide_and_never_on_pypi(site):
    config = json.loads((site / "lite" / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    # resolved from an app's page, lite/<app>/index.html
    assert (site / "lite" / "notebooks" / kernel["pyodideUrl"]).resolve() == (site / "pyodide" / "pyodide.js").resolve()
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    for name in ("emlib", "ipywidgets", "comm", "scikit-learn", *kernel["loadPyodideOptions"]["packages"]):
        assert (site / "pyodide" / lock[name]["file_name"]).is_file(), name
    names = {e["name"] for e in config["federated_extensions"]}
    assert names == {"@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension", "jupyterlab-myst"}
    assert not list((site / "lite").rglob("*.map"))  # no source maps
