"""Make the student edition of the book: `python scripts/student_edition.py [OUT]` (default _student).

OUT/notebooks/chapters/  the chapter notebooks for class: every solution is removed; a code solution
                         becomes a stub (its `def` line and docstring, then `raise NotImplementedError`)
                         and the checker cell after it stays, tagged `raises-exception`: it fails with
                         its one-line message until the student writes the function, and "Run all"
                         goes on past it.
OUT/book/                the sources of the student website: the same class notebooks, with the outputs
                         the book's build computed (`_build/jupyter_execute`, so nothing runs again) for
                         every cell but the stubs and checkers; a checker's output is what it says
                         about the stub. No file of the student website holds solution code.

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
sys.path.insert(0, str(ROOT / "scripts"))
from jupyter_refs import to_book  # noqa: E402  (the book's build reads the chapters' markdown through it)

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
    out += cells[last:]
    for i, cell in enumerate(out):
        tags = cell.get("metadata", {}).get("tags", [])
        if "checker" in tags and "raises-exception" not in tags:
            out[i] = dict(cell, metadata=dict(cell["metadata"], tags=tags + ["raises-exception"]))
    return dict(nb, cells=out)


def _as_built(cell):
    """A cell as the book's build executes it: markdown references in the book's form."""
    text = source(cell)
    return cell.get("id"), to_book(text) if cell["cell_type"] == "markdown" else text


def executed_notebook(path, executed_dir):
    """The book's build of chapter ``path``, checked to hold the same cells as the chapter now."""
    built = executed_dir / path.name
    stale = f"{built} is missing or older than {path}: build the book first (bash scripts/build.sh)."
    if not built.is_file():
        raise SystemExit(stale)
    nb, now = json.loads(built.read_text()), json.loads(path.read_text())
    if [_as_built(c) for c in nb["cells"]] != [_as_built(c) for c in now["cells"]]:
        raise SystemExit(stale)
    return nb


def checker_output(code, namespace):
    """Run a checker cell against the stubs in ``namespace``: the error output a notebook shows."""
    from emlib.checks import CheckError

    try:
        exec(code, namespace)
    except CheckError as err:
        return {"output_type": "error", "ename": type(err).__name__, "evalue": str(err),
                "traceback": err._render_traceback_()}
    raise ValueError(f"the checker `{code.strip()}` passed against an unwritten stub")


def website_notebook(executed):
    """The student website's notebook: the class notebook with the build's outputs.

    Stubs have no output; each checker shows the one-line message it gives for the stub (run here:
    a stub raises at once, so this costs nothing).
    """
    import emlib.checks

    nb = class_notebook(executed)
    nb["metadata"] = {k: v for k, v in nb["metadata"].items() if k != "widgets"}
    namespace = {"checks": emlib.checks}
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if "exercise" in tags:
            exec(source(cell), namespace)
        elif "checker" in tags:
            cell["outputs"] = [checker_output(source(cell), namespace)]
    return nb


def student_book_config(text):
    """The student website's _config.yml: its own title, and the build's outputs reused."""
    text = text.replace('title: "', 'title: "Student edition: ', 1)
    if "execute_notebooks: force" not in text:
        raise ValueError("_config.yml has no `execute_notebooks: force` to switch off for the student website")
    return text.replace("execute_notebooks: force", 'execute_notebooks: "off"', 1)


STUDENT_NOTE = """
```{note}
This is the **student edition**: the exercises' solutions are removed. Write each function where its
stub says `raise NotImplementedError`, then run the checker cell below it.
```
"""

# What the intro says of the solutions, and what it says in the student edition instead.
BOOK_SOLUTIONS = """Each exercise has a worked solution, folded away under the exercise: try first, then open
it to compare. In the student edition the solutions are removed and only the checkers
remain."""
STUDENT_SOLUTIONS = """In this edition the exercises' solutions are removed: the checker below each exercise tells
you when your function is right."""


def main(out, executed_dir=ROOT / "_build" / "jupyter_execute" / "chapters"):
    out = Path(out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    book = out / "book"
    shutil.copytree(ROOT, book, ignore=lambda d, names: [n for n in names if n in SKIP or Path(d, n) == out])
    config = book / "_config.yml"
    config.write_text(student_book_config(config.read_text()))
    intro = book / "intro.md"
    lines = intro.read_text().splitlines(keepends=True)
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    text = "".join(lines[: heading + 1]) + STUDENT_NOTE + "".join(lines[heading + 1:])
    if BOOK_SOLUTIONS not in text:
        raise SystemExit(f"student_edition: intro.md no longer says {BOOK_SOLUTIONS!r}; update STUDENT_SOLUTIONS")
    intro.write_text(text.replace(BOOK_SOLUTIONS, STUDENT_SOLUTIONS))
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        target = out / "notebooks" / "chapters" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(class_notebook(nb), indent=1, ensure_ascii=False) + "\n")
        site_nb = website_notebook(executed_notebook(path, Path(executed_dir)))
        (book / "chapters" / path.name).write_text(json.dumps(site_nb, indent=1, ensure_ascii=False) + "\n")
    print(f"student edition: class notebooks in {out / 'notebooks'}, website sources in {book}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_student")
