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
    student_edition.main(out)
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


def test_student_website_hides_every_solution():
    assert SITE.is_dir(), "the student website is missing: run `bash scripts/student.sh` first"
    for path in CHAPTERS:
        page = html.unescape(re.sub(r"<[^>]+>", "", (SITE / "chapters" / (path.stem + ".html")).read_text()))
        assert "solution-start" not in page
        for body in solution_bodies(cells(path)):
            for line in body:
                assert line not in page, f"{path.stem}: solution line visible on the student website: {line}"
        for checker in tagged(cells(path), "checker"):
            call = student_edition.source(checker).strip().splitlines()[-1]
            assert call.split("(")[0] in page, f"{path.stem}: checker {call} missing from the student website"
