"""The student edition: no solution leaks into it, and every exercise keeps its checker."""

import ast
import html
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_student" / "book" / "_build" / "html"
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def cells(path):
    return json.loads(Path(path).read_text())["cells"]


def tagged(nb_cells, tag):
    return [c for c in nb_cells if tag in c.get("metadata", {}).get("tags", [])]


def solution_bodies(nb_cells):
    """The statements of every solution function after its docstring, as source lines."""
    bodies = []
    for cell in tagged(nb_cells, "solution"):
        code = student_edition.source(cell)
        func = ast.parse(code).body[0]
        start = func.body[1] if len(func.body) > 1 and isinstance(func.body[0], ast.Expr) else func.body[0]
        lines = code.splitlines()[start.lineno - 1: func.end_lineno]
        bodies.append([line.strip() for line in lines if len(line.strip()) > 12])
    return bodies


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    student_edition.main(out)  # needs the book's build (_build/jupyter_execute), as scripts/student.sh does
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_class_notebooks_hold_stubs_and_checkers_only(edition, path):
    original, student = cells(path), cells(edition / "notebooks" / "chapters" / path.name)
    text = json.dumps(student)
    assert "solution-start" not in text and "solution-end" not in text
    for body in solution_bodies(original):
        for line in body:
            assert line not in "\n".join(student_edition.source(c) for c in student), f"solution line leaked: {line}"
    stubs, checkers = tagged(student, "exercise"), tagged(student, "checker")
    assert len(stubs) == len(tagged(original, "solution"))
    assert len(checkers) == len(tagged(original, "checker"))
    assert all("raises-exception" in c["metadata"]["tags"] for c in checkers)  # "Run all" goes on
    for stub in stubs:  # every stub raises until written, and a checker calls it
        code = student_edition.source(stub)
        name = ast.parse(code).body[0].name
        namespace = {}
        exec(code, namespace)
        with pytest.raises(NotImplementedError):
            namespace[name](*[None] * namespace[name].__code__.co_argcount)
        assert any(re.search(rf"\b{name}\b", student_edition.source(c)) for c in checkers), f"no checker calls {name}"


def test_every_chapter_with_code_exercises_has_checkers():
    for path in CHAPTERS:
        nb_cells = cells(path)
        exercises = [c for c in nb_cells if c["cell_type"] == "markdown" and "{exercise}" in student_edition.source(c)]
        if path.stem.startswith("0"):
            assert len(exercises) >= 2, f"{path.name} has fewer than two exercises"
        assert len(tagged(nb_cells, "checker")) >= len(tagged(nb_cells, "solution")), path.name


def _served_texts():
    """Every file of the student website that holds text (pages, sources, downloads, search index)."""
    assert SITE.is_dir(), "the student website is missing: run `bash scripts/student.sh` first"
    for path in sorted(SITE.rglob("*")):
        # JupyterLite's own code (lite/**/*.js, from PyPI) is no page of the book: its MyST renderer names
        # the solution-start directive; its notebooks and contents listings are checked like every page
        if path.is_file() and path.suffix in {".html", ".ipynb", ".txt", ".md", ".js", ".json", ".py"} \
                and not (path.suffix == ".js" and path.relative_to(SITE).parts[0] == "lite"):
            yield path, html.unescape(path.read_text(errors="replace"))


def test_student_website_serves_no_solution_in_any_file():
    public = "\n".join(student_edition.source(c) for path in CHAPTERS for c in cells(path)
                        if "solution" not in c.get("metadata", {}).get("tags", []))
    lines = {line for path in CHAPTERS for body in solution_bodies(cells(path)) for line in body}
    lines = {line for line in lines if line not in public}  # a line the chapter also shows is no leak
    assert len(lines) > 50
    served = list(_served_texts())
    assert any(p.suffix == ".ipynb" for p, _ in served) and any(p.name == "searchindex.js" for p, _ in served)
    assert any(p.parts[-3:-1] == ("lite", "files") for p, _ in served)  # the notebooks of "Open in JupyterLite"
    for path, text in served:
        text = re.sub(r"\\n\s*", "\n", text)  # notebook JSON and the search index escape newlines
        leaked = [line for line in lines if line in text]
        assert not leaked, f"{path.relative_to(SITE)} holds solution code: {leaked[:3]}"
        assert "solution-start" not in text, path
        assert "✓ check_" not in text, f"{path.relative_to(SITE)} shows a checker passing on a stub"


def test_student_website_does_not_promise_solutions():
    intro = html.unescape(re.sub(r"<[^>]+>", "", (SITE / "intro.html").read_text()))
    assert "folded away" not in intro and "solutions are removed" in intro


def test_student_website_shows_each_checker_failing_on_its_stub():
    for path in CHAPTERS:
        page = html.unescape(re.sub(r"<[^>]+>", "", (SITE / "chapters" / (path.stem + ".html")).read_text()))
        for checker in tagged(cells(path), "checker"):
            call = student_edition.source(checker).strip().splitlines()[-1]
            name = re.search(r"\((\w+)", call).group(1)
            assert call.split("(")[0] in page, f"{path.stem}: checker {call} missing from the student website"
            assert f"CheckError: {name} is not written yet" in page, f"{path.stem}: no message under {call}"


def test_student_website_reuses_the_books_outputs():
    """The student book is not executed again: its config switches execution off, and its pages
    still show the figures the book's build computed."""
    config = (ROOT / "_student" / "book" / "_config.yml").read_text()
    assert 'execute_notebooks: "off"' in config and "execute_notebooks: force" not in config
    for path in CHAPTERS:
        built = json.loads((ROOT / "_build" / "jupyter_execute" / "chapters" / path.name).read_text())
        images = sum("image/png" in o.get("data", {}) for c in built["cells"] for o in c.get("outputs", []))
        page = (SITE / "chapters" / (path.stem + ".html")).read_text()
        assert page.count("<img") >= images, f"{path.stem}: figures of the book's build are missing"


def test_a_stale_build_is_refused(tmp_path):
    """The student website never shows outputs of an older version of a chapter."""
    executed = tmp_path / "executed"
    executed.mkdir()
    nb = json.loads(CHAPTERS[0].read_text())
    nb["cells"][0]["source"] = "# an older heading"
    (executed / CHAPTERS[0].name).write_text(json.dumps(nb))
    with pytest.raises(SystemExit, match="build the book first"):
        student_edition.executed_notebook(CHAPTERS[0], executed)
    with pytest.raises(SystemExit, match="missing"):
        student_edition.executed_notebook(CHAPTERS[1], executed)
