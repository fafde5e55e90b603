"""References that read as words in JupyterLab and as numbers in the book.

JupyterLab's MyST renderer (jupyterlab-myst) sees one notebook at a time and no bibliography, so a
reference to another chapter's theorem or equation, to a figure (a figure's label lives in its code
cell's metadata, which the renderer does not read) or to a work in references.bib would show its raw
label there. The chapters therefore give those references words, written by this script from their
targets, and the book's build takes the words out again:

    in the chapters (JupyterLab shows the words)              in the book (`to_book`)
    {prf:ref}`Theorem (EM never decreases the likelihood) <thm-em-monotone>`   {prf:ref}`thm-em-monotone`
    {numref}`the figure below <fig-kmeans-data>`              {numref}`fig-kmeans-data`
    {eq}`(an equation of Why EM works) <eq-decomposition>`    {eq}`eq-decomposition`
    [Dempster et al. (1977)](#dempster1977maximum)            {cite:t}`dempster1977maximum`
    [(Azzalini and Bowman, 1990; Härdle, 1991)](#azzalini1990look,hardle1991smoothing)
                                                              {cite:p}`azzalini1990look,hardle1991smoothing`
    [Why EM works](05_why_em_works.ipynb)                     (as is: {doc}`05_why_em_works` is written so)

so the book keeps its numbered references (such as "Theorem 5.3", "Fig. 1.6", "(5.4)") and its citations
linked to the bibliography. A reference the renderer resolves inside its notebook (a theorem or an
equation of the same chapter) keeps no words. Citations read author-year, from references.bib.

    python scripts/jupyter_refs.py           after editing a chapter: write the words of its references
                                             (plain {prf:ref}/{numref}/{eq}/{cite:t}/{cite:p}/{doc} roles may
                                             be written; this turns them into the form above)
    python scripts/jupyter_refs.py --check   exit 1, naming the chapters, when one is not up to date

As a Sphinx extension (`_config.yml`, local_extensions) it applies `to_book` to every notebook the
book reads (`source-read`).
"""

import functools
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"

# {role}`text` where the text may end with "<target>"; [words](#target) links.
ROLE = re.compile(r"\{(prf:ref|numref|eq|cite(?::\w+)?)\}`([^`]*)`")
DOC = re.compile(r"\{doc\}`([\w.-]+)`")  # a plain {doc}`04_em_gmm`, without words
LINK = re.compile(r"\[([^\]\n]*)\]\(#([\w,.-]+)\)")
EXPLICIT = re.compile(r"^(.+?)\s*<([^<>]+)>$", re.S)
# Targets the renderer resolves inside one notebook: a directive's :label:, a $$ (label) equation,
# a (label)= target before a heading.
DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}[ \t]*(.*)\n((?:[ \t]*:[\w-]+:.*\n)*)", re.M)
EQUATION = re.compile(r"^\$\$[ \t]*\(([\w-]+)\)", re.M)
HEADING_TARGET = re.compile(r"^\(([\w-]+)\)=", re.M)
SENTENCE_START = re.compile(r"(?:\A|[.!?]\s|\n\s*\n|^[ \t]*(?:[-*+]|\d+\.)[ \t])\s*\Z", re.M)


def source(cell):
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


# --- the book's side -------------------------------------------------------------------------------

def to_book(markdown, bib_keys=None):
    """The roles the book's build reads: words dropped from references, citation links made roles."""
    keys = bib_keys_in() if bib_keys is None else bib_keys

    def role(match):
        name, body = match.groups()
        explicit = EXPLICIT.match(body)
        if explicit and name in ("prf:ref", "numref", "eq"):
            return f"{{{name}}}`{explicit.group(2)}`"
        return match.group(0)

    def link(match):
        words, target = match.groups()
        cited = target.split(",")
        if not all(key in keys for key in cited):
            return match.group(0)
        role = "cite:p" if words.startswith("(") else "cite:t"
        return f"{{{role}}}`{target}`"

    return LINK.sub(link, ROLE.sub(role, markdown))


def notebook_to_book(text, bib_keys=None):
    """`to_book` on every markdown cell of a notebook's JSON text."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = to_book(source(cell), bib_keys)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _source_read(app, docname, content):
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        content[0] = notebook_to_book(content[0])


def setup(app):
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- JupyterLab's side -----------------------------------------------------------------------------

@functools.lru_cache
def bib_keys_in(path=ROOT / "references.bib"):
    """The keys of references.bib (read fast: the book's build needs only these)."""
    return frozenset(re.findall(r"^@\w+\{\s*([^,\s]+)\s*,", Path(path).read_text(), re.M))


@functools.lru_cache
def bibliography(path=ROOT / "references.bib"):
    """key -> (authors, year) of every entry: "Bishop", "Neal and Hinton", "Dempster et al."."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    words = {}
    for key, entry in parse_file(str(path)).entries.items():
        names = [Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as("text")
                 for p in entry.persons["author"]]
        authors = names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2 else f"{names[0]} et al."
        words[key] = (authors, entry.fields["year"])
    return words


def citation(kind, keys, bib):
    """Author-year words for {cite:t} ("Neal and Hinton (1998)") or {cite:p} ("(Bishop, 2006)")."""
    missing = [key for key in keys if key not in bib]
    if missing:
        raise SystemExit(f"jupyter_refs: {', '.join(missing)} not in references.bib; add the entry first")
    pairs = [bib[key] for key in keys]
    if kind == "cite:t":
        return ", ".join(f"{authors} ({year})" for authors, year in pairs)
    return "(" + "; ".join(f"{authors}, {year}" for authors, year in pairs) + ")"


def targets(paths):
    """label -> (notebook stem, kind, words, cell index) for every label the chapters define."""
    found = {}
    for path in paths:
        cells = json.loads(path.read_text())["cells"]
        for index, cell in enumerate(cells):
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
            if "name" in figure:
                found[figure["name"]] = (path.stem, "figure", "", index)
            if cell["cell_type"] != "markdown":
                continue
            text = source(cell)
            for _, name, title, options in DIRECTIVE.findall(text):
                label = re.search(r":label:\s*(\S+)", options)
                if label:
                    kind = name.split(":")[-1]
                    found[label.group(1)] = (path.stem, kind, title.strip(), index)
            for label in EQUATION.findall(text):
                found[label] = (path.stem, "equation", "", index)
            for label in HEADING_TARGET.findall(text):
                found[label] = (path.stem, "section", "", index)
    return found


def chapter_titles(paths):
    titles = {}
    for path in paths:
        for cell in json.loads(path.read_text())["cells"]:
            heading = re.search(r"^# (.+)$", source(cell), re.M) if cell["cell_type"] == "markdown" else None
            if heading:
                titles[path.stem] = heading.group(1).strip()
                break
    return titles


def _capital(words, before):
    return words[0].upper() + words[1:] if SENTENCE_START.search(before) else words


def reference_words(name, label, here, index, found, titles):
    """The words JupyterLab shows for a reference, or None where it resolves the label itself."""
    if label not in found:
        raise SystemExit(f"jupyter_refs: {here}: no target {label!r} in the chapters")
    stem, kind, title, target_index = found[label]
    if kind == "figure":
        if stem == here:
            return "the figure below" if target_index > index else "the figure above"
        return f"a figure of {titles[stem]}"
    if stem == here:
        return None
    if name == "eq":
        return f"(an equation of {titles[stem]})"
    return f"{kind.capitalize()} ({title})" if title else f"a {kind} of {titles[stem]}"


def to_jupyter(markdown, here, index, found, titles, bib):
    """A markdown cell of chapter ``here`` (cell ``index``) with words for every reference JupyterLab
    cannot resolve; `to_book` of the result is `to_book` of the input."""
    markdown = to_book(markdown, set(bib))
    out, last = [], 0
    for match in ROLE.finditer(markdown):
        name, label = match.groups()
        out.append(markdown[last:match.start()])
        before = "".join(out)
        if name.startswith("cite"):
            if name not in ("cite", "cite:p", "cite:t"):
                raise SystemExit(f"jupyter_refs: {here}: write {{cite:t}} or {{cite:p}}, not {{{name}}}")
            keys = [key.strip() for key in label.split(",")]
            out.append(f"[{citation(name, keys, bib)}](#{','.join(keys)})")  # {cite} is {cite:p}
        else:
            words = reference_words(name, label, here, index, found, titles)
            out.append(match.group(0) if words is None
                       else f"{{{name}}}`{_capital(words, before)} <{label}>`")
        last = match.end()
    out.append(markdown[last:])
    return DOC.sub(lambda m: _chapter_link(m.group(1), here, titles), "".join(out))


def _chapter_link(stem, here, titles):
    """A link to a chapter by its title: JupyterLab opens the notebook, the book links the page."""
    if stem not in titles:
        raise SystemExit(f"jupyter_refs: {here}: {{doc}}`{stem}` is no chapter notebook")
    return f"[{titles[stem]}]({stem}.ipynb)"


def chapter_paths():
    return sorted(CHAPTERS.glob("*.ipynb"))


def updated(paths=None, bib=None):
    """path -> the notebook's new JSON text, for every chapter whose references need new words."""
    paths = chapter_paths() if paths is None else paths
    bib = bibliography() if bib is None else bib
    found, titles = targets(paths), chapter_titles(paths)
    changed = {}
    for path in paths:
        text = path.read_text()
        nb = json.loads(text)
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                new = to_jupyter(source(cell), path.stem, index, found, titles, bib)
                if new != source(cell):
                    cell["source"] = new.splitlines(keepends=True)
        new_text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new_text != text:
            changed[path] = new_text
    return changed


def main(argv):
    changed = updated()
    if "--check" in argv:
        if changed:
            names = ", ".join(p.name for p in changed)
            raise SystemExit(f"jupyter_refs: references without their words in {names}: "
                             "run python scripts/jupyter_refs.py")
        return
    for path, text in changed.items():
        path.write_text(text)
        print(f"jupyter_refs: wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
