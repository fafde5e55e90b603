"""The chapters' references read as words in JupyterLab and as numbers in the book.

JupyterLab's MyST renderer (jupyterlab-myst 2.x) resolves a reference only to a target in the same
notebook that it parses itself (a directive's :label:, a `$$ (label)` equation, a `(label)=` target),
and no citation at all: anything else shows its raw label behind a warning sign. The static check here
reads the chapters' markdown as that renderer does; scripts/jupyter_refs.py writes the words and turns
them back into the book's roles at build time.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("jupyter_refs", ROOT / "scripts" / "jupyter_refs.py")
jupyter_refs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(jupyter_refs)

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ANY_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
REFERENCE_ROLES = {"ref", "numref", "eq", "prf:ref", "proof:ref", "doc", "term"}
HASH_LINK = re.compile(r"\[([^\]]*)\]\(#([^)\s]+)\)")


def markdown(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]


def labels_jupyterlab_resolves(cells):
    text = "\n".join(cells)
    return (set(re.findall(r"^:label:\s*(\S+)", text, re.M)) | set(re.findall(r"^\$\$\s*\(([\w-]+)\)", text, re.M))
            | set(re.findall(r"^\(([\w-]+)\)=", text, re.M)))


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_no_reference_shows_a_raw_label_in_jupyterlab(path):
    cells = markdown(path)
    local = labels_jupyterlab_resolves(cells)
    keys = set(jupyter_refs.bibliography())
    raw = []
    for text in cells:
        for name, body in ANY_ROLE.findall(text):
            if name.startswith("cite"):
                raw.append(f"{{{name}}}`{body}` (JupyterLab shows the key)")
            elif name in REFERENCE_ROLES and not re.search(r"\S\s*<[^<>]+>$", body, re.S) and body not in local:
                raw.append(f"{{{name}}}`{body}` (no words, and no target in this notebook)")
        for words, target in HASH_LINK.findall(text):
            if not words.strip() or not (set(target.split(",")) <= keys or target in local):
                raw.append(f"[{words}](#{target})")
    assert not raw, f"{path.name}: references JupyterLab would show as raw labels " \
                    f"(run python scripts/jupyter_refs.py):\n" + "\n".join(raw)


def test_the_words_are_up_to_date_with_their_targets_and_references_bib():
    changed = jupyter_refs.updated()
    assert not changed, "run python scripts/jupyter_refs.py: " + ", ".join(p.name for p in changed)


def test_the_book_gets_its_numbered_roles_back():
    keys = {"dempster1977maximum", "azzalini1990look", "hardle1991smoothing"}
    cases = {
        "by {prf:ref}`Theorem (EM never decreases the likelihood) <thm-em-monotone>`.":
            "by {prf:ref}`thm-em-monotone`.",
        "{numref}`The figure below\n<fig-kmeans-data>` shows": "{numref}`fig-kmeans-data` shows",
        "gives {eq}`(an equation of Why EM works) <eq-decomposition>`": "gives {eq}`eq-decomposition`",
        "as [Dempster et al. (1977)](#dempster1977maximum) showed": "as {cite:t}`dempster1977maximum` showed",
        "smoothing [(Azzalini and Bowman, 1990; Härdle, 1991)](#azzalini1990look,hardle1991smoothing).":
            "smoothing {cite:p}`azzalini1990look,hardle1991smoothing`.",
        # left alone: a local reference, a chapter's title, a link to a heading, a plain citation role
        "{prf:ref}`thm-jensen` and {ref}`Why EM works <ch-why-em>` and [the E-step](#the-e-step)":
            "{prf:ref}`thm-jensen` and {ref}`Why EM works <ch-why-em>` and [the E-step](#the-e-step)",
        "{cite:p}`dempster1977maximum`": "{cite:p}`dempster1977maximum`",
    }
    for chapter, book in cases.items():
        assert jupyter_refs.to_book(chapter, keys) == book
        assert jupyter_refs.to_book(book, keys) == book


def test_citation_words_are_author_year_from_references_bib():
    bib = jupyter_refs.bibliography()
    assert jupyter_refs.citation("cite:t", ["bishop2006pattern"], bib) == "Bishop (2006)"
    assert jupyter_refs.citation("cite:t", ["neal1998view"], bib) == "Neal and Hinton (1998)"
    assert jupyter_refs.citation("cite:t", ["dempster1977maximum"], bib) == "Dempster et al. (1977)"
    assert jupyter_refs.citation("cite:p", ["azzalini1990look", "hardle1991smoothing"], bib) == \
        "(Azzalini and Bowman, 1990; Härdle, 1991)"
    assert jupyter_refs.bib_keys_in() == set(bib) and len(bib) > 20  # the build's quick reading of the keys
    with pytest.raises(SystemExit, match="nosuchkey2000 not in references.bib"):
        jupyter_refs.citation("cite:p", ["nosuchkey2000"], bib)


def test_words_for_a_figure_and_another_chapters_theorem():
    found = {"fig-a": ("01_x", "figure", "", 5), "thm-b": ("02_y", "theorem", "Something holds", 3),
             "eq-c": ("02_y", "equation", "", 4), "thm-d": ("01_x", "theorem", "Local", 1)}
    titles = {"01_x": "First chapter", "02_y": "Second chapter"}
    bib = jupyter_refs.bibliography()
    text = "{numref}`fig-a` shows it; see {numref}`fig-a`, {prf:ref}`thm-b`, {eq}`eq-c` and {prf:ref}`thm-d`."
    assert jupyter_refs.to_jupyter(text, "01_x", 2, found, titles, bib) == (
        "{numref}`The figure below <fig-a>` shows it; see {numref}`the figure below <fig-a>`, "
        "{prf:ref}`Theorem (Something holds) <thm-b>`, {eq}`(an equation of Second chapter) <eq-c>` and "
        "{prf:ref}`thm-d`.")
    assert jupyter_refs.to_jupyter("As in {numref}`fig-a`.", "02_y", 9, found, titles, bib) == \
        "As in {numref}`a figure of First chapter <fig-a>`."
    assert jupyter_refs.to_jupyter("{cite}`neal1998view`", "01_x", 0, found, titles, bib) == \
        "[(Neal and Hinton, 1998)](#neal1998view)"
    with pytest.raises(SystemExit, match="write {cite:t} or {cite:p}, not {cite:ps}"):
        jupyter_refs.to_jupyter("{cite:ps}`neal1998view`", "01_x", 0, found, titles, bib)
    with pytest.raises(SystemExit, match="no target 'fig-z'"):
        jupyter_refs.to_jupyter("{numref}`fig-z`", "01_x", 0, found, titles, bib)
