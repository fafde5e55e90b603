#!/usr/bin/env bash
# The student edition, in one command:
#   bash scripts/student.sh
# -> _student/notebooks/chapters/*.ipynb  the class notebooks: solutions removed, stubs + checkers kept
#                                         (checker cells tagged raises-exception: "Run all" goes on)
# -> _student/book/_build/html/           the website without solutions: the book's build outputs
#                                         reused (nothing is executed again), the stubs' checker messages
# It uses the book's environment and the notebooks the book's build executed (_build/jupyter_execute);
# scripts/build.sh makes both when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/jupyter-book" ] || [ ! -d _build/jupyter_execute/chapters ]; then
    bash scripts/build.sh
fi
# Stops with a message if a chapter changed since the book's build.
"$VENV/bin/python" scripts/student_edition.py _student
"$VENV/bin/jupyter-book" build -W -n --keep-going --all _student/book
echo "student edition: notebooks in _student/notebooks/chapters, website in _student/book/_build/html"
