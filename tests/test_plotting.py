"""Tests of emlib.plotting: what is drawn must match the history it is drawn from.

Expectations never come from the code under test: ellipse outlines are checked against the
Mahalanobis distance under the entry's covariances, colours against the Okabe–Ito hex codes written
out here, densities against scipy.stats, and curve and bar values against the history's own fields.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

import emlib
from emlib import datasets, plotting

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RGB = np.array([matplotlib.colors.to_rgb(c) for c in OKABE_ITO])


def _figure():
    fig = Figure(figsize=(10, 3.4), dpi=50)
    FigureCanvasAgg(fig)
    return fig


def _fit(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        return model.fit(X)


def _full(cov, kind, K, D):
    """The (K, D, D) covariances, expanded by hand for the test."""
    cov = np.asarray(cov)
    if kind == "full":
        return cov
    if kind == "tied":
        return np.array([cov] * K)
    if kind == "diag":
        return np.array([np.diag(c) for c in cov])
    return np.array([c * np.eye(D) for c in cov])


def _posterior(X, params):
    """r_nk from scipy.stats densities, independent of emlib."""
    K, D = params.means.shape
    covs = _full(params.covariances, params.covariance_type, K, D)
    joint = np.column_stack(
        [params.weights[k] * stats.multivariate_normal(params.means[k], covs[k]).pdf(X) for k in range(K)]
    )
    return joint / joint.sum(axis=1, keepdims=True)


def assert_ellipses_match(gaussian_artists, params, sigmas=(1, 2, 3)):
    """Every drawn outline lies at Mahalanobis distance s from μ_k under Σ_k; its centre is μ_k and
    its semi-axes are s·√λ for the eigenvalues λ of Σ_k."""
    K, D = params.means.shape
    covs = _full(params.covariances, params.covariance_type, K, D)
    assert len(gaussian_artists.ellipses) == K
    for k in range(K):
        assert len(gaussian_artists.ellipses[k]) == len(sigmas)
        for patch, s in zip(gaussian_artists.ellipses[k], sigmas):
            np.testing.assert_allclose(patch.center, params.means[k, :2], rtol=1e-12, atol=1e-12)
            points = patch.get_patch_transform().transform(patch.get_path().vertices)
            diff = points - params.means[k, :2]
            d2 = np.einsum("nd,nd->n", diff, np.linalg.solve(covs[k][:2, :2], diff.T).T)
            # Bézier control points of the circle lie slightly off it; the path's on-curve points are
            # every third vertex.
            np.testing.assert_allclose(d2[::3], s**2, rtol=1e-6)
            semi = np.sort([patch.width / 2, patch.height / 2])
            np.testing.assert_allclose(semi, s * np.sqrt(np.linalg.eigvalsh(covs[k][:2, :2])), rtol=1e-9)
    np.testing.assert_allclose(gaussian_artists.means.get_offsets(), params.means[:, :2], rtol=1e-12)


@pytest.fixture(scope="module")
def blobs():
    X, _ = datasets.blobs([[0, 0], [5, 0], [2, 5]], [[[1.0, 0.6], [0.6, 1.0]], [[0.5, 0], [0, 0.2]], [[1, 0], [0, 2]]],
                          300, random_state=1)
    return X


# ---- colours -----------------------------------------------------------------------------------
def test_palette_is_okabe_ito():
    assert [c.upper() for c in plotting.PALETTE] == OKABE_ITO


def test_blend_colors_one_hot_and_mixed():
    resp = np.array([[1, 0, 0], [0, 0, 1], [0.5, 0.5, 0], [0.2, 0.3, 0.5]])
    colours = plotting.blend_colors(resp)
    np.testing.assert_allclose(colours[0], RGB[0])
    np.testing.assert_allclose(colours[1], RGB[2])
    np.testing.assert_allclose(colours[2], (RGB[0] + RGB[1]) / 2)
    np.testing.assert_allclose(colours[3], 0.2 * RGB[0] + 0.3 * RGB[1] + 0.5 * RGB[2])


def test_plot_data_grey_without_resp_and_blended_with():
    fig = _figure()
    ax = fig.add_subplot()
    X = np.random.default_rng(0).normal(size=(20, 2))
    grey = plotting.plot_data(X, ax=ax)
    face = grey.get_facecolors()
    assert np.allclose(face[:, 0], face[:, 1]) and np.allclose(face[:, 1], face[:, 2])  # grey: R = G = B
    resp = np.random.default_rng(1).dirichlet([1, 1], size=20)
    coloured = plotting.plot_data(X, resp, ax=ax)
    np.testing.assert_allclose(coloured.get_facecolors()[:, :3], resp @ RGB[:2], atol=1e-12)
    np.testing.assert_allclose(coloured.get_offsets(), X)


def test_plot_data_1d_is_a_rug():
    fig = _figure()
    ax = fig.add_subplot()
    x = np.array([1.0, 2.0, 4.0])
    rug = plotting.plot_data(x, np.array([[1, 0], [0, 1], [1, 0]]), ax=ax)
    np.testing.assert_allclose(rug.get_offsets()[:, 0], x)
    np.testing.assert_allclose(rug.get_edgecolors()[:, :3], RGB[[0, 1, 0]])


# ---- Gaussians ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
def test_full_covariances(kind):
    rng = np.random.default_rng(0)
    K, D = 3, 2
    A = rng.normal(size=(K, D, D))
    shapes = {
        "full": A @ A.transpose(0, 2, 1) + np.eye(D),
        "tied": A[0] @ A[0].T + np.eye(D),
        "diag": rng.uniform(0.5, 2, size=(K, D)),
        "spherical": rng.uniform(0.5, 2, size=K),
    }
    np.testing.assert_allclose(plotting.full_covariances(shapes[kind], kind, K, D), _full(shapes[kind], kind, K, D))


def test_full_covariances_rejects_unknown_type():
    with pytest.raises(ValueError, match="covariance_type"):
        plotting.full_covariances(np.ones(3), "round", 3, 2)


def test_plot_gaussians_geometry_on_known_covariances():
    fig = _figure()
    ax = fig.add_subplot()
    means = np.array([[0.0, 0.0], [3.0, 1.0]])
    covs = np.array([[[4.0, 0.0], [0.0, 1.0]], [[2.0, 1.5], [1.5, 2.0]]])
    artists = plotting.plot_gaussians(means, covs, np.array([0.25, 0.75]), ax=ax)
    # component 0: axis-aligned, semi-axes 2 and 1 at 1σ; at 3σ, 6 and 3
    e = artists.ellipses[0][2]
    assert sorted([e.width, e.height]) == pytest.approx([6.0, 12.0])
    # component 1: eigenvalues 3.5 and 0.5, major axis along (1, 1), i.e. 45°
    e = artists.ellipses[1][0]
    assert e.width == pytest.approx(2 * np.sqrt(3.5)) and e.height == pytest.approx(2 * np.sqrt(0.5))
    assert e.angle % 180 == pytest.approx(45.0)
    # opacity by weight: the heavier component is the more opaque
    assert artists.ellipses[1][0].get_alpha() > artists.ellipses[0][0].get_alpha()


# ---- 1-D mixture -------------------------------------------------------------------------------
def test_plot_mixture_1d_uses_variances_not_standard_deviations():
    fig = _figure()
    ax = fig.add_subplot()
    x = np.random.default_rng(0).normal(size=200)
    weights, means, variances = np.array([0.3, 0.7]), np.array([-1.0, 2.0]), np.array([0.25, 4.0])
    artists = plotting.plot_mixture_1d(x, weights, means, variances.reshape(2, 1, 1), ax=ax)
    grid = artists.mixture.get_xdata()
    expected = [w * stats.norm(m, np.sqrt(v)).pdf(grid) for w, m, v in zip(weights, means, variances)]
    for line, exp in zip(artists.components, expected):
        np.testing.assert_allclose(line.get_ydata(), exp, rtol=1e-10)
    np.testing.assert_allclose(artists.mixture.get_ydata(), np.sum(expected, axis=0), rtol=1e-10)
    # a density histogram integrates to 1
    area = sum(p.get_height() * p.get_width() for p in artists.histogram)
    assert area == pytest.approx(1.0)


# ---- curve and bound ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gmm(blobs):
    return _fit(emlib.GaussianMixture(3, init_params="random", random_state=0, tol=1e-6), blobs)


def test_plot_curve_marks_the_entrys_log_likelihood(gmm):
    fig = _figure()
    ax = fig.add_subplot()
    h = gmm.history_
    for t in (0, 1, 2, 5, len(h) - 1):
        artists = plotting.plot_curve(h, t, ax=ax)
        xs, ys = artists.marker.get_data()
        assert list(xs) == [t] and ys[0] == h[t].log_likelihood
    np.testing.assert_array_equal(artists.line.get_ydata(), [s.log_likelihood for s in h])


def test_plot_bound_stacks_elbo_and_kl(gmm):
    fig = _figure()
    h = gmm.history_
    seen_positive_kl = False
    for t in range(1, min(len(h), 12)):
        ax = fig.add_subplot()
        bars = plotting.plot_bound(h[t], ax=ax)
        step = h[t]
        assert bars.elbo.get_y() + bars.elbo.get_height() == pytest.approx(step.elbo, rel=1e-12)
        assert bars.kl.get_y() == pytest.approx(step.elbo, rel=1e-12)
        assert bars.kl.get_height() == pytest.approx(step.kl, abs=1e-9)
        assert bars.log_likelihood.get_ydata()[0] == step.log_likelihood
        if step.phase == "E":
            assert abs(bars.kl.get_height()) < 1e-8 * abs(step.log_likelihood)
        else:
            seen_positive_kl |= bars.kl.get_height() > 1e-6
        fig.delaxes(ax)
    assert seen_positive_kl, "an M-step should open a visible KL gap"


def test_plot_bound_initial_entry_has_no_bars(gmm):
    fig = _figure()
    bars = plotting.plot_bound(gmm.history_[0], ax=fig.add_subplot())
    assert bars.elbo.get_height() == 0 and bars.kl.get_height() == 0
    assert bars.log_likelihood.get_ydata()[0] == gmm.history_[0].log_likelihood


# ---- the composite for a 2-D GMM ----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
def test_step_figure_gmm_matches_history(kind, blobs):
    model = _fit(emlib.GaussianMixture(3, covariance_type=kind, random_state=2, max_iter=8), blobs)
    h = model.history_
    fig = _figure()
    view = plotting.GaussianPanels(fig, h, blobs)
    for t in [0, 1, 2, 3, len(h) - 1, 4]:  # forward, to the end and back: updates must not drift
        view.draw(t)
        fig.canvas.draw()
        step = h[t]
        assert_ellipses_match(view.artists["gaussians"], step.params)
        xs, ys = view.artists["curve"].marker.get_data()
        assert xs[0] == t and ys[0] == step.log_likelihood
        face = view.artists["data"].get_facecolors()[:, :3]
        if step.phase == "init":
            assert np.allclose(face, face[:, :1])  # grey
            assert view.artists["bound"].kl.get_height() == 0
        else:
            # q of an E entry is the posterior at its θ; an M entry keeps the q of the E entry before it
            q_params = step.params if step.phase == "E" else h[t - 1].params
            np.testing.assert_allclose(face, _posterior(blobs, q_params) @ RGB[:3], atol=1e-7)
            assert view.artists["bound"].kl.get_height() == pytest.approx(step.kl, abs=1e-9)
    assert str(h[4].iteration) in view.status.get_text()


def test_draw_step_returns_view_at_t(gmm, blobs):
    view = plotting.draw_step(_figure(), gmm, blobs, -1)
    assert view.t == len(gmm.history_) - 1
    assert_ellipses_match(view.artists["gaussians"], gmm.history_[-1].params)


def test_draw_step_into_given_axes(gmm, blobs):
    fig = _figure()
    axes = fig.subplots(1, 3)
    view = plotting.draw_step(axes, gmm, blobs, 2)
    assert view.artists["data"].axes is axes[0]
    assert view.artists["curve"].line.axes is axes[1]
    assert view.artists["bound"].elbo.axes is axes[2]


def test_draw_step_needs_enough_axes(gmm, blobs):
    fig = _figure()
    with pytest.raises(ValueError, match="3 Axes"):
        plotting.draw_step(fig.subplots(1, 2), gmm, blobs, 0)


# ---- the other models --------------------------------------------------------------------------
def test_step_figure_gmm_1d():
    x = datasets.load_faithful()[0][:, :1]
    model = _fit(emlib.GaussianMixture(2, random_state=0), x)
    h = model.history_
    fig = _figure()
    view = plotting.GaussianPanels(fig, h, x)
    for t in (0, 1, 2, len(h) - 1):
        view.draw(t)
        p = h[t].params
        grid = view.artists["mixture"].mixture.get_xdata()
        sd = np.sqrt(p.covariances.reshape(-1))
        for k, line in enumerate(view.artists["mixture"].components):
            np.testing.assert_allclose(line.get_ydata(), p.weights[k] * stats.norm(p.means[k, 0], sd[k]).pdf(grid),
                                       rtol=1e-9)
        assert view.artists["curve"].marker.get_data()[1][0] == h[t].log_likelihood
        assert view.artists["bound"].kl.get_height() == pytest.approx(h[t].kl or 0.0, abs=1e-9)


def test_step_figure_bernoulli_prototypes():
    X, _ = datasets.coin_flips(n_trials=100, n_flips=16, random_state=0)
    model = _fit(emlib.BernoulliMixture(3, random_state=0), X)
    h = model.history_
    fig = _figure()
    view = plotting.BernoulliPanels(fig, h, X)
    for t in (0, 2, len(h) - 1):
        view.draw(t)
        images = view.artists["prototypes"]
        assert len(images) == 3
        for k, image in enumerate(images):
            np.testing.assert_allclose(image.get_array(), h[t].params.means[k].reshape(4, 4))
            assert f"{h[t].params.weights[k]:.2f}" in image.axes.get_title()
        assert view.artists["curve"].marker.get_data()[1][0] == h[t].log_likelihood


def test_plot_prototypes_checks_shape():
    with pytest.raises(ValueError, match="image_shape"):
        plotting.plot_prototypes(np.full((2, 10), 0.5), image_shape=(3, 3), fig=_figure())


def test_step_figure_kmeans(blobs):
    model = _fit(emlib.KMeans(3, random_state=0), blobs)
    h = model.history_
    fig = _figure()
    view = plotting.KMeansPanels(fig, h, blobs)
    for t in range(len(h)):
        view.draw(t)
        fig.canvas.draw()
        km = view.artists["kmeans"]
        centers = h[t].params.centers
        np.testing.assert_allclose(km.centers.get_offsets(), centers)
        # the Voronoi map: every grid cell holds its nearest centre
        regions = np.asarray(km.voronoi.get_array())
        x0, x1, y0, y1 = km.voronoi.get_extent()
        n = regions.shape[0]
        for i, j in [(0, 0), (n - 1, n - 1), (n // 2, n // 3), (7, n - 9)]:
            point = np.array([x0 + (x1 - x0) * j / (n - 1), y0 + (y1 - y0) * i / (n - 1)])
            assert regions[i, j] == np.argmin(np.linalg.norm(centers - point, axis=1))
        face = km.points.get_facecolors()[:, :3]
        if h[t].phase == "init":
            assert np.allclose(face, face[:, :1])
        else:
            labels_from = centers if h[t].phase == "E" else h[t - 1].params.centers
            nearest = np.argmin(((blobs[:, None] - labels_from[None]) ** 2).sum(axis=2), axis=1)
            np.testing.assert_allclose(face, RGB[nearest])
            assert view.artists["curve"].marker.get_data()[1][0] == h[t].distortion
    assert "bound" not in view.artists
    assert len(fig.axes) == 2


def test_plot_curve_kmeans_falls_back_to_distortion(blobs):
    model = _fit(emlib.KMeans(3, random_state=0), blobs)
    fig = _figure()
    ax = fig.add_subplot()
    artists = plotting.plot_curve(model.history_, 1, ax=ax)
    assert artists.marker.get_data()[1][0] == model.history_[1].distortion
    assert "distortion" in ax.get_ylabel()


def test_plot_bound_rejects_kmeans_steps(blobs):
    model = _fit(emlib.KMeans(3, random_state=0), blobs)
    with pytest.raises(ValueError, match="k-means"):
        plotting.plot_bound(model.history_[1], ax=_figure().add_subplot())


def test_panels_are_chosen_by_the_models_class(blobs):
    assert plotting.panels_for(emlib.GaussianMixture(2)) is plotting.GaussianPanels
    assert plotting.panels_for(emlib.BernoulliMixture) is plotting.BernoulliPanels
    assert plotting.panels_for(emlib.KMeans(2)) is plotting.KMeansPanels

    class MyMixture(emlib.GaussianMixture):
        pass

    assert plotting.panels_for(MyMixture(2)) is plotting.GaussianPanels  # a subclass: its emlib parent's
    with pytest.raises(TypeError, match="GaussianMixture, BernoulliMixture, KMeans"):
        plotting.panels_for(object())


def test_panels_reject_another_models_history(blobs):
    kmeans = _fit(emlib.KMeans(3, random_state=0), blobs)
    with pytest.raises(TypeError, match="GaussianMixture"):
        plotting.GaussianPanels(_figure(), kmeans.history_, blobs)


# ---- the house rules -----------------------------------------------------------------------------
def test_plotting_never_shows_saves_or_touches_rcparams(gmm, blobs, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("plotting must not show or save")

    monkeypatch.setattr(plt, "show", forbidden)
    monkeypatch.setattr(plt, "savefig", forbidden)
    monkeypatch.setattr(Figure, "savefig", forbidden)
    before = dict(matplotlib.rcParams)
    fig = plt.figure()
    try:
        plotting.plot_data(blobs)  # ax=None: the current axes
        assert plt.gca().collections, "ax=None draws on plt.gca()"
        p = gmm.history_[-1].params
        plotting.plot_gaussians(p.means, p.covariances, p.weights)
        plotting.plot_curve(gmm.history_, 3)
        plotting.plot_bound(gmm.history_[3])
        plotting.plot_kmeans(blobs, p.means, np.zeros(len(blobs), dtype=int))
        plotting.plot_mixture_1d(blobs[:, 0], p.weights, p.means[:, 0], p.covariances[:, 0, 0])
        plotting.draw_step(fig, gmm, blobs, 2)
    finally:
        plt.close(fig)
    assert dict(matplotlib.rcParams) == before


def test_an_off_scale_start_does_not_flatten_the_curve():
    import emlib
    from emlib import datasets, plotting

    X, _ = datasets.load_faithful()
    model = emlib.GaussianMixture(2, init_params="random_from_data", random_state=0).fit(X)
    ll = model.history_.series("log_likelihood")
    fit = ll[2:]  # the start and the first E-step share θ0
    assert ll[0] == ll[1] < fit.min() - 20 * np.ptp(fit)  # the situation this guards against
    fig, ax = plt.subplots()
    plotting.plot_curve(model.history_, t=3, ax=ax)
    low, high = ax.get_ylim()
    assert ll[0] < low <= fit.min() and high >= fit.max()
    assert high - low < 2 * np.ptp(fit)
    plt.close(fig)
    fig = plt.figure()
    bar_low, bar_high = plotting.draw_step(fig, model, X, 4).axes[2].get_ylim()
    assert ll[0] < bar_low and bar_high - bar_low < 5 * np.ptp(fit)
    plt.close(fig)


def _five_groups():
    square = 1.3 * np.array([[0, 0], [3, 0], [0, 3], [3, 3], [1.5, 1.5]])
    return datasets.blobs(square, np.full(5, 0.35), n_samples=500, random_state=1)[0]


@pytest.mark.parametrize("K, seed", [(5, 3), (4, 7)])
def test_the_off_scale_note_stays_in_its_panel_and_off_the_curve(K, seed):
    """The animations' stacked panels, legible on a phone: the note naming the start's value stays
    in the figure, crosses no panel, curve, marker or the bound's numbers, and writes the value as
    the bound panel does (−8.46e8, not -8.46e+08)."""
    X = _five_groups()
    model = emlib.GaussianMixture(K, init_params="random_from_data", random_state=seed).fit(X)
    start = model.history_[0].log_likelihood
    assert start < -1e5  # a start on single points: off the scale
    fig = Figure(figsize=(4.0, 4.2), dpi=115)
    FigureCanvasAgg(fig)
    ax = plotting.draw_step(fig, model, X, 2, layout="stacked").axes[1]
    fig.canvas.draw()
    (note,) = [text for text in ax.texts if "off the scale" in text.get_text()]
    mantissa, exponent = f"{start:.2e}".split("e")
    assert note.get_text().startswith(f"start: \u2212{mantissa[1:]}e{int(exponent)}\n")
    box = note.get_window_extent()
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1
    others = [a.get_window_extent() for a in fig.axes] + [t.get_window_extent() for t in fig.axes[2].texts]
    assert not any(box.overlaps(other) for other in others)  # neither a panel nor the bound's numbers
    for line in ax.lines:
        xy = line.get_xydata()
        xy = xy[np.isfinite(xy).all(axis=1)]
        if not len(xy):
            continue
        # the polyline, 50 points to a segment, in pixels
        s = np.linspace(0, 1, 50)[:, None, None]
        points = ax.transData.transform((xy[:-1] + s * (xy[1:] - xy[:-1])).reshape(-1, 2)) if len(xy) > 1 \
            else ax.transData.transform(xy)
        margin = 9 if line.get_marker() == "o" else 0  # the marker's circle, not only its centre
        inside = ((points[:, 0] > box.x0 - margin) & (points[:, 0] < box.x1 + margin)
                  & (points[:, 1] > box.y0 - margin) & (points[:, 1] < box.y1 + margin))
        assert not inside.any(), f"the note covers the curve near {points[inside][0]}"
    view = plotting.draw_step(fig, model, X, 0, layout="stacked")  # θ₀: its value is off the scale
    low, high = view.axes[1].get_ylim()
    (t,), (y,) = view.artists["curve"].marker.get_data()
    assert t == 0 and y == low < high  # the marker shows the half-step on the bottom edge
    assert view.draw(1).artists["curve"].marker.get_data() == ([1], [low])  # the E-step keeps θ₀
    assert view.draw(2).artists["curve"].marker.get_data() == ([2], [model.history_[2].log_likelihood])


def test_curve_ticks_are_whole_half_steps_and_values_without_offset(gmm):
    fig = _figure()
    ax = fig.add_subplot()
    plotting.plot_curve(gmm.history_, 3, ax=ax)
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # never "2.5"
    assert ax.yaxis.get_offset_text().get_text() == ""  # no "−2.135e2" beside the axis


def test_bound_panel_zooms_to_each_half_step(gmm, blobs):
    """The bound panel's range follows the half-step: the KL gap of every M-step fills at least a
    fifth of the panel, and log p and the ELBO are inside it."""
    fig = _figure()
    view = plotting.GaussianPanels(fig, gmm.history_, blobs)
    ax = view.axes[2]
    kls = gmm.history_.series("kl")
    for t, phase in enumerate(gmm.history_.phases):
        view.draw(t)
        lo, hi = ax.get_ylim()
        step = gmm.history_[t]
        assert lo < step.log_likelihood < hi
        if phase == "M":
            assert view.artists["bound"].kl.get_height() == pytest.approx(kls[t], rel=1e-12)
            assert kls[t] / (hi - lo) > 0.2, f"half-step {t}"
            assert lo < step.elbo
    assert ax.yaxis.get_offset_text().get_text() == ""


def _fitted(name, gmm, blobs):
    if name == "kmeans":
        return _fit(emlib.KMeans(3, random_state=0), blobs), blobs
    if name == "bernoulli":
        X = datasets.load_digits_binary()[0][:150]
        return _fit(emlib.BernoulliMixture(10, random_state=0, max_iter=5), X), X
    if name == "gmm1d":
        x = datasets.load_faithful()[0][:, :1]
        return _fit(emlib.GaussianMixture(2, random_state=0), x), x
    if name == "gmm-point-start":
        # every component starts on one data point with covariance reg_covar·I: log p(X | θ₀) ≈ −10⁸
        return _fit(emlib.GaussianMixture(3, init_params="random_from_data", random_state=0), blobs), blobs
    return gmm, blobs


@pytest.mark.parametrize("model", ["gmm", "kmeans", "bernoulli"])
def test_stacked_layout_puts_the_data_above_the_other_panels(model, gmm, blobs):
    model, X = _fitted(model, gmm, blobs)
    fig = Figure(figsize=(4, 4.2), dpi=50)
    FigureCanvasAgg(fig)
    view = plotting.draw_step(fig, model, X, 2, layout="stacked")
    top = min(ax.get_position().y0 for ax in (view.prototype_axes if hasattr(view, "prototype_axes") else view.axes[:1]))
    for ax in view.axes[1:]:
        assert ax.get_position().y1 < top  # every other panel is below the data
    with pytest.raises(ValueError, match="layout"):
        plotting.draw_step(fig, model, X, 2, layout="column")


def _texts(fig):
    """Every visible, non-empty text of a drawn figure, tick labels included."""
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


SMALL_RC = {"font.size": 7, "xtick.labelsize": 6, "ytick.labelsize": 6, "axes.titlesize": 7}
BOOK_RC = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "xtick.labelsize": 12,
           "ytick.labelsize": 12, "legend.fontsize": 12}  # as scripts/book_kernel_config.py


@pytest.mark.parametrize("rc", [SMALL_RC, BOOK_RC], ids=["small-rc", "book-rc"])
@pytest.mark.parametrize("layout", ["row", "stacked"])
@pytest.mark.parametrize("name", ["gmm", "gmm1d", "gmm-point-start", "kmeans", "bernoulli"])
def test_every_text_of_the_step_panels_is_legible_and_inside_the_figure(name, layout, rc, gmm, blobs):
    """At least FONT_PT points (the website's figures use 12-14 pt), whatever the rcParams say, and
    after drawing every label, tick label and title lies inside the figure (no clipped y-label)."""
    model, X = _fitted(name, gmm, blobs)
    fig = Figure(figsize=(4, 4.2) if layout == "stacked" else (8, 3), dpi=100)
    FigureCanvasAgg(fig)
    with matplotlib.rc_context(rc):
        view = plotting.draw_step(fig, model, X, 0, layout=layout)
        for t in (0, 1, 3, -1):
            view.draw(t)
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            texts = _texts(fig)
            assert len(texts) > 10
            for text in texts:
                assert text.get_fontsize() >= plotting.FONT_PT, text.get_text()
            # what is drawn: each panel's tick labels, labels, title and legend, and the status line
            for extent in [ax.get_tightbbox(renderer) for ax in fig.axes] + [view.status.get_window_extent(renderer)]:
                assert (extent.x0 >= -1 and extent.x1 <= fig.bbox.x1 + 1 and extent.y0 >= -1
                        and extent.y1 <= fig.bbox.y1 + 1), f"{extent} leaves the figure {fig.bbox}"


@pytest.mark.parametrize("layout", ["row", "stacked"])
@pytest.mark.parametrize("name", ["gmm", "bernoulli"])
def test_no_two_panels_overlap(name, layout, gmm, blobs):
    """The bound's numbers, the prototypes' titles, every panel's labels: each panel with its texts
    stays clear of the others, also with the book's larger fonts."""
    model, X = _fitted(name, gmm, blobs)
    fig = Figure(figsize=(4, 4.2) if layout == "stacked" else (8, 3), dpi=100)
    FigureCanvasAgg(fig)
    with matplotlib.rc_context(BOOK_RC):
        view = plotting.draw_step(fig, model, X, -1, layout=layout)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
            assert min(overlap) <= 1, f"{a} and {b} overlap"
    assert view.artists["bound"].text.get_window_extent(renderer).x0 >= view.axes[1].get_tightbbox(renderer).x1


def test_the_data_panel_box_suits_tall_data():
    """Tall sheared data at equal aspect fill most of the data panel's cell instead of a thin strip
    in a wide box, in both layouts."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) @ np.array([[1.0, 0.0], [2.5, 1.0]]).T  # as chapter 4's
    assert np.ptp(X[:, 1]) / np.ptp(X[:, 0]) > 2.5  # the situation this guards against
    model = _fit(emlib.GaussianMixture(2, random_state=0, max_iter=5), X)
    for layout, size in (("stacked", (4, 4.2)), ("row", (8, 3))):
        fig = Figure(figsize=size, dpi=60)
        FigureCanvasAgg(fig)
        ax = plotting.draw_step(fig, model, X, -1, layout=layout).axes[0]
        fig.canvas.draw()
        drawn, cell = ax.get_position(), ax.get_position(original=True)
        assert drawn.width * drawn.height > 0.55 * cell.width * cell.height, layout


def test_prototypes_are_numbered(blobs):
    X = datasets.load_digits_binary()[0][:300]
    model = _fit(emlib.BernoulliMixture(10, random_state=0), X)
    fig = Figure(figsize=(8, 3), dpi=50)
    FigureCanvasAgg(fig)
    view = plotting.BernoulliPanels(fig, model.history_, X).draw(-1)
    titles = [ax.get_title() for ax in view.prototype_axes]
    assert [t.split("=")[0] for t in titles] == [f"$\\pi_{{{k}}}$" for k in range(10)]  # colours repeat after 8


def test_prototypes_titles_at_the_books_size_do_not_collide():
    """Chapter 6's figures of ten prototypes: at most five to a row, so that π_k=weight titles at the
    book's 14 pt stay apart (ten in a row ran into each other)."""
    means = np.random.default_rng(0).uniform(size=(10, 64))
    with matplotlib.rc_context(BOOK_RC):
        fig = Figure(figsize=(8, 3.8), dpi=100)
        FigureCanvasAgg(fig)
        images = plotting.plot_prototypes(means, np.full(10, 0.1), fig=fig)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    rows = {round(image.axes.get_position().y0, 3) for image in images}
    assert len(rows) == 2
    titles = [image.axes.title.get_window_extent(renderer) for image in images]
    assert all(t.height > 0 and image.axes.title.get_fontsize() >= 14 for t, image in zip(titles, images))
    for i, a in enumerate(titles):
        for b in titles[i + 1:]:
            assert min(a.x1, b.x1) - max(a.x0, b.x0) <= 0 or min(a.y1, b.y1) - max(a.y0, b.y0) <= 0
