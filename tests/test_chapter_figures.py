"""Chapter figures whose panels carry numbers: each panel's texts fit its width and stay clear of
the other panels.

The chapter's own code cells run, up to the figure's cell (cells that only show a widget or an
animation are left out, they draw nothing the figure needs), with the text sizes the website's
build uses (scripts/book_kernel_config.py), and the figure it leaves is measured.
"""

import itertools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"


def _book_rc():
    """The rcParams the website's kernels draw with."""
    config = Config()
    exec((ROOT / "scripts" / "book_kernel_config.py").read_text(), {"get_config": lambda: config})
    return dict(config.InlineBackend.rc)


def _figure_of(chapter, name):
    cells = json.loads((CHAPTERS / f"{chapter}.ipynb").read_text())["cells"]
    namespace = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if any(call in source for call in ("show_em(", "show_annealing(", "animate(")):
            continue
        plt.close("all")
        exec(compile(source, f"{chapter}:{cell['id']}", "exec"), namespace)
        if cell["metadata"].get("mystnb", {}).get("figure", {}).get("name") == name:
            return plt.gcf()
    raise AssertionError(f"{chapter} has no figure named {name}")


@pytest.mark.parametrize("chapter, name", [("05_why_em_works", "fig-whyem-bound")])
def test_a_panels_texts_fit_it_and_stay_clear_of_the_other_panels(chapter, name):
    with matplotlib.rc_context(_book_rc()):
        fig = _figure_of(chapter, name)
    try:
        fig.canvas.draw()
        axes = [ax for ax in fig.axes if ax.get_visible()]
        own = {ax: [t for t in [*ax.texts, ax.title] if t.get_visible() and t.get_text().strip()] for ax in axes}
        for ax, texts in own.items():
            panel = ax.get_window_extent()
            for text in texts:
                box = text.get_window_extent()
                assert panel.x0 <= box.x0 and box.x1 <= panel.x1, f"{text.get_text()!r} is wider than its panel"
                for other in axes:
                    if other is not ax:
                        assert not box.overlaps(other.get_window_extent()), \
                            f"{text.get_text()!r} runs into the next panel"
        for one, two in itertools.combinations(own.values(), 2):
            for s, t in itertools.product(one, two):
                assert not s.get_window_extent().overlaps(t.get_window_extent()), \
                    f"{s.get_text()!r} and {t.get_text()!r} overlap"
    finally:
        plt.close("all")
