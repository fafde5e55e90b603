#!/usr/bin/env bash
# Set everything up, build the book, and run every test.
#   bash scripts/test.sh
# 1. scripts/build.sh (venv, requirements, offline assets, Debian's chromium if missing, book
#    built with -W: the chapters' first run, and its PDF), then scripts/student.sh (the student
#    edition; its website reuses the build's outputs and runs nothing again);
# 2. pytest tests/  (emlib's unit tests, the notebook hygiene test, the student notebooks run
#    as a class runs them, the browser tests against _build/html);
# 3. pytest --nbval-lax chapters/  (every chapter notebook runs and its asserts hold).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
export VENV
export MPLBACKEND=Agg

bash scripts/build.sh
status=0
# A failing student edition is reported, and the tests still run.
bash scripts/student.sh || { status=$?; echo "test: scripts/student.sh FAILED (exit $status)"; }

start=$(date +%s)
py_status=0
"$VENV/bin/python" -m pytest -ra tests/ || py_status=$?
echo "test: pytest tests/ finished in $(( $(date +%s) - start )) s (exit $py_status)"
if [ $py_status -ne 0 ]; then status=$py_status; fi

shopt -s nullglob
notebooks=(chapters/*.ipynb)
if [ ${#notebooks[@]} -gt 0 ]; then
    start=$(date +%s)
    nb_status=0
    # The kernels run with the inline backend, as in the book's build and in JupyterLab.
    MPLBACKEND="module://matplotlib_inline.backend_inline" \
        "$VENV/bin/python" -m pytest -ra --nbval-lax chapters/ || nb_status=$?
    echo "test: pytest --nbval-lax chapters/ finished in $(( $(date +%s) - start )) s (exit $nb_status)"
    if [ $nb_status -ne 0 ]; then status=$nb_status; fi
else
    echo "test: no chapters/*.ipynb yet, so there is nothing for nbval to run"
fi
exit $status
