"""Chapter notebooks are committed without outputs: the book's build executes them.

Outputs in git would be stale the moment emlib changes, and a single figure is worth more
bytes than a whole chapter of text. Strip them before committing, for example with
``jupyter nbconvert --clear-output --inplace chapters/*.ipynb``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))


def _first_line(cell) -> str:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    return text.strip().splitlines()[0][:60] if text.strip() else "<empty cell>"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_notebook_has_no_outputs(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    dirty = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        what = []
        if cell.get("outputs"):
            what.append(f"{len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            what.append(f"execution_count {cell['execution_count']}")
        if what:
            dirty.append(f"  cell {index} ({_first_line(cell)!r}): {', '.join(what)}")
    assert not dirty, (
        f"chapters/{notebook.name} is committed with outputs; clear them "
        f"(jupyter nbconvert --clear-output --inplace chapters/{notebook.name}):\n" + "\n".join(dirty)
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_every_cell_has_an_id(notebook):
    # nbformat 4.5 gives every cell an id; a cell added by hand without one makes every tool that
    # reads the notebook warn, and future nbformat versions will refuse it. (The raw JSON is read:
    # nbformat itself would quietly add the missing ids.)
    notebook_json = json.loads(notebook.read_text(encoding="utf-8"))
    assert (notebook_json["nbformat"], notebook_json["nbformat_minor"]) >= (4, 5)
    missing = [index for index, cell in enumerate(notebook_json["cells"]) if "id" not in cell]
    assert not missing, f"chapters/{notebook.name}: cells {missing} have no id (nbformat.validator.normalize adds them)"
