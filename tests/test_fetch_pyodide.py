"""scripts/fetch_pyodide.py takes only files whose sha256 is the official lock's, and trims the lock.

These tests point it (EMLIB_PYODIDE_DIR) at a small directory laid out like a Pyodide distribution,
with made-up package wheels (only the test suite's pure-Python wheels come from PyPI)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fetch_pyodide.py"
RUNTIME = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]


def fake_wheel(name, licence):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(f"{name}-1.0.dist-info/METADATA",
                       f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nClassifier: License :: OSI Approved :: {licence}\n")
    return buffer.getvalue()


def distribution(tmp_path, tamper=None):
    """A directory like Pyodide's release: runtime files, wheels, and a lock with one package too many."""
    source = tmp_path / "pyodide"
    source.mkdir()
    for name in RUNTIME:
        (source / name).write_bytes(name.encode())
    depends = {"numpy": [], "scipy": ["numpy"], "matplotlib": ["numpy", "six"], "threadpoolctl": [], "six": [],
               "pandas": ["numpy"],
               "scikit-learn": ["scipy", "joblib"], "joblib": [], "ipython": [], "micropip": ["packaging"],
               "packaging": [], "ssl": [], "sqlite3": [], "pyarrow": []}
    packages = {}
    for name, deps in depends.items():
        data = fake_wheel(name, "BSD License")
        file_name = f"{name}-1.0-py3-none-any.whl"
        packages[name] = {"name": name, "file_name": file_name, "depends": deps,
                          "sha256": hashlib.sha256(data).hexdigest()}
        (source / file_name).write_bytes(data + (b"tampered" if name == tamper else b""))
    info = {"version": "0.27.7", "python": "3.12.7"}
    (source / "pyodide-lock.json").write_text(json.dumps({"info": info, "packages": packages}))
    return source


def fetch(source, out):
    env = dict(os.environ, EMLIB_PYODIDE_DIR=str(source))
    return subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("tamper", ["scipy", "joblib"])
def test_a_file_that_differs_from_the_lock_stops_the_fetch(tmp_path, tamper):
    out = tmp_path / "out"
    result = fetch(distribution(tmp_path, tamper=tamper), out)
    assert result.returncode == 2, result.stderr
    assert f"{tamper}-1.0-py3-none-any.whl does not match the official lock" in result.stderr
    assert not out.exists()


def test_the_closure_is_shipped_with_a_trimmed_lock_and_provenance(tmp_path):
    out = tmp_path / "out"
    result = fetch(distribution(tmp_path), out)
    assert result.returncode == 0, result.stderr
    lock = json.loads((out / "pyodide-lock.json").read_text())
    # "Run live" and JupyterLite's kernel and chapters: no pandas, no pyarrow
    assert sorted(lock["packages"]) == ["comm", "emlib", "ipython", "ipywidgets", "joblib", "matplotlib", "micropip",
                                        "numpy", "packaging", "scikit-learn", "scipy", "six", "sqlite3", "ssl",
                                        "threadpoolctl"]
    assert not (out / "pandas-1.0-py3-none-any.whl").exists()
    assert lock["packages"]["ipywidgets"]["file_name"].startswith("ipywidgets-8.1.")  # from PyPI, pinned
    assert "ipywidgets" in lock["packages"]["emlib"]["depends"]
    emlib_wheel = (out / lock["packages"]["emlib"]["file_name"]).read_bytes()
    assert lock["packages"]["emlib"]["sha256"] == hashlib.sha256(emlib_wheel).hexdigest()
    # what only the tests need goes elsewhere, checked the same way
    tests = json.loads((tmp_path / "out-tests" / "files.json").read_text())
    assert {"scikit-learn-1.0-py3-none-any.whl", "joblib-1.0-py3-none-any.whl", "ipython-1.0-py3-none-any.whl"} < set(tests)
    assert any(name.startswith("pytest-") for name in tests)
    for name in RUNTIME:
        assert (out / name).read_bytes() == name.encode()
    provenance = (out / "PROVENANCE.txt").read_text()
    for name, entry in lock["packages"].items():
        if name != "emlib":
            assert f"{entry['file_name']}  {entry['sha256']}  BSD License" in provenance
    live = json.loads((out / "emlib-live.json").read_text())
    assert (out / live["emlib_wheel"]).is_file() and live["emlib_wheel"].startswith("emlib-")


def test_a_directory_without_the_interpreter_is_refused_by_name(tmp_path):
    source = distribution(tmp_path)
    (source / "pyodide.asm.wasm").unlink()
    result = fetch(source, tmp_path / "out")
    assert result.returncode == 2
    assert "lacks pyodide.asm.wasm" in result.stderr
