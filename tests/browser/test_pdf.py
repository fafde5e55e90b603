"""The whole book as one PDF (``_build/html/book.pdf``, printed by ``scripts/book_pdf.py``
during ``bash scripts/build.sh``): it exists, holds every chapter and appendix of _toc.yml
under its title, and its text shows no LaTeX source outside the book's code.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_site import ROOT, SITE, toc_order

PDF = SITE / "book.pdf"
# LaTeX source as it would show if a formula escaped MathJax: a \command, \( or \[, or $$.
RAW_LATEX = re.compile(r"\\[A-Za-z]{2,}|\\[(\[]|\$\$")


def _squash(text: str) -> str:
    """PDF text extraction drops or adds spaces and breaks lines: compare without them."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: run `bash scripts/build.sh` (it prints the book)", pytrace=False)
    reader = PdfReader(PDF)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _title(page: Path) -> str:
    """The page's title, without its chapter number."""
    match = re.search(r'<h1>(?:<span class="section-number">[^<]*</span>)?([^<]*)<a class="headerlink"',
                      page.read_text(encoding="utf-8"))
    assert match, f"{page} has no <h1> title"
    return html.unescape(match.group(1)).strip()


def test_pdf_has_every_chapter(pdf_text):
    squashed = _squash(pdf_text)
    missing = [
        f"{name}: {_title(SITE / name)!r}"
        for name in toc_order()[1:]
        if _squash(_title(SITE / name)) not in squashed
    ]
    assert not missing, "chapters missing from the PDF:\n" + "\n".join(missing)


def _code_text() -> str:
    """The source of every code cell, squashed: backslashes there (matplotlib labels such as
    r"$\\mu_k$", escapes in strings) are code, not escaped formulas."""
    code = []
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                code.append("".join(cell["source"]))
    for page in ROOT.glob("*.md"):
        code.extend(re.findall(r"```[a-z]*\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL))
    return _squash("\n".join(code))


def test_pdf_has_no_raw_latex(pdf_text):
    code = _code_text()
    raw = []
    for line in pdf_text.splitlines():
        if RAW_LATEX.search(line) and _squash(line) not in code:
            raw.append(line.strip()[:120])
    assert not raw, f"{len(raw)} lines of the PDF show LaTeX source:\n" + "\n".join(raw[:15])


def test_pdf_has_a_contents_page_and_bookmarks(pdf_text):
    reader = PdfReader(PDF)
    assert len(reader.outline) >= 1, "the PDF has no bookmarks"
    first_pages = _squash("".join(reader.pages[i].extract_text() or "" for i in range(min(4, len(reader.pages)))))
    assert "Contents" in first_pages and _squash(_title(SITE / toc_order()[-1])) in first_pages, (
        "the PDF's first pages hold no table of contents listing the last appendix"
    )
