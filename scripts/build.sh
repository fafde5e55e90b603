#!/usr/bin/env bash
# Set everything up and build the book into _build/html.
#   bash scripts/build.sh
# Creates .venv (python3 -m venv) if missing and installs requirements.txt into it,
# fetches the browser assets from the npm registry (scripts/fetch_assets.sh) so that the
# site works offline, builds every page with warnings as errors (with Pyodide's files, the same
# build ends by putting the chapters' notebooks in JupyterLite, _build/html/lite/: scripts/lite_site.py),
# then prints the whole book into _build/html/book.pdf with Debian's chromium (installed with apt-get
# if missing).
# Environment: PYTHON (default python3) creates the venv; VENV (default .venv) may point
# at an existing virtual environment instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
# Plots outside notebooks never need a screen. The notebook kernels that the build
# starts get matplotlib's inline backend: under Agg they would display no figure at all.
export MPLBACKEND=Agg
NOTEBOOK_MPLBACKEND="module://matplotlib_inline.backend_inline"
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x "$VENV/bin/python" ]; then
    echo "build: creating $VENV with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV"
fi
echo "build: installing requirements.txt into $VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r requirements.txt
# JupyterLab and Notebook 7 in this environment save emlib's steppers as their pictures, so a
# reopened chapter shows the last half-step instead of "model not found" (emlib.widgets).
# (The *.d folder only enables extensions; a setting goes in jupyter_server_config.json.)
mkdir -p "$VENV/etc/jupyter"
# JupyterLab neither fetches news nor checks for updates: a class works offline, without pop-ups.
printf '%s\n' '{"ContentsManager": {"pre_save_hook": "emlib.widgets.pictures_on_save"},' \
    ' "LabApp": {"news_url": null, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}}' \
    > "$VENV/etc/jupyter/jupyter_server_config.json"

if command -v npm >/dev/null 2>&1; then
    bash scripts/fetch_assets.sh
    # Pyodide for the pages' "Run live" (after fetch_assets.sh, which empties _offline/); a file that
    # does not match Pyodide's lock stops the build, a failed download only leaves "Run live" out
    "$VENV/bin/python" scripts/fetch_pyodide.py || { status=$?; [ "$status" -eq 3 ] || exit "$status"; }
else
    rm -rf _offline
    echo "build: npm not found, so MathJax and the widget scripts will load from CDNs (the site needs internet; the browser tests need the offline build: install Node.js/npm and rerun)"
fi

# A full rebuild every time: stale pages would hide from the tests, and warnings of
# unchanged pages would not be repeated by an incremental build.
rm -rf _build/html _build/.doctrees _build/singlehtml
# The kernels get the website's figure settings (scripts/book_kernel_config.py).
IPYTHONDIR="$(mktemp -d)"
trap 'rm -rf "$IPYTHONDIR"' EXIT
mkdir -p "$IPYTHONDIR/profile_default"
cp scripts/book_kernel_config.py "$IPYTHONDIR/profile_default/ipython_kernel_config.py"
export IPYTHONDIR
start=$(date +%s)
MPLBACKEND="$NOTEBOOK_MPLBACKEND" "$VENV/bin/jupyter-book" build -W -n --keep-going --all .
echo "build: book built in $(( $(date +%s) - start )) s -> _build/html/index.html"

# The whole book as one PDF: the single-page build reuses the notebooks executed above, and
# scripts/book_pdf.py prints it with Debian's chromium (the browser tests use it too).
CHROMIUM="${BOOK_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    echo "build: installing Debian's chromium for the book's PDF and the browser tests"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
start=$(date +%s)
MPLBACKEND="$NOTEBOOK_MPLBACKEND" "$VENV/bin/jupyter-book" build -W -n --keep-going --builder singlehtml .
"$VENV/bin/python" scripts/book_pdf.py
echo "build: PDF printed in $(( $(date +%s) - start )) s -> _build/html/book.pdf"
