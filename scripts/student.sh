#!/usr/bin/env bash
# The student edition, in one command:
#   bash scripts/student.sh
# -> _student/notebooks/chapters/*.ipynb  the class notebooks: solutions removed, stubs + checkers kept
# -> _student/book/_build/html/           the website with the solutions hidden (hide_solutions)
# It uses the book's environment and offline assets; scripts/build.sh sets them up when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/jupyter-book" ]; then
    bash scripts/build.sh
fi
"$VENV/bin/python" scripts/student_edition.py _student
# The solution cells still run (hidden), so the checkers on the page pass as in the full book.
MPLBACKEND="module://matplotlib_inline.backend_inline" \
    "$VENV/bin/jupyter-book" build -W -n --keep-going --all _student/book
echo "student edition: notebooks in _student/notebooks/chapters, website in _student/book/_build/html"
