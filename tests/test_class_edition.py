"""The student edition as a class uses it: every class notebook, run from top to bottom as
JupyterLab's "Run all" runs it (nbclient), reaches its last cell, and every unsolved exercise's
checker fails with its one-line message, not a traceback into emlib."""

import importlib.util
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_run_all_reaches_the_last_cell_with_one_line_per_unsolved_exercise(path, tmp_path):
    nb = nbformat.reads(json.dumps(student_edition.class_notebook(json.loads(path.read_text()))), as_version=4)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    env.pop("JPY_SESSION_NAME", None)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.km = client.create_kernel_manager()
    client.km.kernel_spec  # noqa: B018 - resolve it before the environment is set
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)  # raises unless the cell is tagged raises-exception
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell did not run"
    stubs = {re.match(r"def (\w+)", c.source).group(1) for c in code if "exercise" in tags(c)}
    checkers = [c for c in code if "checker" in tags(c)]
    assert len(checkers) >= len(stubs), f"{path.stem}: an exercise without a checker"
    for cell in code:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "checker" not in tags(cell):
            assert not errors, f"{path.stem}: a cell that is no checker failed: {cell.source[:80]!r}"
            continue
        assert len(errors) == 1, f"{path.stem}: {cell.source!r} did not fail"
        (line,) = [ANSI.sub("", text) for text in errors[0].traceback]  # one line, no traceback
        name = re.search(r"\((\w+)\)", cell.source).group(1)
        assert name in stubs
        assert line == (f"CheckError: {name} is not written yet: replace `raise NotImplementedError` "
                        "with your code."), line
        assert "emlib" not in line and "File " not in line
