"""Drawing EM, one panel per function: data, ellipses, densities, curves, the bound, prototypes.

Every function takes ``ax=`` (default ``plt.gca()``), returns the artists it made, and never fits
anything, calls ``show``/``savefig`` or changes rcParams: it draws what it is given. The values to
draw come from a model's ``history_`` (:mod:`emlib.history`), so a chapter, the live widget and the
static animation all show the same numbers.

:class:`Panels` compose the panels of one half-step, one class per model (:class:`GaussianPanels`,
:class:`BernoulliPanels`, :class:`KMeansPanels`; :func:`panels_for` names a model's); the live widget,
the website's animation and the browser's stepper all redraw them with ``draw(t)``.
"""

from typing import Any, NamedTuple

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.patches import Ellipse
from matplotlib.ticker import MaxNLocator

from .bernoulli import BernoulliMixture
from .gmm import GaussianMixture, full_covariances  # full_covariances re-exported: panels draw (K, D, D) stacks
from .kmeans import KMeans

__all__ = [
    "PALETTE",
    "BernoulliPanels",
    "GaussianPanels",
    "KMeansPanels",
    "Panels",
    "blend_colors",
    "draw_step",
    "ellipse_geometry",
    "full_covariances",
    "plot_bound",
    "plot_convergence",
    "plot_coordinate_ascent",
    "plot_criteria",
    "plot_curve",
    "plot_data",
    "plot_gap",
    "plot_gaussians",
    "plot_image_grid",
    "plot_jensen",
    "plot_kmeans",
    "plot_mixture_1d",
    "plot_prototypes",
    "panels_for",
]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Ordered so that the first colours are also the most distinct on white paper
# (yellow, which is faint on white, comes late; black last).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
_PALETTE_RGB = np.array([mcolors.to_rgb(c) for c in PALETTE])
GREY = "0.55"  # data before the first E-step: no responsibilities yet


def _ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def component_colors(n_components):
    """The palette colour of every component as an (K, 3) RGB array (cycling after 8)."""
    return _PALETTE_RGB[np.arange(n_components) % len(PALETTE)]


def blend_colors(resp):
    """The colour of every sample as the responsibility-weighted mix of its components' colours.

    ``resp`` is (N, K) with rows summing to 1, so each row of ``resp @ palette`` is a convex
    combination of RGB colours: a point the model is sure about gets its component's colour, a
    point shared half-half gets the colour halfway between.
    """
    resp = np.asarray(resp, dtype=float)
    return np.clip(resp @ component_colors(resp.shape[1]), 0.0, 1.0)


# ---- data --------------------------------------------------------------------------------------
def plot_data(X, resp=None, ax=None, **kw):
    """Scatter 2-D data (the first two features) coloured by responsibilities, blended.

    With ``resp=None`` every point is grey. 1-D data (shape (N,) or (N, 1)) is drawn as a rug along
    the bottom of the axes. Extra keywords go to ``ax.scatter``. Returns the PathCollection.
    """
    ax = _ax(ax)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    facecolors = GREY if resp is None else blend_colors(resp)
    if X.shape[1] == 1:
        # a rug: x in data coordinates, y in axes coordinates, so it sits on the bottom edge
        options = {"marker": "|", "s": 120, "linewidths": 1.0, "transform": ax.get_xaxis_transform(), "zorder": 3}
        options.update(kw)
        points = ax.scatter(X[:, 0], np.full(len(X), 0.04), c=facecolors, **options)
        # the rug's marker is a line, drawn with the edge colour
        points.set_edgecolor(points.get_facecolor())
        return points
    options = {"s": 14, "linewidths": 0, "zorder": 2}
    options.update(kw)
    _equal_aspect_if_one_scale(ax, X[:, :2])  # so round groups look round
    return ax.scatter(X[:, 0], X[:, 1], c=facecolors, **options)


# Equal aspect squashes a panel whose data spread much further along one axis than the other into
# an unreadable strip (Old Faithful: eruptions over 3.5 minutes, waits over 53), so beyond this
# ratio of spreads the aspect is left free.
_SCALE_RATIO = 8.0


def _equal_aspect_if_one_scale(ax, points):
    """Equal aspect (one unit as long on both axes) unless the points' two spreads differ by more
    than ``_SCALE_RATIO``; then the axes' aspect is left as it is."""
    spread = np.ptp(np.asarray(points, dtype=float), axis=0)
    if spread.min() > 0 and spread.max() / spread.min() <= _SCALE_RATIO:
        ax.set_aspect("equal")


# ---- Gaussian components -----------------------------------------------------------------------
def _params_covariances(params):
    """The (K, D, D) covariances of a GaussianParams, whatever its covariance type."""
    K, D = params.means.shape
    return full_covariances(params.covariances, params.covariance_type, K, D)


def ellipse_geometry(covariance, n_sigma=1.0):
    """(width, height, angle in degrees) of the n-σ ellipse {x : (x−μ)ᵀ Σ⁻¹ (x−μ) = n²} of a 2×2 Σ.

    With Σ = V diag(λ) Vᵀ the ellipse's semi-axes point along the eigenvectors and have lengths
    n·√λ; matplotlib's ``Ellipse`` takes full axis lengths (diameters), hence the factor 2.
    """
    eigvals, eigvecs = np.linalg.eigh(np.asarray(covariance, dtype=float)[:2, :2])
    eigvals = np.maximum(eigvals, 0.0)  # rounding can make a tiny eigenvalue slightly negative
    major = eigvecs[:, 1]  # eigh sorts eigenvalues ascending: the last one is the major axis
    angle = np.degrees(np.arctan2(major[1], major[0]))
    return 2 * n_sigma * np.sqrt(eigvals[1]), 2 * n_sigma * np.sqrt(eigvals[0]), angle


def _weight_alpha(weights, n_components):
    """Opacity of each component: proportional to its weight, the heaviest fully opaque."""
    if weights is None:
        return np.ones(n_components)
    weights = np.asarray(weights, dtype=float)
    return 0.15 + 0.85 * weights / weights.max()


def _sigma_linewidth(n_sigma):
    return 2.0 / np.sqrt(n_sigma)


class GaussianArtists(NamedTuple):
    """What :func:`plot_gaussians` draws: ``ellipses[k][i]`` is component k at ``sigmas[i]``."""

    ellipses: list
    means: object


def plot_gaussians(means, covariances, weights=None, ax=None, sigmas=(1, 2, 3)):
    """Draw every Gaussian component as ellipses at 1, 2 and 3 σ and mark its mean.

    ``means`` (K, D) and full ``covariances`` (K, D, D) (use :func:`full_covariances` for the other
    types); only the first two features are drawn, whose marginal covariance is the top-left 2×2
    block. Opacity follows ``weights``. Returns :class:`GaussianArtists`.
    """
    ax = _ax(ax)
    means = np.asarray(means, dtype=float)
    covariances = np.asarray(covariances, dtype=float)
    # an ellipse's shape is only true at equal aspect: set it unless the features' scales differ
    reach = 3 * np.sqrt(np.maximum(covariances[:, [0, 1], [0, 1]], 0.0))
    _equal_aspect_if_one_scale(ax, np.concatenate([means[:, :2] - reach, means[:, :2] + reach]))
    K = len(means)
    alphas = _weight_alpha(weights, K)
    colours = component_colors(K)
    ellipses = []
    for k in range(K):
        row = []
        for s in sigmas:
            width, height, angle = ellipse_geometry(covariances[k], s)
            patch = Ellipse(
                means[k, :2], width, height, angle=angle, fill=False, edgecolor=colours[k],
                linewidth=_sigma_linewidth(s), alpha=alphas[k], zorder=3,
            )
            ax.add_patch(patch)
            row.append(patch)
        ellipses.append(row)
    centres = ax.scatter(
        means[:, 0], means[:, 1], marker="X", s=90, c=colours, edgecolors="white", linewidths=1.0, zorder=4,
    )
    return GaussianArtists(ellipses, centres)


def _update_gaussians(artists, means, covariances, weights, sigmas):
    alphas = _weight_alpha(weights, len(means))
    for k, row in enumerate(artists.ellipses):
        for patch, s in zip(row, sigmas):
            width, height, angle = ellipse_geometry(covariances[k], s)
            patch.set_center(means[k, :2])
            patch.set_width(width)
            patch.set_height(height)
            patch.set_angle(angle)
            patch.set_alpha(alphas[k])
    artists.means.set_offsets(means[:, :2])


# ---- 1-D mixtures ------------------------------------------------------------------------------
def _normal_pdf(x, mean, variance):
    """N(x | μ, σ²), with σ² the VARIANCE: the standard deviation is √variance."""
    return np.exp(-0.5 * (x - mean) ** 2 / variance) / np.sqrt(2 * np.pi * variance)


def _mixture_curves(grid, weights, means, variances):
    weights = np.asarray(weights, dtype=float).reshape(-1)
    means = np.asarray(means, dtype=float).reshape(-1)
    variances = np.asarray(variances, dtype=float).reshape(-1)  # (K,), (K, 1) or (K, 1, 1)
    components = weights[:, None] * _normal_pdf(grid[None, :], means[:, None], variances[:, None])
    return components, components.sum(axis=0)


class Mixture1dArtists(NamedTuple):
    """What :func:`plot_mixture_1d` draws: histogram bars, one line per π_k N(x|μ_k,σ²_k), the sum."""

    histogram: object
    components: list
    mixture: object


def plot_mixture_1d(X, weights, means, variances, ax=None, bins=30):
    """A density histogram of 1-D data with the weighted components π_k N(x | μ_k, σ²_k) and their sum.

    ``variances`` are σ²_k (not standard deviations), in any of the shapes (K,), (K, 1), (K, 1, 1)
    that a 1-D GaussianParams holds. Returns :class:`Mixture1dArtists`.
    """
    ax = _ax(ax)
    x = np.asarray(X, dtype=float).reshape(-1)
    _, _, bars = ax.hist(x, bins=bins, density=True, color="0.87", edgecolor="white", zorder=1)
    pad = 0.1 * (x.max() - x.min() + 1e-12)
    grid = np.linspace(x.min() - pad, x.max() + pad, 400)
    components, mixture = _mixture_curves(grid, weights, means, variances)
    colours = component_colors(len(components))
    lines = [ax.plot(grid, comp, color=colours[k], linewidth=1.8, zorder=3)[0] for k, comp in enumerate(components)]
    (total,) = ax.plot(grid, mixture, color="0.15", linewidth=1.2, linestyle="--", zorder=4)
    return Mixture1dArtists(bars, lines, total)


def _update_mixture_1d(artists, weights, means, variances):
    grid = artists.mixture.get_xdata()
    components, mixture = _mixture_curves(grid, weights, means, variances)
    for line, comp in zip(artists.components, components):
        line.set_ydata(comp)
    artists.mixture.set_ydata(mixture)


# ---- the curve and the bound -------------------------------------------------------------------
_LABELS = {
    "log_likelihood": "log p(X | θ)",
    "elbo": "ELBO L(q, θ)",
    "kl": "KL(q ‖ p(Z | X, θ))",
    "distortion": "distortion J",
}


def _curve_quantity(history, quantity):
    values = history.series(quantity)
    if np.isnan(values).all() and quantity == "log_likelihood":
        distortion = history.series("distortion")
        if not np.isnan(distortion).all():  # a k-means history: J is its objective
            return "distortion", distortion
    return quantity, values


class CurveArtists(NamedTuple):
    """What :func:`plot_curve` draws: the whole series, and the marker at the current half-step."""

    line: object
    marker: object


def plot_curve(history, t=None, quantity="log_likelihood", ax=None):
    """The log-likelihood (or ``quantity``) at every half-step, with half-step ``t`` marked.

    E-steps do not change θ, so log p(X | θ) is flat across them and rises at M-steps. A k-means
    history has no log-likelihood; its distortion J is drawn instead. Returns :class:`CurveArtists`
    (the marker is empty when ``t`` is None).
    """
    ax = _ax(ax)
    quantity, values = _curve_quantity(history, quantity)
    steps = np.arange(len(values))
    (line,) = ax.plot(steps, values, color="0.35", marker=".", markersize=4, linewidth=1.0)
    # not clipped: at an off-scale start it sits on the bottom edge, whole
    (marker,) = ax.plot([], [], marker="o", markersize=9, markerfacecolor="none", clip_on=False,
                        markeredgecolor=PALETTE[3], markeredgewidth=2.0, linestyle="none", zorder=5)
    lo, hi, off_scale = _value_range(values)
    if off_scale:  # keep the fit readable; say where the start is
        pad = 0.1 * max(hi - lo, 1e-12)
        ax.set_ylim(lo - pad, hi + pad)
        # above the panel, where no curve runs (a panel on a phone is too narrow for it beside
        # the curve); the value written as the bound panel writes it
        note = f"start: {_nats(values[0])}\n(off the scale)".replace("-", "\u2212")
        ax.text(0.5, 1.03, note, transform=ax.transAxes, ha="center", va="bottom", color="0.35")
    ax.set_xlabel("half-step")
    ax.set_ylabel(_LABELS.get(quantity, quantity))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # half-steps are whole numbers
    ax.ticklabel_format(axis="y", useOffset=False)  # −2135, not −2.135e2 plus an offset
    if t is not None:
        t = range(len(values))[t]
        _place_marker(marker, t, values[t])
    return CurveArtists(line, marker)


def _place_marker(marker, t, value):
    """The curve's marker at half-step t; a value below the panel's range (the start, off the
    scale) puts it on the bottom edge, so the reader still sees which half-step is shown."""
    marker.set_data([t], [max(value, marker.axes.get_ylim()[0])])


def _value_range(values):
    """(lo, hi, n_off): the range of the finite values, leaving out a start far below the rest.

    A start whose components each sit on a single point (k-means++ or random_from_data starts, as in
    scikit-learn) can have a log-likelihood near −1e9 while the fit then moves within a few hundred;
    on one scale the whole fit would look flat. ``n_off`` leading entries (the start, and the first
    E-step, which keeps its θ) are then left out; it is 0 when nothing is.
    """
    values = np.asarray(values, dtype=float)
    for n_off in (1, 2):
        head, rest = values[:n_off], values[n_off:]
        rest = rest[np.isfinite(rest)]
        if rest.size and np.isfinite(head).all():
            span = max(np.ptp(rest), 1e-9 * abs(rest.max()), 1e-12)
            if head.max() < rest.min() - 20 * span:
                return rest.min(), rest.max(), n_off
    finite = values[np.isfinite(values)]
    return finite.min(), finite.max(), 0


class BoundArtists(NamedTuple):
    """What :func:`plot_bound` draws: the ELBO bar, the KL bar stacked on it, log p(X|θ), the labels."""

    elbo: object
    kl: object
    log_likelihood: object
    text: object


def _bound_floor(log_likelihood, elbo, kl):
    span = max(abs(kl or 0.0), 1e-3 * abs(log_likelihood), 1.0)
    return (log_likelihood if elbo is None else elbo) - 4 * span


def plot_bound(step, ax=None, *, bottom=None):
    """log p(X | θ) = ELBO + KL at one history entry, as a stacked bar.

    The ELBO bar rises from ``bottom`` to L(q, θ), the KL bar is stacked on it, and a black line
    marks log p(X | θ): the KL bar is exactly the gap, zero after every E-step. The log-likelihood
    is negative, so the bars start from a floor ``bottom`` below them rather than from 0 (chosen
    from the step when None; :class:`Panels` zoom to every half-step). The initial
    entry has no q, hence no ELBO and no KL. Returns :class:`BoundArtists`.
    """
    ax = _ax(ax)
    if step.log_likelihood is None:
        raise ValueError("plot_bound needs a mixture's history entry (k-means records a distortion, not a bound).")
    if bottom is None:
        bottom = _bound_floor(step.log_likelihood, step.elbo, step.kl)
    elbo_bar = ax.bar([0], [0.0], bottom=bottom, width=0.6, color=PALETTE[0], label="ELBO")[0]
    # orange, hatched: told apart from a component drawn in the same orange
    kl_bar = ax.bar([0], [0.0], bottom=bottom, width=0.6, facecolor=PALETTE[1], edgecolor="black", hatch="///",
                    linewidth=0.8, label="KL")[0]
    (line,) = ax.plot([-0.45, 0.45], [step.log_likelihood] * 2, color="black", linewidth=2.0, label="log p(X | θ)")
    text = ax.text(0.5, 0.97, "", transform=ax.transAxes, ha="center", va="top")
    artists = BoundArtists(elbo_bar, kl_bar, line, text)
    _update_bound(artists, step, bottom)
    ax.set_xlim(-0.8, 0.8)
    ax.set_xticks([])
    ax.legend(loc="upper center", frameon=False, bbox_to_anchor=(0.5, 0.0), borderaxespad=0.2)
    return artists


def _nats(value):
    """A log-likelihood for a label: one decimal, or from 10⁵ nats on 3 significant digits in short
    e-notation, −3.11e8 (a start with tiny covariances sits near −10⁸, whose decimals would run out
    of the panel)."""
    if abs(value) < 1e5:
        return f"{value:.1f}"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _bound_text(step):
    """The numbers over the bound bar: the ELBO and the KL gap (log p alone before the first q)."""
    if step.elbo is None:  # the initial entry: θ₀ but no q yet
        text = f"log p = {_nats(step.log_likelihood)}\n(no q yet)"
    else:
        kl = 0.0 if abs(step.kl) <= 1e-10 * max(abs(step.log_likelihood), 1.0) else step.kl  # E-step: rounding
        text = f"ELBO = {_nats(step.elbo)}\nKL = {kl:.3g}"
    return text.replace("-", "\u2212")  # the minus sign, as on the axes


def _update_bound(artists, step, bottom):
    artists.log_likelihood.set_ydata([step.log_likelihood] * 2)
    artists.elbo.set_y(bottom)
    artists.kl.set_y(bottom if step.elbo is None else step.elbo)
    artists.elbo.set_height(0.0 if step.elbo is None else step.elbo - bottom)
    artists.kl.set_height(0.0 if step.elbo is None else step.kl)
    artists.text.set_text(_bound_text(step))


# ---- Bernoulli prototypes ----------------------------------------------------------------------
def _image_shape(n_features):
    side = int(round(np.sqrt(n_features)))
    return (side, side) if side * side == n_features else (1, n_features)


_PROTOTYPE_COLUMNS = 5  # images to a row


def plot_prototypes(means, weights=None, image_shape=(8, 8), axes=None, fig=None):
    """Every Bernoulli component's pixel probabilities μ_k as an image, titled with its weight π_k.

    Each image is titled π_k = weight, the subscript numbering the component (the colours repeat
    after 8). ``axes`` is a sequence of K Axes to draw into; without it the axes are made in
    ``fig`` (default ``plt.gcf()``), at most five to a row so that the titles stay legible on a
    phone. Pass ``image_shape=None`` for a square image when D is a perfect square, else a strip.
    Returns the list of AxesImage.
    """
    means = np.asarray(means, dtype=float)
    K, D = means.shape
    if image_shape is None:
        image_shape = _image_shape(D)
    if int(np.prod(image_shape)) != D:
        raise ValueError(f"image_shape {tuple(image_shape)} does not hold the {D} features of each prototype.")
    if axes is None:
        if fig is None:
            import matplotlib.pyplot as plt

            fig = plt.gcf()
        cols = min(K, _PROTOTYPE_COLUMNS)
        axes = fig.subplots(-(-K // cols), cols, squeeze=False).ravel()
        for ax in axes[K:]:  # the last row's empty places
            ax.set_axis_off()
    axes = list(np.ravel(axes))
    if len(axes) < K:
        raise ValueError(f"plot_prototypes needs one Axes per component: got {len(axes)} for {K} components.")
    images = []
    for k in range(K):
        ax = axes[k]
        image = ax.imshow(means[k].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor(component_colors(K)[k])
            spine.set_linewidth(2.0)
        if weights is not None:
            ax.set_title(_prototype_title(k, weights[k]))
        images.append(image)
    return images


def _prototype_title(k, weight):
    """π_k = weight, one line: the subscript numbers the component (the colours repeat after 8)."""
    return rf"$\pi_{{{k}}}$={weight:.2f}"


def _update_prototypes(images, means, weights, image_shape):
    for k, image in enumerate(images):
        image.set_data(means[k].reshape(image_shape))
        image.axes.title.set_text(_prototype_title(k, weights[k]))


# ---- k-means -----------------------------------------------------------------------------------
def _nearest_map(centers, xlim, ylim, resolution=200):
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    d2 = ((grid[:, None, :] - np.asarray(centers, dtype=float)[None, :, :2]) ** 2).sum(axis=2)
    return d2.argmin(axis=1).reshape(resolution, resolution)


class KMeansArtists(NamedTuple):
    """What :func:`plot_kmeans` draws: the Voronoi image (or None), the points, the centroids."""

    voronoi: object
    points: object
    centers: object


def _one_hot(labels, K):
    resp = np.zeros((len(labels), K))
    resp[np.arange(len(labels)), labels] = 1.0
    return resp


def plot_kmeans(X, centers, labels=None, ax=None, voronoi=True):
    """Points coloured by their cluster, the centroids, and each centroid's Voronoi region.

    The regions are the nearest-centre map on a grid over the data (drawn faintly with imshow), so
    a point whose colour differs from its region's is one the next assignment step will move.
    ``labels=None`` draws grey points (before the first assignment). Returns :class:`KMeansArtists`.
    """
    ax = _ax(ax)
    X = np.asarray(X, dtype=float)
    centers = np.asarray(centers, dtype=float)
    K = len(centers)
    image = None
    if voronoi:
        pad = 0.08 * (X[:, :2].max(axis=0) - X[:, :2].min(axis=0))  # as the step panels' data panel
        lo, hi = X[:, :2].min(axis=0) - pad, X[:, :2].max(axis=0) + pad
        regions = _nearest_map(centers, (lo[0], hi[0]), (lo[1], hi[1]))
        cmap = mcolors.ListedColormap(component_colors(K))
        image = ax.imshow(regions, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), cmap=cmap,
                          vmin=-0.5, vmax=K - 0.5, alpha=0.18, aspect="auto", interpolation="nearest", zorder=0)
    points = plot_data(X, None if labels is None else _one_hot(labels, K), ax=ax)
    marks = ax.scatter(centers[:, 0], centers[:, 1], marker="X", s=110, c=component_colors(K),
                       edgecolors="black", linewidths=1.0, zorder=4)
    return KMeansArtists(image, points, marks)


def _update_kmeans(artists, centers, labels):
    K = len(centers)
    if artists.voronoi is not None:
        x0, x1, y0, y1 = artists.voronoi.get_extent()
        artists.voronoi.set_data(_nearest_map(centers, (x0, x1), (y0, y1)))
    artists.points.set_facecolor(GREY if labels is None else blend_colors(_one_hot(labels, K)))
    artists.centers.set_offsets(centers[:, :2])


# ---- one half-step, all panels: one class per model --------------------------------------------
FONT_PT = 12  # the text of the step panels: legible when a phone shrinks a figure to its column

_PHASE_NAME = {"init": "θ₀", "E": "E-step", "M": "M-step"}


def _describe(step, t):
    return f"half-step {t} · iteration {step.iteration} · {_PHASE_NAME[step.phase]}"


_BELOW = 2.5  # inches under a stacked layout's data panel: the curve and bound panels, the status line


class Panels:
    """The panels of one EM half-step, redrawn fast with :meth:`draw`: the base of one class per model.

    ``SomePanels(fig_or_axes, history, X)`` lays its panels out in ``fig`` (a Figure, cleared first)
    or in a sequence of Axes (one per panel): the model's data panel (drawn by the subclass), the
    curve of its objective over the half-steps, and for a mixture the bound bar log p(X | θ) =
    ELBO + KL. :func:`panels_for` names the class for a model; the live widget, the website's
    animation and the browser's stepper all draw through it.

    ``layout="row"`` puts the panels side by side; ``layout="stacked"`` fits them to a phone's
    narrow column: the data on top and the others below, or, for data taller than wide, the data on
    the left and the others beside it. Either way the data panel's box follows the data's own
    aspect; with the data on top, a stacked figure of its own (not given Axes) keeps its width and
    takes the height that box needs. Every text is ``FONT_PT`` points, and a figure of its
    own is laid out once (constrained layout), so that nothing moves from one half-step to the next.

    The first :meth:`draw` creates the artists with the ``plot_*`` functions; later calls only
    update them, which keeps a redraw fast. ``artists`` maps panel names to what those functions
    returned; the responsibilities come from ``history.responsibilities(X, t)``. Nothing is fitted.
    """

    quantity = "log_likelihood"  # the curve panel's series
    has_bound = True  # a mixture's history records ELBO and KL; k-means's does not

    def __init__(self, fig_or_axes, history, X, *, layout="row"):
        from matplotlib.figure import Figure

        if layout not in ("row", "stacked"):
            raise ValueError(f"layout must be 'row' or 'stacked', got {layout!r}.")
        self.history = history
        X = np.asarray(X, dtype=float)
        self.X = X[:, None] if X.ndim == 1 else X
        self._check(history[0].params)
        self.layout = layout
        self.t = None
        self.artists = {}
        n_panels = 3 if self.has_bound else 2
        self._own_figure = isinstance(fig_or_axes, Figure)
        if self._own_figure:
            self.fig = fig_or_axes
            self.fig.clear()
            self.fig.set_layout_engine("constrained", w_pad=0.04, h_pad=0.04, wspace=0.04, hspace=0.04)
            self.axes = self._layout(n_panels)
            # the status line on top, in the layout so that no panel runs under it
            self.status = self.fig.suptitle(" ", x=0.02, ha="left", fontsize=FONT_PT)
        else:
            self.axes = list(np.ravel(fig_or_axes))
            if len(self.axes) < n_panels:
                raise ValueError(f"this history needs {n_panels} Axes (one per panel), got {len(self.axes)}.")
            self.fig = self.axes[0].figure
            self.status = self.fig.text(0.01, 0.99, "", ha="left", va="top", fontsize=FONT_PT)

    # -- what a subclass says about its data
    def _check(self, params):
        """Raise a TypeError if ``params`` are not this model's."""

    def _data_aspect(self):
        """Height over width that the data panel's box should have (None: any)."""
        return None

    def _responsibilities(self, t):
        return self.history.responsibilities(self.X, t)

    def _create_data(self, ax, step, resp):
        raise NotImplementedError

    def _update_data(self, step, resp):
        raise NotImplementedError

    def _data_artists(self):
        raise NotImplementedError

    # -- layout
    def _layout(self, n_panels):
        """The Axes of the panels in ``self.fig``, the data panel's box shaped like the data."""
        fig, aspect = self.fig, self._data_aspect()
        width, height = fig.get_size_inches()
        if self.layout == "row":
            # the data cell's share of the row (the other panels get 0.3 and 0.15 of the width): about
            # as wide as the figure's height, less its margins, holds at the data's aspect
            box = height * 0.45 / (aspect or 0.5)
            ratios = [float(np.clip(box, 0.06 * width, 0.6 * width)), 0.3 * width, 0.15 * width][:n_panels]
            grid = fig.add_gridspec(1, n_panels, width_ratios=ratios)
            return [fig.add_subplot(grid[0, i]) for i in range(n_panels)]
        if aspect is not None and aspect > 1.3:  # tall data: beside the other panels
            # width ratios share what the tick labels leave (about 2.5 of 4 inches): the other
            # panels keep about 1.2 inches, the data box takes about 70 % of the height
            box = float(np.clip(height * 0.7 / aspect, 0.8, 1.8))
            grid = fig.add_gridspec(n_panels - 1, 2, width_ratios=[box, 1.2])
            return [fig.add_subplot(grid[:, 0])] + [fig.add_subplot(grid[i, 1]) for i in range(n_panels - 1)]
        # the data on top: the figure grows to hold a box of the data's shape above the other panels
        box = float(np.clip((aspect or 0.6) * width * 1.2, 1.6, 2.8))
        fig.set_size_inches(width, box + _BELOW)
        grid = fig.add_gridspec(2, 2, height_ratios=[box, _BELOW], width_ratios=[1.3, 1.0])
        axes = [fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, :] if n_panels == 2 else grid[1, 0])]
        return axes + ([fig.add_subplot(grid[1, 1])] if n_panels == 3 else [])

    def _limits(self):
        """The data panel's limits: the data's range, padded."""
        lo, hi = self.X[:, :2].min(axis=0), self.X[:, :2].max(axis=0)
        pad = 0.08 * (hi - lo + 1e-12)
        return lo - pad, hi + pad

    def _equal_aspect(self):
        """The data's height over width at equal aspect, or None when plot_data leaves it free."""
        if self.X.shape[1] < 2:
            return None
        spread = np.ptp(self.X[:, :2], axis=0)
        if spread.min() <= 0 or spread.max() / spread.min() > _SCALE_RATIO:
            return None
        lo, hi = self._limits()
        return float((hi[1] - lo[1]) / (hi[0] - lo[0]))

    def _fix_limits(self, ax):
        lo, hi = self._limits()
        ax.set_xlim(lo[0], hi[0])
        if self.X.shape[1] > 1:
            ax.set_ylim(lo[1], hi[1])
        ax.set_autoscale_on(False)

    # -- the bound panel's zoom
    def _bound_view(self, t):
        """The bound panel's y-range at half-step t: zoomed so that the largest KL of t and its
        neighbours fills about a fifth of the panel (an E-step shows the gap its M-step opened, now
        closed); bars rise from the bottom of that range."""
        ll = self.history.series("log_likelihood")
        kl = np.nan_to_num(self.history.series("kl"))
        elbo = self.history.series("elbo")
        near = np.abs(kl[max(t - 1, 0): t + 2 if t else 3])  # θ₀ borrows the zoom of the first M-step
        gap = max(near.max(), 1e-9 * abs(ll[t]), 1e-12)
        base = ll[t] if np.isnan(elbo[t]) else elbo[t]
        return base - 1.6 * gap, ll[t] + 1.2 * gap

    # -- drawing
    def draw(self, t):
        """Show half-step ``t`` (negative indices count from the end). Returns self."""
        t = range(len(self.history))[t]
        step = self.history[t]
        resp = self._responsibilities(t)
        self.status.set_text(_describe(step, t))
        if not self.artists:
            self._create(step, t, resp)
        else:
            self._update_data(step, resp)
            _place_marker(self.artists["curve"].marker, t, self.history.series(self.quantity)[t])
            if self.has_bound:
                bottom, top = self._bound_view(t)
                self.axes[2].set_ylim(bottom, top)
                _update_bound(self.artists["bound"], step, bottom)
        self.t = t
        return self

    def _create(self, step, t, resp):
        self._create_data(self.axes[0], step, resp)
        self.artists["curve"] = plot_curve(self.history, t, quantity=self.quantity, ax=self.axes[1])
        if self.has_bound:
            ax = self.axes[2]
            bottom, top = self._bound_view(t)
            self.artists["bound"] = plot_bound(step, ax=ax, bottom=bottom)
            ax.set_ylim(bottom, top)
            ax.set_yticks([])  # zoomed to every half-step: the numbers above the bars give the values
            ax.yaxis.set_label_position("right")
            ax.set_ylabel("zoomed")
            text = self.artists["bound"].text  # above the panel, where it may be wider than the bar
            text.set_position((0.5, 1.03))
            text.set_verticalalignment("bottom")
        self._legible()
        if self._own_figure:  # lay the panels out once, so that they keep still from frame to frame
            if self.has_bound:  # room for the widest numbers of any half-step
                text = self.artists["bound"].text
                now = text.get_text()
                text.set_text(max((_bound_text(s) for s in self.history), key=len))
            self.fig.get_layout_engine().execute(self.fig)
            self.fig.set_layout_engine("none")
            if self.has_bound:
                text.set_text(now)

    def _legible(self):
        """Every text of the panels at FONT_PT points, whatever the rcParams: legible, and laid out
        the same in a notebook and in the book's build."""
        from matplotlib.text import Text

        # a figure of its own is all panels; given Axes, only those (and the status line)
        axes = self.fig.axes if self._own_figure else self.axes + getattr(self, "prototype_axes", [])
        for ax in axes:
            ax.tick_params(labelsize=FONT_PT)  # for the ticks made later too
            for text in ax.findobj(Text):
                text.set_fontsize(FONT_PT)
        self.status.set_fontsize(FONT_PT)

    def dynamic_artists(self):
        """The artists that :meth:`draw` changes, in drawing order (for blitting: a renderer can keep
        everything else as a cached background and redraw only these)."""
        out = [*self._data_artists(), self.artists["curve"].marker]
        if self.has_bound:
            out += [*self.artists["bound"], *self.axes[2].spines.values()]  # the bars rise from the bottom spine
        return out + [self.status]


class GaussianPanels(Panels):
    """A GaussianMixture's half-step: in 2-D (or more: the first two features) the data coloured by
    responsibilities with 1, 2 and 3 σ ellipses; in 1-D a histogram with the weighted component
    densities and a rug coloured by responsibilities. Then the log-likelihood and the bound."""

    def __init__(self, fig_or_axes, history, X, *, layout="row", sigmas=(1, 2, 3)):
        self.sigmas = tuple(sigmas)
        super().__init__(fig_or_axes, history, X, layout=layout)

    @property
    def description(self):
        data = ("a histogram with the weighted component densities" if self.X.shape[1] == 1 else
                "the data coloured by responsibilities with 1, 2 and 3 sigma covariance ellipses")
        return (f"{data}, the log-likelihood curve with the current half-step marked, and a bar of "
                "log p(X) = ELBO + KL")

    def _check(self, params):
        if not hasattr(params, "covariances"):
            raise TypeError(f"GaussianPanels draws a GaussianMixture's history, not one of {type(params).__name__}.")

    def _data_aspect(self):
        return self._equal_aspect()

    def _create_data(self, ax, step, resp):
        p = step.params
        if self.X.shape[1] == 1:
            self.artists["mixture"] = plot_mixture_1d(self.X, p.weights, p.means, _params_covariances(p), ax=ax)
            self.artists["data"] = plot_data(self.X, resp, ax=ax)
            ax.set_xlabel("x")
            ax.set_ylabel("density")
            return
        self.artists["data"] = plot_data(self.X, resp, ax=ax)
        self.artists["gaussians"] = plot_gaussians(p.means, _params_covariances(p), p.weights, ax=ax,
                                                   sigmas=self.sigmas)
        self._fix_limits(ax)

    def _update_data(self, step, resp):
        p = step.params
        colours = mcolors.to_rgba_array(GREY if resp is None else blend_colors(resp))
        self.artists["data"].set_facecolor(colours)
        if self.X.shape[1] == 1:
            _update_mixture_1d(self.artists["mixture"], p.weights, p.means, _params_covariances(p))
            self.artists["data"].set_edgecolor(colours)  # a rug's marks are lines
        else:
            _update_gaussians(self.artists["gaussians"], p.means, _params_covariances(p), p.weights, self.sigmas)

    def _data_artists(self):
        a, spines = self.artists, self.axes[0].spines.values()
        # spines are redrawn over what is redrawn next to them, as a full draw puts them on top
        if self.X.shape[1] == 1:
            return [*a["mixture"].components, a["mixture"].mixture, a["data"], *spines]
        return [a["data"], *(e for row in a["gaussians"].ellipses for e in row), a["gaussians"].means, *spines]


class BernoulliPanels(Panels):
    """A BernoulliMixture's half-step: every component's prototype image with its weight, then the
    log-likelihood and the bound. (The prototypes do not show q, so a redraw needs no E-step.)"""

    description = ("the prototype image and weight of every component, the log-likelihood curve with the "
                   "current half-step marked, and a bar of log p(X) = ELBO + KL")

    def __init__(self, fig_or_axes, history, X, *, layout="row", image_shape=None):
        super().__init__(fig_or_axes, history, X, layout=layout)
        K, D = history[0].params.means.shape
        self.image_shape = tuple(image_shape) if image_shape is not None else _image_shape(D)
        # the first panel becomes a grid of K small image axes, as plot_prototypes makes them
        spec = self.axes[0].get_subplotspec()
        self.axes[0].remove()
        cols = min(K, _PROTOTYPE_COLUMNS)
        sub = spec.subgridspec(-(-K // cols), cols)
        self.prototype_axes = [self.fig.add_subplot(sub[k // cols, k % cols]) for k in range(K)]
        self.axes[0] = self.prototype_axes[0]

    def _check(self, params):
        if not hasattr(params, "means") or hasattr(params, "covariances"):
            raise TypeError(f"BernoulliPanels draws a BernoulliMixture's history, not one of {type(params).__name__}.")

    def _data_aspect(self):
        K = len(self.history[0].params.means)
        cols = min(K, _PROTOTYPE_COLUMNS)
        # rows of images under their titles: on a narrow stacked figure the titles take height,
        # in a row they set the width
        return (1.3 if self.layout == "stacked" else 0.4) * -(-K // cols) / cols

    def _responsibilities(self, t):
        return None

    def _create_data(self, ax, step, resp):
        p = step.params
        self.artists["prototypes"] = plot_prototypes(p.means, p.weights, self.image_shape, axes=self.prototype_axes)

    def _update_data(self, step, resp):
        _update_prototypes(self.artists["prototypes"], step.params.means, step.params.weights, self.image_shape)

    def _data_artists(self):
        out = []
        for image in self.artists["prototypes"]:  # the image covers its frame: redraw the coloured spines too
            out += [image, *image.axes.spines.values(), image.axes.title]
        return out


class KMeansPanels(Panels):
    """A KMeans half-step: the points coloured by their cluster, the centroids and their Voronoi
    regions, then the distortion J (k-means records no bound)."""

    quantity = "distortion"
    has_bound = False
    description = ("points coloured by cluster with centroids and Voronoi regions, and the distortion curve "
                   "with the current half-step marked")

    def _check(self, params):
        if not hasattr(params, "centers"):
            raise TypeError(f"KMeansPanels draws a KMeans history, not one of {type(params).__name__}.")

    def _data_aspect(self):
        return self._equal_aspect()

    def _create_data(self, ax, step, resp):
        self._fix_limits(ax)
        self.artists["kmeans"] = plot_kmeans(self.X, step.params.centers, _labels(resp), ax=ax)

    def _update_data(self, step, resp):
        _update_kmeans(self.artists["kmeans"], step.params.centers, _labels(resp))

    def _data_artists(self):
        km = self.artists["kmeans"]
        return [km.voronoi, *self.axes[0].spines.values(), km.points, km.centers]


def _labels(resp):
    return None if resp is None else resp.argmax(axis=1)


PANELS = {GaussianMixture: GaussianPanels, BernoulliMixture: BernoulliPanels, KMeans: KMeansPanels}


def panels_for(model):
    """The :class:`Panels` class that draws ``model`` (an emlib estimator or its class; a subclass
    is drawn as its emlib parent)."""
    cls = model if isinstance(model, type) else type(model)
    for base in cls.__mro__:
        if base in PANELS:
            return PANELS[base]
    raise TypeError(f"no panels draw a {cls.__name__}; emlib draws {', '.join(c.__name__ for c in PANELS)}.")


def draw_step(fig_or_axes, model, X, t=-1, *, layout="row"):
    """Draw half-step ``t`` of a fitted ``model``'s history on ``X`` into a Figure (or a list of
    Axes) with the model's :class:`Panels`. Returns them; their ``draw(t)`` moves to another half-step."""
    return panels_for(model)(fig_or_axes, model.history_, X, layout=layout).draw(t)


# ---- the mixture's graphical model, spiky densities, objective profiles ------------------------
__all__ += ["plot_density_1d", "plot_mixture_graph", "plot_profiles"]


class GraphArtists(NamedTuple):
    """What :func:`plot_mixture_graph` draws: ``nodes`` by name (π, z, x, μ, Σ), the arrows, the plate."""

    nodes: dict
    arrows: list
    plate: object


def plot_mixture_graph(ax=None, n_label="$N$"):
    """The Gaussian mixture as a directed graphical model, with a plate over the N data points.

    π → z_n → x_n ← μ, Σ: the latent label z_n (open circle) is drawn first, the observed point
    x_n (shaded circle) depends on it and on the components' parameters (small black dots); the
    plate (rounded box) says that the pair (z_n, x_n) is repeated for n = 1, …, ``n_label``. The
    axes get equal aspect and no frame. Returns :class:`GraphArtists`.
    """
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    ax = _ax(ax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_xlim(-0.2, 4.8)
    ax.set_ylim(-0.6, 3.1)
    radius, dot = 0.42, 0.07
    where = {"pi": (0.5, 2.3), "z": (2.0, 2.3), "x": (2.0, 0.6), "mu": (4.0, 1.1), "Sigma": (4.0, 0.1)}
    nodes = {}
    for name in ("z", "x"):
        shade = "0.8" if name == "x" else "white"
        nodes[name] = ax.add_patch(Circle(where[name], radius, facecolor=shade, edgecolor="black",
                                          linewidth=1.5, zorder=3))
    for name in ("pi", "mu", "Sigma"):
        nodes[name] = ax.add_patch(Circle(where[name], dot, facecolor="black", zorder=3))
    labels = {"pi": r"$\boldsymbol{\pi}$", "z": r"$z_n$", "x": r"$\mathbf{x}_n$",
              "mu": r"$\boldsymbol{\mu}$", "Sigma": r"$\boldsymbol{\Sigma}$"}
    for name, (x, y) in where.items():
        if name in ("z", "x"):
            ax.text(x, y, labels[name], ha="center", va="center", fontsize=14, zorder=4)
        elif name == "pi":
            ax.text(x, y + 0.2, labels[name], ha="center", va="bottom", fontsize=14)
        else:
            ax.text(x + 0.18, y, labels[name], ha="left", va="center", fontsize=14)
    arrows = []
    for tail, head in (("pi", "z"), ("z", "x"), ("mu", "x"), ("Sigma", "x")):
        # the arrow runs from rim to rim
        (x0, y0), (x1, y1) = where[tail], where[head]
        ux, uy = np.subtract(where[head], where[tail]) / np.hypot(x1 - x0, y1 - y0)
        start = dot if tail in ("pi", "mu", "Sigma") else radius
        arrow = FancyArrowPatch((x0 + start * ux, y0 + start * uy), (x1 - radius * ux, y1 - radius * uy),
                                arrowstyle="-|>", mutation_scale=16, linewidth=1.3, color="black",
                                shrinkA=0, shrinkB=0, zorder=2)
        arrows.append(ax.add_patch(arrow))
    plate = ax.add_patch(FancyBboxPatch((1.35, -0.25), 1.3, 3.15, boxstyle="round,pad=0.02,rounding_size=0.15",
                                        fill=False, edgecolor="black", linewidth=1.2, zorder=1))
    ax.text(2.55, -0.15, n_label, ha="right", va="bottom", fontsize=12)
    return GraphArtists(nodes, arrows, plate)


def _spike_grid(x_range, means, variances, n=2000):
    """A grid over ``x_range`` that also resolves every component: ±6σ around each mean, finely."""
    lo, hi = x_range
    parts = [np.linspace(lo, hi, n)]
    for mean, sd in zip(means, np.sqrt(variances)):
        parts.append(mean + sd * np.linspace(-6, 6, 241))
    grid = np.unique(np.concatenate(parts))
    return grid[(grid >= lo) & (grid <= hi)]


def plot_density_1d(weights, means, variances, ax=None, x_range=None, **kw):
    """The 1-D mixture density p(x) = Σ_k π_k N(x | μ_k, σ²_k) as one line, spikes included.

    ``variances`` are σ²_k (shapes (K,), (K, 1) or (K, 1, 1)). The line is evaluated on a grid that
    is refined to ±6σ around every mean, so a component narrower than the grid's spacing is drawn
    at its true height instead of being missed. ``x_range`` defaults to the current x-limits.
    Extra keywords go to ``ax.plot``. Returns the Line2D.
    """
    ax = _ax(ax)
    weights = np.asarray(weights, dtype=float).reshape(-1)
    means = np.asarray(means, dtype=float).reshape(-1)
    variances = np.asarray(variances, dtype=float).reshape(-1)
    if not (len(weights) == len(means) == len(variances)):
        raise ValueError(f"weights, means and variances must have one entry per component, got lengths "
                         f"{len(weights)}, {len(means)} and {len(variances)}.")
    if np.any(variances <= 0):
        raise ValueError(f"variances must be positive (they are σ², not σ), got {variances}.")
    grid = _spike_grid(ax.get_xlim() if x_range is None else x_range, means, variances)
    _, density = _mixture_curves(grid, weights, means, variances)
    options = {"color": "0.15", "linewidth": 1.4}
    options.update(kw)
    (line,) = ax.plot(grid, density, **options)
    return line


class ProfileArtists(NamedTuple):
    """What :func:`plot_profiles` draws: one line per curve, and its maximum's marker (or None)."""

    lines: list
    peaks: list


def plot_profiles(x, curves, ax=None, colors=None, mark_max=False):
    """Several objectives along one parameter: ``curves`` maps a label to values over ``x``.

    Each curve gets a palette colour (or ``colors[i]``) and a legend label; with ``mark_max`` its
    largest finite value is marked with a dot, so where a penalised objective peaks can be read
    off. Returns :class:`ProfileArtists`.
    """
    ax = _ax(ax)
    x = np.asarray(x, dtype=float)
    lines, peaks = [], []
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != x.shape:
            raise ValueError(f"curve {label!r} has shape {values.shape}; it needs one value per x, {x.shape}.")
        colour = PALETTE[i % len(PALETTE)] if colors is None else colors[i]
        (line,) = ax.plot(x, values, color=colour, label=label)
        lines.append(line)
        peak = None
        if mark_max:
            best = np.nanargmax(np.where(np.isfinite(values), values, np.nan))
            (peak,) = ax.plot([x[best]], [values[best]], "o", color=colour, markersize=7, zorder=5)
        peaks.append(peak)
    return ProfileArtists(lines, peaks)


# ---- chapters 5–8: Jensen, coordinate ascent, convergence, gaps, criteria, image grids ----------
class JensenArtists(NamedTuple):
    curve: Any
    points: Any
    chord: Any
    mean_on_curve: Any
    mean_of_logs: Any
    gap: Any


def plot_jensen(points, weights, ax=None):
    """Jensen's inequality for the logarithm: log of the weighted mean against the weighted mean of logs.

    Draws log x, the points (x_i, log x_i) (dot area ∝ weight), the chord when there are two
    points, and at x̄ = Σ w_i x_i the vermillion gap between log x̄ (on the curve) and Σ w_i log x_i.
    The gap is zero exactly when all points with positive weight coincide. Returns
    :class:`JensenArtists` (``chord`` is None unless there are exactly two points).
    """
    ax = _ax(ax)
    points, weights = np.asarray(points, dtype=float).ravel(), np.asarray(weights, dtype=float).ravel()
    if points.shape != weights.shape or points.size == 0 or (points <= 0).any():
        raise ValueError("points must be positive numbers, one per weight; got "
                         f"{points.size} points and {weights.size} weights.")
    if (weights < 0).any() or not np.isclose(weights.sum(), 1.0):
        raise ValueError(f"weights must be non-negative and sum to 1, got {weights}.")
    mean, mean_log = weights @ points, weights @ np.log(points)
    lo, hi = points.min(), points.max()
    grid = np.geomspace(lo / 2, hi * 1.5, 300) if hi > lo else np.geomspace(lo / 3, lo * 3, 300)
    (curve,) = ax.plot(grid, np.log(grid), color="black", label="log x")
    dots = ax.scatter(points, np.log(points), s=20 + 180 * weights, color=PALETTE[0], zorder=3,
                      label="points x_i (area ∝ weight)")
    chord = None
    if points.size == 2:
        (chord,) = ax.plot(points, np.log(points), color=PALETTE[0], linewidth=1.2)
    (on_curve,) = ax.plot([mean], [np.log(mean)], "o", color="black", zorder=4)
    (of_logs,) = ax.plot([mean], [mean_log], "s", color=PALETTE[3], zorder=4)
    size = np.log(mean) - mean_log
    size = 0.0 if abs(size) <= 1e-12 * max(1.0, abs(mean_log)) else size  # equal points: rounding only
    (gap,) = ax.plot([mean, mean], [mean_log, np.log(mean)], color=PALETTE[3], linewidth=3,
                     label=f"Jensen's gap {size:.3g}")
    ax.set_xlabel("x")
    return JensenArtists(curve, dots, chord, on_curve, of_logs, gap)


class CoordinateAscentArtists(NamedTuple):
    contours: Any
    path: Any
    arrows: list


def plot_coordinate_ascent(q_values, theta_values, elbo, path, ax=None, levels=None):
    """Contours of the ELBO over a 2-D slice (a q-coordinate across, θ up) and EM's zig-zag path on it.

    ``elbo`` has shape (len(theta_values), len(q_values)); ``path`` is a sequence of (q, θ) points,
    one per half-step: an E-step moves across (q changes), an M-step moves up or down (θ changes).
    ``levels`` are the contour values (default: 16 quantiles of ``elbo``, denser near its top).
    Returns :class:`CoordinateAscentArtists`.
    """
    ax = _ax(ax)
    q_values, theta_values = np.asarray(q_values, dtype=float), np.asarray(theta_values, dtype=float)
    elbo, path = np.asarray(elbo, dtype=float), np.atleast_2d(np.asarray(path, dtype=float))
    if elbo.shape != (theta_values.size, q_values.size):
        raise ValueError(f"elbo must have shape (len(theta_values), len(q_values)) = "
                         f"({theta_values.size}, {q_values.size}), got {elbo.shape}.")
    if path.shape[1] != 2:
        raise ValueError(f"path must be a sequence of (q, θ) pairs, got shape {path.shape}.")
    if levels is None:
        levels = np.unique(np.quantile(elbo, 1 - np.geomspace(1, 0.002, 16)))
    contours = ax.contour(q_values, theta_values, elbo, levels=levels, cmap="viridis", linewidths=0.9)
    (line,) = ax.plot(path[:, 0], path[:, 1], "o", color=PALETTE[3], markersize=4, zorder=3)
    arrows = [ax.annotate("", xy=b, xytext=a, arrowprops=dict(arrowstyle="->", color=PALETTE[3], lw=1.5))
              for a, b in zip(path[:-1], path[1:])]
    return CoordinateAscentArtists(contours, line, arrows)


def plot_convergence(errors, ax=None, rates=None):
    """Distance to the limit, iteration by iteration, on a log scale: one line per method.

    ``errors`` maps a label to the distances |θ_t − θ*| for t = 0, 1, ...; ``rates`` maps some of
    the labels to a predicted linear rate ρ, drawn dashed as |θ_0 − θ*| ρ^t. Returns a dict from
    label to Line2D (predicted lines under ``label + " (predicted)"``).
    """
    ax = _ax(ax)
    rates = {} if rates is None else rates
    unknown = set(rates) - set(errors)
    if unknown:
        raise ValueError(f"rates has labels that are not in errors: {sorted(unknown)}.")
    lines = {}
    for i, (label, err) in enumerate(errors.items()):
        err = np.asarray(err, dtype=float)
        colour = PALETTE[i % len(PALETTE)]
        (lines[label],) = ax.semilogy(np.arange(err.size), err, "o-", color=colour, markersize=3, label=label)
        if label in rates:
            t = np.arange(err.size)
            (lines[label + " (predicted)"],) = ax.semilogy(t, err[0] * rates[label] ** t, "--", color=colour,
                                                          linewidth=1, label=f"{label}: rate {rates[label]:.3f}")
    ax.set_xlabel("iteration t")
    ax.set_ylabel("distance to the limit")
    return lines


class GapArtists(NamedTuple):
    log_likelihood: Any
    bound: Any
    gap: Any


def plot_gap(log_likelihood, bound, ax=None, x=None, bound_label="bound L(q, θ)"):
    """The log-likelihood and a lower bound on it over a run, with the gap between them shaded.

    ``x`` is the position of every entry (default 0, 1, ...). Returns :class:`GapArtists`.
    """
    ax = _ax(ax)
    log_likelihood, bound = np.asarray(log_likelihood, dtype=float), np.asarray(bound, dtype=float)
    if log_likelihood.shape != bound.shape or log_likelihood.ndim != 1:
        raise ValueError(f"log_likelihood and bound must be 1-D of the same length, got shapes "
                         f"{log_likelihood.shape} and {bound.shape}.")
    x = np.arange(log_likelihood.size) if x is None else np.asarray(x, dtype=float)
    if x.shape != log_likelihood.shape:
        raise ValueError(f"x must have one position per entry ({log_likelihood.size}), got shape {x.shape}.")
    gap = ax.fill_between(x, bound, log_likelihood, color=PALETTE[1], alpha=0.45, linewidth=0, label="gap (KL)")
    (ll,) = ax.plot(x, log_likelihood, color="black", linewidth=1.8, label="log p(X | θ)")
    (bd,) = ax.plot(x, bound, color=PALETTE[0], linewidth=1.2, label=bound_label)
    return GapArtists(ll, bd, gap)


def plot_criteria(candidates, criteria, ax=None, lower_is_better=True):
    """Model-selection criteria against the candidate models, each criterion's best one starred.

    ``criteria`` maps a name (e.g. "BIC") to one value per candidate. Numeric candidates (numbers of
    components) give lines; other candidates (covariance types) give grouped bars. Returns a dict
    from name to the line or bar container.
    """
    ax = _ax(ax)
    candidates = list(candidates)
    numeric = all(isinstance(c, (int, float, np.integer, np.floating)) for c in candidates)
    artists = {}
    width = 0.8 / max(len(criteria), 1)
    for i, (name, values) in enumerate(criteria.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != (len(candidates),):
            raise ValueError(f"criteria[{name!r}] must have one value per candidate ({len(candidates)}), "
                             f"got shape {values.shape}.")
        colour = PALETTE[i % len(PALETTE)]
        best = values.argmin() if lower_is_better else values.argmax()
        if numeric:
            x = np.asarray(candidates, dtype=float)
            (artists[name],) = ax.plot(x, values, "o-", color=colour, label=name)
        else:
            x = np.arange(len(candidates)) + (i - (len(criteria) - 1) / 2) * width
            artists[name] = ax.bar(x, values, width=width, color=colour, label=name)
        ax.plot([x[best]], [values[best]], "*", color="black", markersize=13, zorder=4)
    if not numeric:
        ax.set_xticks(np.arange(len(candidates)))
        ax.set_xticklabels([str(c) for c in candidates])
    return artists


def plot_image_grid(images, image_shape=(28, 28), axes=None, fig=None, n_cols=10, titles=None):
    """Binary or grey images (one per row of ``images``) in a grid, ink dark on white.

    Without ``axes`` a grid of ``n_cols`` columns is made in ``fig`` (default ``plt.gcf()``).
    ``titles`` (optional) gives one short title per image. Returns the list of AxesImage.
    """
    images = np.asarray(images, dtype=float)
    if images.ndim != 2 or images.shape[1] != int(np.prod(image_shape)):
        raise ValueError(f"images must have shape (n, {int(np.prod(image_shape))}) for image_shape "
                         f"{tuple(image_shape)}, got {images.shape}.")
    n = len(images)
    if axes is None:
        if fig is None:
            import matplotlib.pyplot as plt

            fig = plt.gcf()
        axes = fig.subplots(int(np.ceil(n / n_cols)), min(n, n_cols), squeeze=False)
    axes = list(np.ravel(axes))
    if len(axes) < n:
        raise ValueError(f"plot_image_grid needs one Axes per image: got {len(axes)} for {n} images.")
    drawn = []
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < n:
            drawn.append(ax.imshow(images[i].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1,
                                   interpolation="nearest"))
            if titles is not None:
                ax.set_title(titles[i])
    return drawn
