"""Tests of the panels drawn in chapters 5–8 (emlib.plotting) and of the MNIST subset they show.

Expectations never come from the code under test: Jensen's gap is computed here from its
definition, predicted convergence lines as e0·ρ^t, best candidates with argmin/argmax, images by
reshaping the rows handed in; the MNIST labels are checked against what the digits look like.
"""

import fnmatch
from pathlib import Path

import matplotlib
import tomllib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from emlib import datasets, plotting

ROOT = Path(__file__).resolve().parents[1]


def _axes(n=1):
    fig = Figure(figsize=(6, 4), dpi=50)
    FigureCanvasAgg(fig)
    return fig, (fig.subplots() if n == 1 else fig.subplots(1, n))


# ---- plot_jensen -------------------------------------------------------------------------------
def test_plot_jensen_gap_is_log_of_mean_minus_mean_of_logs():
    points, weights = np.array([0.6, 5.0]), np.array([0.4, 0.6])
    _, ax = _axes()
    art = plotting.plot_jensen(points, weights, ax=ax)
    mean = 0.4 * 0.6 + 0.6 * 5.0
    mean_log = 0.4 * np.log(0.6) + 0.6 * np.log(5.0)
    x, y = art.gap.get_data()
    np.testing.assert_allclose(x, [mean, mean])
    np.testing.assert_allclose(y, [mean_log, np.log(mean)])
    assert np.log(mean) - mean_log > 0.4  # a visible gap for these points
    np.testing.assert_allclose(art.points.get_offsets(), np.c_[points, np.log(points)])
    np.testing.assert_allclose(art.chord.get_ydata(), np.log(points))
    curve_x, curve_y = art.curve.get_data()
    np.testing.assert_allclose(curve_y, np.log(curve_x))
    assert curve_x.min() < points.min() and curve_x.max() > points.max()


def test_plot_jensen_equal_points_have_no_gap():
    _, ax = _axes()
    p = 3.9e-5
    art = plotting.plot_jensen([p, p * (1 + 1e-15)], [0.49, 0.51], ax=ax)
    _, y = art.gap.get_data()
    assert abs(y[1] - y[0]) < 1e-12
    assert art.gap.get_label() == "Jensen's gap 0"


def test_plot_jensen_three_points_has_no_chord():
    _, ax = _axes()
    art = plotting.plot_jensen([1.0, 2.0, 4.0], [0.2, 0.3, 0.5], ax=ax)
    assert art.chord is None
    _, y = art.gap.get_data()
    np.testing.assert_allclose(y[1], np.log(0.2 + 0.6 + 2.0))


@pytest.mark.parametrize(
    "points, weights, word",
    [([1.0, -2.0], [0.5, 0.5], "points"), ([1.0, 2.0], [0.5, 0.6], "weights"), ([1.0, 2.0, 3.0], [0.5, 0.5], "points")],
)
def test_plot_jensen_rejects_bad_input(points, weights, word):
    _, ax = _axes()
    with pytest.raises(ValueError, match=word):
        plotting.plot_jensen(points, weights, ax=ax)


# ---- plot_coordinate_ascent --------------------------------------------------------------------
def test_plot_coordinate_ascent_draws_the_path_and_one_arrow_per_move():
    q = np.linspace(-1, 1, 21)
    theta = np.linspace(-2, 2, 41)
    elbo = -(theta[:, None] ** 2) - (q[None, :] - 0.5 * theta[:, None]) ** 2  # rows θ, columns q
    path = [(1.0, 1.0), (1.0, 0.5), (0.25, 0.5), (0.25, 0.125)]
    _, ax = _axes()
    art = plotting.plot_coordinate_ascent(q, theta, elbo, path, ax=ax)
    np.testing.assert_allclose(np.c_[art.path.get_data()], np.array(path))
    assert len(art.arrows) == len(path) - 1
    for arrow, start, end in zip(art.arrows, path[:-1], path[1:]):
        np.testing.assert_allclose(arrow.xy, end)
        np.testing.assert_allclose(arrow.xyann, start)
    levels = np.asarray(art.contours.levels)
    assert levels.min() >= elbo.min() and levels.max() <= elbo.max() and len(levels) > 5


def test_plot_coordinate_ascent_rejects_a_transposed_grid():
    q, theta = np.linspace(0, 1, 5), np.linspace(0, 1, 7)
    _, ax = _axes()
    with pytest.raises(ValueError, match="elbo must have shape"):
        plotting.plot_coordinate_ascent(q, theta, np.zeros((5, 7)), [(0, 0)], ax=ax)
    with pytest.raises(ValueError, match="path"):
        plotting.plot_coordinate_ascent(q, theta, np.zeros((7, 5)), [(0, 0, 0)], ax=ax)


# ---- plot_convergence --------------------------------------------------------------------------
def test_plot_convergence_lines_and_predicted_rates():
    errors = {"EM": 2.0 * 0.3 ** np.arange(10), "gradient": 2.0 * 0.7 ** np.arange(10)}
    _, ax = _axes()
    lines = plotting.plot_convergence(errors, ax=ax, rates={"EM": 0.3})
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(lines["EM"].get_ydata(), errors["EM"])
    np.testing.assert_allclose(lines["gradient"].get_xdata(), np.arange(10))
    predicted = lines["EM (predicted)"].get_ydata()
    np.testing.assert_allclose(predicted, [2.0 * 0.3**t for t in range(10)])
    assert "gradient (predicted)" not in lines


def test_plot_convergence_rejects_a_rate_without_a_line():
    _, ax = _axes()
    with pytest.raises(ValueError, match="rates"):
        plotting.plot_convergence({"EM": [1.0, 0.5]}, ax=ax, rates={"Newton": 0.0})


# ---- plot_gap ----------------------------------------------------------------------------------
def test_plot_gap_shades_between_bound_and_log_likelihood():
    ll = np.array([-10.0, -6.0, -5.0, -4.5])
    bound = np.array([-12.0, -6.5, -5.0, -4.9])
    x = np.array([0.5, 1.0, 1.5, 2.0])
    _, ax = _axes()
    art = plotting.plot_gap(ll, bound, ax=ax, x=x)
    np.testing.assert_allclose(art.log_likelihood.get_ydata(), ll)
    np.testing.assert_allclose(art.bound.get_ydata(), bound)
    np.testing.assert_allclose(art.bound.get_xdata(), x)
    vertices = art.gap.get_paths()[0].vertices
    # the shaded region runs along both curves: every (x, ll) and (x, bound) is one of its vertices
    for xi, top, bottom in zip(x, ll, bound):
        assert np.any(np.all(np.isclose(vertices, [xi, top]), axis=1))
        assert np.any(np.all(np.isclose(vertices, [xi, bottom]), axis=1))


def test_plot_gap_rejects_mismatched_input():
    _, ax = _axes()
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_gap([1.0, 2.0], [1.0], ax=ax)
    with pytest.raises(ValueError, match="x must"):
        plotting.plot_gap([1.0, 2.0], [0.0, 1.0], ax=ax, x=[0.0])


# ---- plot_criteria -----------------------------------------------------------------------------
def _stars(ax):
    return [line for line in ax.lines if line.get_marker() == "*"]


def test_plot_criteria_numeric_candidates_star_the_best():
    Ks = [1, 2, 4, 8]
    bic = np.array([30.0, 10.0, 12.0, 20.0])
    held_out = np.array([-5.0, -4.0, -3.5, -3.9])
    _, (left, right) = _axes(2)
    lines = plotting.plot_criteria(Ks, {"BIC": bic}, ax=left)
    np.testing.assert_allclose(lines["BIC"].get_xdata(), Ks)
    np.testing.assert_allclose(lines["BIC"].get_ydata(), bic)
    (star,) = _stars(left)
    assert star.get_xdata()[0] == Ks[int(np.argmin(bic))] and star.get_ydata()[0] == bic.min()
    plotting.plot_criteria(Ks, {"held-out": held_out}, ax=right, lower_is_better=False)
    (star,) = _stars(right)
    assert star.get_xdata()[0] == Ks[int(np.argmax(held_out))]


def test_plot_criteria_categories_give_grouped_bars():
    kinds = ["full", "tied", "diag", "spherical"]
    aic, bic = np.array([5.0, 4.0, 9.0, 9.5]), np.array([6.0, 4.5, 9.9, 9.8])
    _, ax = _axes()
    bars = plotting.plot_criteria(kinds, {"AIC": aic, "BIC": bic}, ax=ax)
    np.testing.assert_allclose([b.get_height() for b in bars["AIC"]], aic)
    np.testing.assert_allclose([b.get_height() for b in bars["BIC"]], bic)
    assert [t.get_text() for t in ax.get_xticklabels()] == kinds
    stars = _stars(ax)
    assert sorted(s.get_ydata()[0] for s in stars) == sorted([aic.min(), bic.min()])
    # each star sits on its bar: the second candidate's bar for both criteria
    centres = {round(b.get_x() + b.get_width() / 2, 9) for b in (bars["AIC"][1], bars["BIC"][1])}
    assert {round(s.get_xdata()[0], 9) for s in stars} == centres


def test_plot_criteria_rejects_a_wrong_length():
    _, ax = _axes()
    with pytest.raises(ValueError, match="BIC"):
        plotting.plot_criteria([1, 2, 3], {"BIC": [1.0, 2.0]}, ax=ax)


# ---- plot_image_grid ---------------------------------------------------------------------------
def test_plot_image_grid_shows_each_row_as_an_image():
    rng = np.random.default_rng(0)
    images = (rng.uniform(size=(7, 12)) < 0.3).astype(float)
    fig = Figure(figsize=(6, 3), dpi=50)
    FigureCanvasAgg(fig)
    drawn = plotting.plot_image_grid(images, (3, 4), fig=fig, n_cols=4, titles=[str(i) for i in range(7)])
    assert len(drawn) == 7 and len(fig.axes) == 8  # a 2 × 4 grid, the last cell left empty
    for i, (row, image) in enumerate(zip(images, drawn)):
        np.testing.assert_array_equal(image.get_array(), row.reshape(3, 4))
        assert image.axes.get_title() == str(i)
    assert not fig.axes[-1].images and not fig.axes[-1].axison


def test_plot_image_grid_rejects_a_wrong_image_shape():
    fig = Figure()
    with pytest.raises(ValueError, match="image_shape"):
        plotting.plot_image_grid(np.zeros((2, 10)), (3, 3), fig=fig)


# ---- no side effects ---------------------------------------------------------------------------
def test_new_panels_never_show_or_save(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a plotting function called show or savefig")

    monkeypatch.setattr(plt, "show", forbidden)
    monkeypatch.setattr(Figure, "savefig", forbidden)
    _, axes = _axes(5)
    plotting.plot_jensen([1.0, 2.0], [0.5, 0.5], ax=axes[0])
    plotting.plot_coordinate_ascent([0, 1, 2], [0, 1], np.arange(6.0).reshape(2, 3), [(0, 0), (1, 1)], ax=axes[1])
    plotting.plot_convergence({"EM": [1.0, 0.1]}, ax=axes[2])
    plotting.plot_gap([0.0, 1.0], [-1.0, 0.5], ax=axes[3])
    plotting.plot_criteria([1, 2], {"BIC": [2.0, 1.0]}, ax=axes[4])


# ---- the MNIST subset --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mnist():
    return datasets.load_mnist_binary()


def test_mnist_subset_shape_values_and_balance(mnist):
    X, labels = mnist
    assert X.shape == (2000, 784) and labels.shape == (2000,)
    assert set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(np.bincount(labels), np.full(10, 200))
    assert 0.05 < X.mean() < 0.3  # thin strokes on a blank page
    assert len(np.unique(X, axis=0)) == 2000  # 2,000 different images


def test_mnist_labels_match_the_pictures(mnist):
    """A 0 is a ring (blank centre, inked sides), a 1 a vertical stroke through the centre."""
    X, labels = mnist
    zeros, ones = X[labels == 0].mean(axis=0).reshape(28, 28), X[labels == 1].mean(axis=0).reshape(28, 28)
    assert zeros[14, 14] < 0.2 and zeros[14, 8] > 0.5
    assert ones[14, 14] > 0.8 and ones[14, 8] < 0.1


def test_mnist_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["emlib"]
    assert (ROOT / "emlib" / "data" / "mnist_2000.npz").is_file()
    assert any(fnmatch.fnmatch("data/mnist_2000.npz", p) for p in patterns)
