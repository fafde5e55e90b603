"""Make the student edition of the book: `python scripts/student_edition.py [OUT]` (default _student).

OUT/notebooks/chapters/  the chapter notebooks for class: every solution is removed; a code solution
                         becomes a stub (its `def` line and docstring, then `raise NotImplementedError`)
                         and the checker cell after it stays, so it fails until the student writes it.
OUT/book/                the book's sources for a website without solutions: the solution blocks are
                         removed, their code cells kept but tagged `remove-cell` (the build still runs
                         them, so the checkers below pass), and sphinx-exercise's `hide_solutions` is on
                         for any solution written in the plain, ungated form.

It relies on the exercise pattern every chapter follows: a markdown cell opening ```{solution-start},
then the solution (markdown, and at most one code cell tagged "solution" holding one function), then a
markdown cell with ```{solution-end}. `scripts/student.sh` runs this and builds OUT/book.
"""

import ast
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUB = '    raise NotImplementedError("Exercise: write this function, then run the checker below.")'
SKIP = {".git", ".venv", "venv", "_build", "node_modules", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}


def source(cell):
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def is_gate(cell, word):
    return cell["cell_type"] == "markdown" and "{" + word + "}" in source(cell)


def stub(code):
    """Keep the def line(s) and docstring of the one function in `code`; replace its body."""
    tree = ast.parse(code)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise ValueError(f"a solution cell must hold exactly one function definition, found:\n{code}")
    func = tree.body[0]
    lines = code.splitlines()
    first = func.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
        and isinstance(first.value.value, str)
    end = first.end_lineno if has_doc else first.lineno - 1
    return "\n".join(lines[: end] + [STUB])


def solution_ranges(cells):
    """(start, end) indices of every solution-start ... solution-end block, inclusive."""
    ranges, start = [], None
    for i, cell in enumerate(cells):
        if is_gate(cell, "solution-start"):
            start = i
        elif is_gate(cell, "solution-end") and start is not None:
            ranges.append((start, i))
            start = None
    if start is not None:
        raise ValueError("a solution-start without its solution-end")
    return ranges


def class_notebook(nb):
    """The class notebook: solution blocks dropped, code solutions turned into stubs."""
    cells, out, last = nb["cells"], [], 0
    for start, end in solution_ranges(cells):
        out += cells[last:start]
        for cell in cells[start:end]:
            if cell["cell_type"] == "code" and "solution" in cell.get("metadata", {}).get("tags", []):
                stubbed = dict(cell, source=stub(source(cell)), outputs=[], execution_count=None)
                stubbed["metadata"] = dict(cell["metadata"], tags=["exercise"])
                out.append(stubbed)
        last = end + 1
    return dict(nb, cells=out + cells[last:])


def website_notebook(nb):
    """The website's notebook: solution blocks dropped, their code still run at build time but hidden.

    sphinx-exercise's ``hide_solutions`` cannot hide the gated solution-start/solution-end form (the
    build stops in its solution_end_node), so the blocks are removed here; the solution code cells
    stay, tagged ``remove-cell``, so the checkers on the page run against a written function.
    """
    cells, out, last = nb["cells"], [], 0
    for start, end in solution_ranges(cells):
        out += cells[last:start]
        for cell in cells[start:end]:
            if cell["cell_type"] == "code":
                tags = cell.get("metadata", {}).get("tags", [])
                out.append(dict(cell, metadata=dict(cell["metadata"], tags=tags + ["remove-cell"])))
        last = end + 1
    return dict(nb, cells=out + cells[last:])


def main(out):
    out = Path(out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    book = out / "book"
    shutil.copytree(ROOT, book, ignore=lambda d, names: [n for n in names if n in SKIP or Path(d, n) == out])
    config = book / "_config.yml"
    text = config.read_text()
    text = text.replace('title: "', 'title: "Student edition: ', 1)
    text = text.replace("  config:\n", "  config:\n    hide_solutions: true\n", 1)
    if "hide_solutions: true" not in text:
        raise ValueError("could not switch on hide_solutions in _config.yml (no `sphinx: config:` block)")
    config.write_text(text)
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        target = out / "notebooks" / "chapters" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(class_notebook(nb), indent=1, ensure_ascii=False) + "\n")
        (book / "chapters" / path.name).write_text(json.dumps(website_notebook(nb), indent=1, ensure_ascii=False) + "\n")
    print(f"student edition: class notebooks in {out / 'notebooks'}, website sources in {book}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_student")
