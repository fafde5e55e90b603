"""Sphinx extension: "Open in JupyterLite" on every chapter page, a live notebook served by the site itself.

When the pages get "Run live" (``scripts/live_site.py`` found Pyodide's files, which it sets up this
extension for), the HTML build ends with ``jupyter lite build`` into ``lite/`` next to ``index.html``:
JupyterLite 0.5 (JupyterLab and Notebook 7 in the browser) whose Python kernel
(jupyterlite-pyodide-kernel 0.5.2) runs on the site's own ``pyodide/`` folder, the files of
``scripts/fetch_pyodide.py`` and nothing else (no fall-back to PyPI; the lock there lists the kernel's
packages, scikit-learn, ipywidgets and emlib, each loaded when a cell first imports it). Its notebooks
are the book's own chapter notebooks without their outputs: the book's chapters for the book, and for
the student website (``scripts/student.sh`` builds it with this same extension) the student notebooks,
with their stubs and checkers and without solutions. Each chapter page gets a link that opens its
notebook there.

The front-end extensions are wheels downloaded from PyPI into ``_build/lite-extensions/``, never installed:
the Pyodide kernel (installed, it would be loaded by this environment's JupyterLab too, which fails on it),
and the widget manager (``jupyterlab_widgets``) and MyST (``jupyterlab-myst``, which renders the theorems,
exercises and formulas) in the releases built for JupyterLab 4.3, of which JupyterLite 0.5 is made (the
releases installed for JupyterLab 4.6 do not load in it). No source maps.
Emlib's steppers know a live front end by ``JPY_SESSION_NAME`` (``emlib.widgets``), which a Jupyter
server sets for its kernels; the kernel here gets it too, so ``show_em`` shows the live ``EMStepper``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
NAME = "lite_site"
LITE = "lite"  # the folder of the built site that holds JupyterLite
APP = "notebooks/index.html"  # Notebook 7's one-document view: the chapter and nothing else
# Front-end extensions for JupyterLite 0.5 (JupyterLab 4.3): its Python kernel, which runs Pyodide 0.27,
# the widget manager and MyST
EXTENSIONS = ["jupyterlite-pyodide-kernel==0.5.2", "jupyterlab_widgets==3.0.13", "jupyterlab-myst==2.4.2"]
KERNEL = "@jupyterlite/pyodide-kernel-extension"
# what the kernel loads at its start, at once (it would install them one by one otherwise)
PRELOAD = ["micropip", "ssl", "sqlite3", "ipython", "comm"]
LINK_TEXT = "Open in JupyterLite"


def configure(app: Sphinx, config) -> None:
    config.lite_notebooks = bool(config.live_pyodide)
    if not config.lite_notebooks:
        logger.info('%s: without Pyodide\'s files the chapters get no "%s"', NAME, LINK_TEXT)


def notebook_name(app: Sphinx, pagename: str) -> str | None:
    """The notebook's name in JupyterLite for a page built from a notebook, else None."""
    if app.builder.name != "html" or not app.config.lite_notebooks or pagename not in app.env.all_docs:
        return None
    path = Path(app.env.doc2path(pagename))
    return path.name if path.suffix == ".ipynb" else None


def page_link(app: Sphinx, pagename, templatename, context, doctree) -> None:
    name = notebook_name(app, pagename)
    body = context.get("body", "")
    if name is None or "</h1>" not in body:
        return
    href = f"{context['pathto'](f'{LITE}/{APP}', 1)}?path={name}"
    link = (f'<p class="emlib-lite"><a class="emlib-lite-link" href="{href}" style="display:inline-block;'
            'padding:0.2em 0.7em;border:1px solid currentColor;border-radius:0.3em;text-decoration:none">'
            f'{LINK_TEXT}</a> this chapter as a live notebook: Python runs in your browser, nothing to install '
            '(a large download the first time).</p>')
    context["body"] = body.replace("</h1>", "</h1>\n" + link, 1)


# JupyterLite's Python kernel, named so that a notebook opens on it without asking
KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}


def without_outputs(nb: dict) -> dict:
    """The notebook as JupyterLite opens it: no outputs, no saved widget state, its kernel named."""
    cells = [dict(cell, outputs=[], execution_count=None) if cell["cell_type"] == "code" else cell
             for cell in nb["cells"]]
    metadata = {k: v for k, v in nb.get("metadata", {}).items() if k != "widgets"}
    return dict(nb, cells=cells, metadata=dict(metadata, kernelspec=KERNELSPEC))


def extension_wheels(folder: Path) -> list[Path]:
    """The front-end extensions' wheels, from PyPI the first time."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {spec: f"{spec.split('==')[0].replace('-', '_')}-{spec.split('==')[1]}-py3-none-any.whl"
              for spec in EXTENSIONS}
    missing = [spec for spec, wheel in wanted.items() if not (folder / wheel).is_file()]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "-d", str(folder), *missing], check=True, capture_output=True, text=True)
    return [folder / wheel for wheel in wanted.values()]


def lite_settings() -> dict:
    return {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "The EM Algorithm, Step by Step (JupyterLite)",
        "litePluginSettings": {f"{KERNEL}:kernel": {
            # from lite/<app>/index.html, where every app's page is, to the site's pyodide/
            "pyodideUrl": "../../pyodide/pyodide.js",
            "disablePyPIFallback": True,
            "loadPyodideOptions": {"packages": PRELOAD,
                                   "env": {"HOME": "/home/pyodide", "JPY_SESSION_NAME": "jupyterlite"}}}}}}


def build(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "html" or not app.config.lite_notebooks:
        return
    outdir = Path(app.outdir)
    if not (outdir / "pyodide" / "pyodide.js").is_file():
        logger.warning("%s: pyodide/pyodide.js is not in the built site, so JupyterLite would have no Python", NAME)
        return
    names = sorted(doc for doc in app.env.found_docs if Path(app.env.doc2path(doc)).suffix == ".ipynb")
    try:
        wheels = extension_wheels(outdir.parent / "lite-extensions")
    except subprocess.CalledProcessError as err:
        logger.warning("%s: could not download %s from PyPI: %s", NAME, ", ".join(EXTENSIONS), err.stderr[-500:])
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp)
        contents = source / "contents"
        contents.mkdir()
        for doc in names:
            path = Path(app.env.doc2path(doc))
            nb = without_outputs(json.loads(path.read_text(encoding="utf-8")))
            (contents / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
        (source / "jupyter-lite.json").write_text(json.dumps(lite_settings(), indent=1))
        # every cell in the page (JupyterLab draws only the cells on screen by default)
        (source / "overrides.json").write_text(json.dumps(
            {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}))
        (source / "jupyter_lite_config.json").write_text(json.dumps({"LiteBuildConfig": {
            "ignore_sys_prefix": ["federated_extensions"], "no_sourcemaps": True,
            "federated_extensions": [str(wheel) for wheel in wheels]}}))
        command = [str(Path(sys.executable).with_name("jupyter-lite")), "build", "--lite-dir", str(source),
                   "--contents", str(contents), "--output-dir", str(outdir / LITE)]
        result = subprocess.run(command, cwd=source, capture_output=True, text=True)
    if result.returncode != 0:
        logger.warning("%s: jupyter lite build failed:\n%s", NAME, (result.stdout + result.stderr)[-3000:])
        return
    maps = [p.name for p in (outdir / LITE).rglob("*.map")]
    if maps:
        logger.warning("%s: source maps in %s/: %s", NAME, LITE, ", ".join(maps[:5]))
    logger.info("%s: %d notebooks in JupyterLite -> %s/", NAME, len(names), LITE)


def setup(app: Sphinx):
    app.add_config_value("lite_notebooks", False, "html")
    app.connect("config-inited", configure, priority=920)  # after live_site has looked for Pyodide's files
    app.connect("html-page-context", page_link, priority=800)
    app.connect("build-finished", build, priority=600)  # after live_site's, which serves emlib's new wheel
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
