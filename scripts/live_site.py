"""Sphinx extension: "Run live" under every static animation, with Python in the reader's browser.

``python scripts/fetch_pyodide.py`` puts Pyodide 0.27 (CPython compiled to WebAssembly), the
packages emlib needs and emlib's own wheel into ``_offline/pyodide/``; scripts/book_site.py serves
``_offline/`` at the site's root, so they are at ``pyodide/``, with ``PROVENANCE.txt`` (sources,
sha256, licences). On a page whose animation carries its model (``emlib.widgets.animate`` embeds
``emlib.live.spec``), this extension adds ``live.js`` (a few kB): it puts a "Run live" button
under each such animation and loads nothing else until the reader presses it. Then a Web Worker
(``live-worker.js``) starts Pyodide, installs emlib and fits the animation's model to its data;
the page shows a live stepper (previous, next, E-step, M-step, reset, a half-step slider, and
K, covariance type, initialisation and seed with a refit), whose pictures are drawn by
``emlib.live.Frames``, the panels of the static twin. The ε sweep's animation
(``emlib.widgets.animate_annealing`` embeds ``emlib.live.annealing_spec``) gets the same stepper
over its ε values, without E-step and M-step, whose refit finds new centres with emlib's KMeans for
the K and seed chosen; its pictures are drawn by ``emlib.live.AnnealingFrames``, the twin's drawing.

Without ``_offline/pyodide/`` the book builds as before: the pages keep their static
animations, and one log line says that "Run live" is left out.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
NAME = "live_site"
PYODIDE_DIR = "_offline/pyodide"  # relative to the book's root; served at pyodide/
MANIFEST = "emlib-live.json"
LOCK = "pyodide-lock.json"
STATIC_DIR = Path(__file__).resolve().parent / "live_static"
MODEL_MARK = 'class="emlib-model"'


def configure(app: Sphinx, config) -> None:
    manifest = Path(app.confdir) / PYODIDE_DIR / MANIFEST
    config.live_pyodide = manifest.is_file()
    if not config.live_pyodide:
        logger.info('%s: %s/ not found, so the pages keep their static animations without "Run live" '
                    "(python scripts/fetch_pyodide.py fetches Pyodide)", NAME, PYODIDE_DIR)
        return
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def page_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.config.live_pyodide and MODEL_MARK in context.get("body", ""):
        app.add_js_file("live.js", priority=950, defer="defer")


def finish(app: Sphinx, exception) -> None:
    """emlib's wheel is built again from the sources the pages were built with; the pages' button
    needs Pyodide at pyodide/ next to index.html (scripts/book_site.py copies it there)."""
    if exception is not None or app.builder.format != "html" or not app.config.live_pyodide:
        return
    import tempfile

    from fetch_pyodide import build_emlib_wheel  # scripts/ is on the path of local extensions

    served = Path(app.outdir) / "pyodide"
    manifest = json.loads((Path(app.confdir) / PYODIDE_DIR / MANIFEST).read_text())
    if served.is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            name, wheel = build_emlib_wheel(Path(tmp))
        (served / name).write_bytes(wheel)
        (served / MANIFEST).write_text(json.dumps(dict(manifest, emlib_wheel=name)))
        # the lock lists emlib for JupyterLite (scripts/lite_site.py); Pyodide checks each file's sha256
        lock = json.loads((served / LOCK).read_text())
        if "emlib" in lock["packages"]:
            lock["packages"]["emlib"].update(file_name=name, sha256=hashlib.sha256(wheel).hexdigest())
            (served / LOCK).write_text(json.dumps(lock, indent=1))
    for name in ("pyodide.js", "pyodide.asm.wasm", "pyodide-lock.json", "PROVENANCE.txt", manifest["emlib_wheel"]):
        if not (served / name).is_file():
            logger.warning("%s: %s is not served at pyodide/ (is book_site, which serves _offline/, enabled?)",
                           NAME, name)


def setup(app: Sphinx):
    app.setup_extension("lite_site")  # "Open in JupyterLite", on the same files
    app.add_config_value("live_pyodide", False, "html")
    app.connect("config-inited", configure, priority=910)
    app.connect("html-page-context", page_script, priority=800)
    app.connect("build-finished", finish)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
