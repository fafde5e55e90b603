"""The drawing functions of the early chapters: equal aspect, the graphical model, spiky densities
and objective profiles. Expected values are computed by hand or with scipy, never by emlib."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.stats import norm

from emlib import plotting


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_scatter_and_ellipses_are_drawn_at_equal_aspect(ax):
    X = np.array([[0.0, 0.0], [6.0, 1.0], [5.0, 1.5]])  # spreads 6 and 1.5
    plotting.plot_data(X, ax=ax)
    assert ax.get_aspect() == 1.0
    fig, (a, b) = plt.subplots(1, 2)
    plotting.plot_gaussians([[0.0, 0.0]], [np.diag([4.0, 0.25])], ax=a)
    plotting.plot_kmeans(X, X[:2], np.array([0, 1, 0]), ax=b)  # its Voronoi image asks for "auto"
    assert a.get_aspect() == 1.0 and b.get_aspect() == 1.0
    plt.close(fig)


def test_data_on_very_different_scales_keep_a_free_aspect(ax):
    # like Old Faithful: eruptions spread over 3.5 minutes, waiting times over 53
    X = np.array([[1.6, 43.0], [5.1, 96.0], [3.0, 70.0]])
    plotting.plot_data(X, ax=ax)
    plotting.plot_gaussians([[2.0, 54.0], [4.3, 80.0]], [np.diag([0.05, 35.0]), np.diag([0.2, 34.0])], ax=ax)
    assert ax.get_aspect() == "auto"


def test_a_rug_keeps_its_free_aspect(ax):
    plotting.plot_data(np.array([0.0, 1.0, 3.0]), ax=ax)
    assert ax.get_aspect() == "auto"


def test_graphical_model_has_its_nodes_arrows_and_plate(ax):
    drawn = plotting.plot_mixture_graph(ax=ax)
    assert set(drawn.nodes) == {"pi", "z", "x", "mu", "Sigma"} and len(drawn.arrows) == 4
    # the observed x_n is shaded, the latent z_n is not
    assert drawn.nodes["x"].get_facecolor()[:3] != drawn.nodes["z"].get_facecolor()[:3]
    assert drawn.nodes["z"].get_facecolor()[:3] == (1.0, 1.0, 1.0)
    # the plate encloses z_n and x_n and leaves the parameters outside
    box = drawn.plate.get_bbox()

    def inside(name):
        return box.contains(*drawn.nodes[name].center)

    assert inside("z") and inside("x") and not any(inside(p) for p in ("pi", "mu", "Sigma"))
    assert ax.get_aspect() == 1.0 and not ax.axison


def test_a_spike_is_drawn_at_its_true_height(ax):
    weights, means, variances = [0.01, 0.99], [0.3, 0.0], [1e-8, 1.0]
    line = plotting.plot_density_1d(weights, means, variances, ax=ax, x_range=(-4, 4))
    x, y = line.get_data()
    peak = 0.01 * norm(0.3, 1e-4).pdf(0.3) + 0.99 * norm(0, 1).pdf(0.3)  # ≈ 39.9 + 0.38
    assert np.isclose(y.max(), peak, rtol=1e-9) and np.isclose(x[np.argmax(y)], 0.3)
    assert np.isclose(np.trapezoid(y, x), norm.cdf(4) - norm.cdf(-4), atol=2e-3)  # still a density
    assert x.min() >= -4 and x.max() <= 4 and np.all(np.diff(x) > 0)


def test_density_uses_the_axes_range_by_default(ax):
    ax.set_xlim(-1, 2)
    x, _ = plotting.plot_density_1d([1.0], [0.0], [1.0], ax=ax).get_data()
    assert x.min() == -1 and x.max() == 2


def test_density_rejects_bad_parameters(ax):
    with pytest.raises(ValueError, match="variances must be positive"):
        plotting.plot_density_1d([1.0], [0.0], [0.0], ax=ax, x_range=(-1, 1))
    with pytest.raises(ValueError, match="one entry per component"):
        plotting.plot_density_1d([0.5, 0.5], [0.0], [1.0], ax=ax, x_range=(-1, 1))


def test_profiles_mark_each_maximum(ax):
    x = np.linspace(-2, 2, 41)
    curves = {"a": -(x - 0.5) ** 2, "b": np.where(x < -1, -np.inf, -np.abs(x + 1))}
    drawn = plotting.plot_profiles(x, curves, ax=ax, mark_max=True)
    assert [line.get_label() for line in drawn.lines] == ["a", "b"]
    assert drawn.peaks[0].get_data()[0][0] == pytest.approx(0.5)
    assert drawn.peaks[1].get_data()[0][0] == pytest.approx(-1.0)
    assert plotting.plot_profiles(x, {"a": x}, ax=ax).peaks == [None]


def test_profiles_reject_a_curve_of_the_wrong_length(ax):
    with pytest.raises(ValueError, match="one value per x"):
        plotting.plot_profiles(np.arange(3), {"short": [1.0, 2.0]}, ax=ax)
