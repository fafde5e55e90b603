"""scripts/live_site.py: without Pyodide's files the book builds as before and says so in one line;
with them, only the pages whose animations carry a model get the "Run live" script."""

import importlib.util
import json
import logging
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("live_site", ROOT / "scripts" / "live_site.py")
live_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(live_site)


class App:
    def __init__(self, confdir):
        self.confdir = str(confdir)
        self.config = SimpleNamespace(html_static_path=[], live_pyodide=False)
        self.scripts = []

    def add_js_file(self, name, **attributes):
        self.scripts.append(name)


def test_without_pyodide_the_build_says_so_once_and_adds_nothing(tmp_path, caplog):
    app = App(tmp_path)
    with caplog.at_level(logging.INFO):
        live_site.configure(app, app.config)
    assert app.config.live_pyodide is False and app.config.html_static_path == []
    lines = [r.getMessage() for r in caplog.records if "Run live" in r.getMessage()]
    assert len(lines) == 1 and "static animations" in lines[0]
    live_site.page_script(app, "chapters/04", "page.html", {"body": '<script class="emlib-model">'}, None)
    assert app.scripts == []


def test_with_pyodide_only_pages_with_a_model_get_the_script(tmp_path):
    (tmp_path / "_offline" / "pyodide").mkdir(parents=True)
    (tmp_path / "_offline" / "pyodide" / "emlib-live.json").write_text(json.dumps({"emlib_wheel": "emlib.whl"}))
    app = App(tmp_path)
    live_site.configure(app, app.config)
    assert app.config.live_pyodide is True and app.config.html_static_path == [str(live_site.STATIC_DIR)]
    live_site.page_script(app, "intro", "page.html", {"body": "<p>no animation</p>"}, None)
    assert app.scripts == []
    body = '<figure class="emlib-animation"><script type="application/json" class="emlib-model">{}</script></figure>'
    live_site.page_script(app, "chapters/04", "page.html", {"body": body}, None)
    assert app.scripts == ["live.js"]
