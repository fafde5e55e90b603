"""Step through EM: a live ipywidgets stepper for class, and its static twin for the website.

A chapter shows both with one cell and one call::

    show_em(model, X)          tags ["remove-input", "nbval-ignore-output"]

In JupyterLab or Notebook 7 (a kernel a Jupyter server started) it is the live :class:`EMStepper`;
when the book's build, nbval or nbconvert runs the notebook it is :func:`animate`, the static
twin: the same half-steps drawn by the same panels (:func:`emlib.plotting.panels_for`) into a
self-contained HTML player (first / previous / play / next, a slider) that needs no kernel. Only the
one shown is computed. ``show_annealing(X, centers)`` does the same for the ε sweep of chapter 7.
Neither fits anything if ``model`` is fitted.

A saved notebook keeps no widget state: the live stepper's output also holds a PNG of the half-step
on display, which a viewer without widgets shows. JupyterLab would still try the live view first and
show "model not found" once the kernel is gone; :func:`pictures_on_save`, a Jupyter server's
pre-save hook, saves such outputs as their picture alone.
"""

import io
import os
import warnings
from html import escape

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import _validation, plotting

__all__ = ["AnnealingStepper", "EMStepper", "animate", "animate_annealing", "pictures_on_save", "show_annealing", "show_em"]

FIGSIZE = (8, 3.0)  # inches; shown 112 px to the inch, rendered at twice that
MAX_HTML_BYTES = 2 * 1024 * 1024  # the website's budget per animation


def _refit_settings(model, n_components=None, covariance_type=None, init=None, seed=None):
    """The parameters of a new model like ``model`` with these settings changed (None: unchanged);
    ``*_init`` arrays are dropped, since the initialisation is now ``init``. What the live stepper
    and the browser's stepper refit with."""
    params = model.get_params()
    params.update({name: None for name in ("weights_init", "means_init", "precisions_init") if name in params})
    if n_components is not None:
        params["n_clusters" if "n_clusters" in params else "n_components"] = int(n_components)
    if covariance_type is not None and "covariance_type" in params:
        params["covariance_type"] = covariance_type
    if init is not None:
        params["init" if "init" in params else "init_params"] = init
    if seed is not None:
        params["random_state"] = int(seed)
    return params


def _new_figure(figsize, dpi):
    """A Figure outside pyplot: nothing registers it, so no stray static copy is ever displayed."""
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


class _BlitRenderer:
    """Renders step panels (:class:`emlib.plotting.Panels`) to PNG by blitting: the static parts (axes,
    ticks, labels, histogram, the whole curve, the legend) are drawn once into a cached background; each frame restores it and
    draws only ``view.dynamic_artists()``. This makes a goto several times faster than a full draw."""

    def __init__(self, view):
        self.view = view
        self.fig = view.fig
        self.background = None

    def _capture(self):
        # One full draw first settles what is computed at draw time (aspect-ratio axes positions,
        # title positions); the background is then drawn without the dynamic artists. A hidden title
        # would be moved by that second draw (its extent is empty), so text positions are restored.
        canvas = self.fig.canvas
        canvas.draw()
        dynamic = self.view.dynamic_artists()
        visible = [artist.get_visible() for artist in dynamic]
        positions = {id(a): a.get_position() for a in dynamic if isinstance(a, Text)}
        for artist in dynamic:
            artist.set_visible(False)
        canvas.draw()
        self.background = canvas.copy_from_bbox(self.fig.bbox)
        for artist, was in zip(dynamic, visible):
            artist.set_visible(was)
            if id(artist) in positions:
                artist.set_position(positions[id(artist)])
        # the order of a full draw: by zorder, ties in the order the artists were added
        self.order = sorted(dynamic, key=lambda artist: artist.get_zorder())

    def png(self):
        from PIL import Image

        canvas = self.fig.canvas
        if self.background is None:
            self._capture()
        canvas.restore_region(self.background)
        renderer = canvas.get_renderer()
        for artist in self.order:
            artist.draw(renderer)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)  # fast: sent once, not stored
        return buffer.getvalue()


def _is_fitted(model):
    return getattr(model, "history_", None) is not None


def _fit(model, X):
    """Fit ``model`` with emlib's own ``fit``; a ConvergenceWarning is returned, not raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _validation.ConvergenceWarning)
        model.fit(X)
    notes = [str(w.message) for w in caught if issubclass(w.category, _validation.ConvergenceWarning)]
    return notes[0] if notes else ""


def _as_2d(X):
    X = np.asarray(X, dtype=float)
    return X[:, None] if X.ndim == 1 else X


def _degeneracy(model, X):
    """A sentence if the fit ended at a symmetric or degenerate point, else ""."""
    history = model.history_
    params = history[-1].params
    centres = np.asarray(getattr(params, "means", None) if hasattr(params, "means") else params.centers, float)
    K = len(centres)
    unit = "cluster" if hasattr(params, "centers") else "component"
    scale = float(np.ptp(X, axis=0).max()) or 1.0
    for j in range(K):
        for k in range(j + 1, K):
            if np.abs(centres[j] - centres[k]).max() <= 1e-6 * scale:
                return (f"{unit.capitalize()}s {j} and {k} have the same centre: a symmetric point, where EM keeps "
                        "them equal for ever (not a maximum). Refit with another init or seed.")
    if unit == "cluster":
        return ""
    if K > 1:
        certainty = float(history.responsibilities(X, -1).max(axis=1).mean())
        if certainty < 1 / K + 0.1:
            return (f"EM stopped near a symmetric point: every point is shared almost equally by the components "
                    f"(mean largest responsibility {certainty:.2f}, against 1/K = {1 / K:.2f}). It stopped because "
                    "the log-likelihood hardly changes there, not at a maximum. Refit with another init or seed, "
                    "or a smaller tol.")
    weights = np.asarray(params.weights)
    if weights.min() < 1e-3 / K:
        k = int(np.argmin(weights))
        return (f"Component {k} has weight {weights[k]:.2g}: it explains almost no data (a degenerate fit). "
                "Refit with another init or seed, or fewer components.")
    return ""


def _lines(html, style=""):
    """HTML for a widget's text: ipywidgets sets a one-control line height, too tall for prose."""
    return f'<div style="{style}line-height:1.35">{html}</div>'


_HELP = ("<b>E-step</b>: new responsibilities q (each point's share of each {unit}) for the current θ; θ stays. "
         "<b>M-step</b>: new θ ({params}) from those q; q stays.")


class EMStepper:
    """An ipywidgets stepper over a fitted emlib model's ``history_``, one half-step at a time.

    Controls: "|◀ start" (to θ₀), "◀ previous" and "next ▶" (one half-step), "E-step ▶" and
    "M-step ▶" (enabled when the next half-step is of that kind, so pressing them in turn steps EM),
    play, and a slider over every half-step. A line under the figure says what the shown half-step
    did, and when EM has converged. A refit row (K, covariance type for a GaussianMixture,
    initialisation, seed) fits a new model of the same class with emlib's ``fit`` and says when that
    fit stopped at a symmetric or degenerate point; the model passed in is never changed by a refit.
    An unfitted model is fitted first.

    The figure is rendered to PNG (at twice the screen's pixels, so it is sharp on a projector or a
    2x screen) into an ``ipywidgets.Image``, so it works in JupyterLab without ipympl, and headless:
    ``goto(t)`` renders half-step t, ``view`` is the model's :class:`emlib.plotting.Panels` with the drawn
    artists, ``buttons`` holds the buttons. Without a widget front-end (nbconvert, a plain viewer),
    the display falls back to a PNG of the shown half-step.
    """

    def __init__(self, model, X, *, figsize=FIGSIZE, dpi=112, pixel_ratio=2, interval=700, start=0):
        import ipywidgets as w

        self.X = _as_2d(X)
        self.model = model
        self.dpi = dpi
        self.fig = _new_figure(figsize, dpi * pixel_ratio)
        self._ready = False
        note = "" if _is_fitted(model) else _fit(model, self.X)
        wrap = dict(display="flex", flex_flow="row wrap", align_items="center")

        # stepping controls
        self.slider = w.IntSlider(value=0, min=0, max=1, description="half-step", continuous_update=True,
                                  layout=w.Layout(flex="1 1 320px", min_width="240px"))
        self.play = w.Play(value=0, min=0, max=1, interval=interval, description="play",
                           tooltip="play every half-step from here")
        w.jslink((self.play, "value"), (self.slider, "value"))
        kind = "k-means" if hasattr(model, "n_clusters") else "EM"
        auto = w.Layout(width="auto")
        self.buttons = {
            "start": w.Button(description="|◀ start", tooltip="back to the initial parameters θ₀", layout=auto),
            "previous": w.Button(description="◀ previous", tooltip="one half-step back", layout=auto),
            "next": w.Button(description="next ▶", tooltip="one half-step on", layout=auto),
            "E": w.Button(description="E-step ▶", layout=auto,
                          tooltip="new responsibilities q for the current θ (θ stays)"),
            "M": w.Button(description="M-step ▶", layout=auto,
                          tooltip="new parameters θ from the current q (q stays)"),
            "refit": w.Button(description="refit", button_style="primary", tooltip="fit again with these settings",
                              layout=auto),
        }
        self.buttons["start"].on_click(lambda _: self.goto(0))
        self.buttons["previous"].on_click(lambda _: self.previous())
        self.buttons["next"].on_click(lambda _: self.next())
        self.buttons["E"].on_click(lambda _: self.next_step("E"))
        self.buttons["M"].on_click(lambda _: self.next_step("M"))
        self.buttons["refit"].on_click(lambda _: self._refit_from_controls())
        self.slider.observe(self._on_slider, names="value")

        # refit controls, read from the model so a refit without changes reproduces it
        self._k_name = getattr(model, "_n_components_name", "n_components")
        self._init_name = "init" if hasattr(model, "n_clusters") else "init_params"
        init_options = self._init_options()
        init_now = getattr(model, self._init_name, init_options[0])
        short = {"description_width": "initial"}
        self.controls = {
            "n_components": w.BoundedIntText(value=getattr(model, self._k_name), min=1, max=20, description="K",
                                             style=short, layout=w.Layout(width="110px")),
            "init": w.Dropdown(options=init_options,
                               value=init_now if isinstance(init_now, str) and init_now in init_options
                               else init_options[0],
                               description="init", style=short, layout=w.Layout(width="260px")),
            "seed": w.IntText(value=self._seed_value(model.random_state), description="seed", style=short,
                              layout=w.Layout(width="140px")),
        }
        if hasattr(model, "covariance_type"):
            from .gmm import COVARIANCE_TYPES

            self.controls["covariance_type"] = w.Dropdown(options=list(COVARIANCE_TYPES), value=model.covariance_type,
                                                          description="covariance", style=short,
                                                          layout=w.Layout(width="230px"))
        width = int(round(figsize[0] * dpi))
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{width}px", height="auto"))
        self.status = w.HTML()  # what the shown half-step did
        self.message = w.HTML()  # about the fit: its size, convergence, a degenerate point
        unit = "cluster" if hasattr(model, "n_clusters") else "component"
        params = "the centres" if unit == "cluster" else "weights, means, covariances" \
            if hasattr(model, "covariance_type") else "weights and pixel probabilities"
        self.help = w.HTML(_lines(_HELP.format(unit=unit, params=params), "font-size:0.9em;"))
        step_row = w.HBox([self.play, self.buttons["start"], self.buttons["previous"], self.buttons["next"],
                           self.buttons["E"], self.buttons["M"]], layout=w.Layout(**wrap))
        slider_row = w.HBox([self.slider], layout=w.Layout(**wrap))
        refit_row = w.HBox(list(self.controls.values()) + [self.buttons["refit"]], layout=w.Layout(**wrap))
        self.widget = w.VBox([step_row, slider_row, self.help, self.image, self.status, refit_row, self.message],
                             layout=w.Layout(max_width=f"{max(width, 640)}px"))
        self._kind = kind
        self._set_model(model, start, note)

    # -- choices
    def _init_options(self):
        if hasattr(self.model, "n_clusters"):
            return ["k-means++", "random"]
        if hasattr(self.model, "covariance_type"):
            from .gmm import INIT_PARAMS
        else:
            from .bernoulli import INIT_PARAMS
        return list(INIT_PARAMS)

    @staticmethod
    def _seed_value(random_state):
        return int(random_state) if isinstance(random_state, (int, np.integer)) else 0

    # -- state
    @property
    def history(self):
        return self.model.history_

    @property
    def t(self):
        """The half-step on display."""
        return self.view.t

    def _set_model(self, model, start, note=""):
        self._ready = False
        self.model = model
        self.view = plotting.panels_for(model)(self.fig, model.history_, self.X)
        self._renderer = _BlitRenderer(self.view)
        last = len(model.history_) - 1
        # widen before narrowing, so the slider never holds a value outside [min, max]
        self.slider.max = max(self.slider.max, last, 1)
        self.slider.value = 0
        self.slider.max = last
        self.play.max = last
        self._ready = True
        self.message.value = _lines(self._summary(note))
        self.goto(start)

    def _summary(self, note):
        h = self.history
        K = getattr(self.model, self._k_name)
        unit = "clusters" if hasattr(self.model, "n_clusters") else "components"
        text = f"{type(self.model).__name__} with {K} {unit}: {h[-1].iteration} iterations, {len(h) - 1} half-steps after θ₀."
        degenerate = _degeneracy(self.model, self.X)
        if degenerate:
            text += f" <b>Degenerate fit:</b> {degenerate}"
        if note:
            text += f" <b>Note:</b> {note}"
        return text

    def _status(self, t):
        """One line on what half-step t did; at the last one, whether EM converged."""
        h, step = self.history, self.history[t]
        kmeans = hasattr(self.model, "n_clusters")
        if step.phase == "init":
            text = "Half-step 0: the initial parameters θ₀ (no responsibilities yet). Press <b>E-step ▶</b>."
        elif step.phase == "E":
            did = ("each point goes to its nearest centre" if kmeans
                   else "each point's responsibilities q are recomputed from θ; θ is unchanged, so the KL gap is 0")
            text = f"Half-step {t} (iteration {step.iteration}), E-step: {did}."
        else:
            did = ("each centre moves to the mean of its points" if kmeans
                   else "θ is re-estimated from q; q is unchanged, so the ELBO rises and a KL gap opens")
            text = f"Half-step {t} (iteration {step.iteration}), M-step: {did}."
        if t == len(h) - 1:
            if getattr(self.model, "converged_", False):
                text += (f" <b>{self._kind} has converged</b> after {step.iteration} iterations "
                         f"(the change fell below tol = {self.model.tol:g}); this is the last half-step.")
            else:
                text += (f" <b>{self._kind} stopped without converging</b> after max_iter = "
                         f"{step.iteration} iterations; this is the last half-step.")
        return text

    # -- stepping
    def goto(self, t):
        """Render half-step ``t`` (negative counts from the end) and move the slider there."""
        t = range(len(self.history))[t]
        if self.slider.value != t:
            self.slider.value = t  # the slider's observer renders
        else:
            self._render(t)

    def next(self):
        """One half-step on (nothing at the last one, whose message says EM has ended)."""
        self.goto(min(self.t + 1, len(self.history) - 1))

    def previous(self):
        """One half-step back."""
        self.goto(max(self.t - 1, 0))

    def next_step(self, phase):
        """Take the next half-step if it is of ``phase`` ("E" or "M"); otherwise stay and say which comes."""
        if phase not in ("E", "M"):
            raise ValueError(f"phase must be 'E' or 'M', got {phase!r}.")
        phases = self.history.phases
        if self.t + 1 < len(phases) and phases[self.t + 1] == phase:
            return self.goto(self.t + 1)
        if self.t + 1 < len(phases):
            self.status.value = _lines(self._status(self.t) + f" The next half-step is an {phases[self.t + 1]}-step.")
        return None

    def _on_slider(self, change):
        if self._ready:
            self._render(change["new"])

    def _render(self, t):
        self.view.draw(t)
        self.image.value = self._renderer.png()
        phases, last = self.history.phases, len(self.history) - 1
        following = phases[t + 1] if t < last else None
        self.buttons["next"].disabled = t == last
        self.buttons["previous"].disabled = self.buttons["start"].disabled = t == 0
        self.buttons["E"].disabled = following != "E"
        self.buttons["M"].disabled = following != "M"
        self.status.value = _lines(self._status(t))

    # -- refitting
    def refit(self, n_components=None, covariance_type=None, init=None, seed=None):
        """Fit a new model of the same class on the same X (emlib's ``fit``) and step through it.

        Unchanged settings are taken from the current model; ``*_init`` arrays are dropped, since the
        initialisation is now ``init``. An error (say a singular covariance) is shown, not raised.
        """
        kwargs = _refit_settings(self.model, n_components, covariance_type, init, seed)
        if not isinstance(kwargs[self._init_name], str):  # an array of centres: use the dropdown's
            kwargs[self._init_name] = self.controls["init"].value
        model = type(self.model)(**kwargs)
        try:
            note = _fit(model, self.X)
        except ValueError as err:
            self.message.value = _lines(f"<b>Refit failed:</b> {err}")
            return None
        self._set_model(model, 0, note)
        return model

    def _refit_from_controls(self):
        c = self.controls
        self.refit(
            n_components=c["n_components"].value,
            covariance_type=c["covariance_type"].value if "covariance_type" in c else None,
            init=c["init"].value,
            seed=c["seed"].value,
        )

    # -- display
    def _repr_mimebundle_(self, **kwargs):
        # without a widget front-end (nbconvert, a viewer): the shown half-step, as a picture
        return _with_fallback(self.widget._repr_mimebundle_(**kwargs), self.image.value, repr(self))

    def __repr__(self):
        return f"EMStepper({self.model!r}, half-step {self.t} of {len(self.history) - 1})"


# ---- annealing: soft to hard assignments -------------------------------------------------------
def _default_epsilons(X, centers, n=25):
    """From ε = the data's total variance (nearly uniform q) down to 1/1000 of the smallest squared
    distance between two centres (q practically one-hot)."""
    centers = np.asarray(centers, dtype=float)
    gaps = ((centers[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    smallest = gaps[~np.eye(len(centers), dtype=bool)].min() if len(centers) > 1 else 1.0
    return np.geomspace(X.var(axis=0).sum(), 1e-3 * smallest, n)


class _Annealing:
    """The drawing shared by AnnealingStepper and animate_annealing: data by r(ε) | mean max r vs ε."""

    def __init__(self, fig, X, centers, epsilons, layout="row"):
        from .kmeans import soft_responsibilities

        self.fig, self.X, self.centers = fig, X, np.asarray(centers, dtype=float)
        self.epsilons = np.asarray(epsilons, dtype=float)
        self._resp = soft_responsibilities
        certainty = [soft_responsibilities(X, self.centers, e).max(axis=1).mean() for e in self.epsilons]
        fig.set_layout_engine("constrained", w_pad=0.04, h_pad=0.04)
        if layout == "row":
            grid = fig.add_gridspec(1, 2, width_ratios=[1.4, 1.0])
            ax_data, ax_curve = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        else:  # stacked, for a narrow screen
            grid = fig.add_gridspec(2, 1, height_ratios=[1.3, 1.0])
            ax_data, ax_curve = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
        self.points = plotting.plot_data(X, soft_responsibilities(X, self.centers, self.epsilons[0]), ax=ax_data)
        self.centre_marks = ax_data.scatter(self.centers[:, 0], self.centers[:, 1], marker="X", s=110,
                        c=plotting.component_colors(len(self.centers)), edgecolors="black", zorder=4)
        ax_curve.plot(self.epsilons, certainty, color="0.35", marker=".")
        ax_curve.set_xscale("log")
        ax_curve.invert_xaxis()  # left to right: soft to hard
        ax_curve.set_xlabel(r"$\varepsilon$ (shared variance), decreasing →", fontsize=plotting.FONT_PT)
        ax_curve.set_ylabel(r"mean of $\mathrm{max}_k\, r_{nk}$", fontsize=plotting.FONT_PT)
        for ax in (ax_data, ax_curve):
            ax.tick_params(labelsize=plotting.FONT_PT)
        # at most five intervals between ticks: the automatic count depends on matplotlib's version (the browser's
        # "Run live" has an older one than the book's build), and the live picture would not be the twin's
        ax_data.locator_params(nbins=5)
        ax_curve.set_ylim(0, 1.05)
        (self.marker,) = ax_curve.plot([], [], "o", markersize=9, markerfacecolor="none",
                                       markeredgecolor=plotting.PALETTE[3], markeredgewidth=2)
        self.certainty = np.array(certainty)
        self.status = fig.suptitle(self._describe(self.epsilons[0]), x=0.02, ha="left", fontsize=plotting.FONT_PT)
        fig.get_layout_engine().execute(fig)  # laid out once: the panels keep still from frame to frame
        fig.set_layout_engine("none")
        self.index = None

    @staticmethod
    def _describe(eps):
        return rf"$\varepsilon = {eps:.3g}$:  $r_{{nk}} \propto \exp(-\|x_n - \mu_k\|^2 / 2\varepsilon)$"

    def dynamic_artists(self):
        return [self.points, self.centre_marks, self.marker, self.status]  # the centres are drawn above

    def draw(self, i):
        eps = self.epsilons[i]
        self.resp = self._resp(self.X, self.centers, eps)
        self.points.set_facecolor(plotting.blend_colors(self.resp))
        self.marker.set_data([eps], [self.certainty[i]])
        self.status.set_text(self._describe(eps))
        self.index = i
        return self


class AnnealingStepper:
    """An ε slider that moves k-means responsibilities from soft to hard on the same data.

    r_nk ∝ exp(−|x_n − μ_k|² / (2ε)) (:func:`emlib.kmeans.soft_responsibilities`): large ε blends
    every point's colour, small ε gives each point its nearest centre's colour, the hard E-step of
    k-means. ``goto(i)`` shows ``epsilons[i]`` (by default 25 values, large to small).
    """

    def __init__(self, X, centers, epsilons=None, *, figsize=FIGSIZE, dpi=112, pixel_ratio=2, interval=400):
        import ipywidgets as w

        self.X = _as_2d(X)
        self.epsilons = _default_epsilons(self.X, centers) if epsilons is None else np.asarray(epsilons, float)
        self.dpi = dpi
        self.fig = _new_figure(figsize, dpi * pixel_ratio)
        self.view = _Annealing(self.fig, self.X, centers, self.epsilons)
        self._renderer = _BlitRenderer(self.view)
        n = len(self.epsilons) - 1
        self.slider = w.IntSlider(value=0, min=0, max=n, description="ε step", readout=False,
                                  layout=w.Layout(flex="1 1 320px", min_width="240px"))
        self.play = w.Play(value=0, min=0, max=n, interval=interval)
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.label = w.Label()
        width = int(round(figsize[0] * dpi))
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{width}px", height="auto"))
        self.slider.observe(lambda change: self._render(change["new"]), names="value")
        row = w.HBox([self.play, self.slider, self.label],
                     layout=w.Layout(display="flex", flex_flow="row wrap", align_items="center"))
        self.widget = w.VBox([row, self.image], layout=w.Layout(max_width=f"{max(width, 640)}px"))
        self._render(0)

    @property
    def epsilon(self):
        return float(self.epsilons[self.view.index])

    def goto(self, i):
        """Show the i-th ε (negative counts from the end)."""
        i = range(len(self.epsilons))[i]
        if self.slider.value != i:
            self.slider.value = i
        else:
            self._render(i)

    def _render(self, i):
        self.view.draw(i)
        self.label.value = f"ε = {self.epsilons[i]:.3g}"
        self.image.value = self._renderer.png()

    def _repr_mimebundle_(self, **kwargs):
        return _with_fallback(self.widget._repr_mimebundle_(**kwargs), self.image.value, repr(self))

    def __repr__(self):
        return f"AnnealingStepper(ε = {self.epsilon:.3g}, step {self.view.index} of {len(self.epsilons) - 1})"


_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def pictures_on_save(model, **kwargs):
    """A Jupyter server pre-save hook: every widget output that carries a picture is saved as the
    picture, without its widget view, so a reopened notebook shows the last half-step, not "Error
    displaying widget: model not found" (JupyterLab's widget renderer has no fallback). Run the
    cell again for the live widget. Enable it with
    ``jupyter lab --ContentsManager.pre_save_hook=emlib.widgets.pictures_on_save`` or the same
    setting in a ``jupyter_server_config`` file."""
    if model.get("type") != "notebook" or not model.get("content"):
        return
    for cell in model["content"].get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if _WIDGET_VIEW in data and "image/png" in data:
                del data[_WIDGET_VIEW]


def _with_fallback(bundle, png, text):
    """A widget's display data plus a PNG of what it shows (at screen resolution, 128 colours: a
    saved notebook stays small), for a front-end without widgets."""
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").reduce(2).quantize(128, dither=Image.Dither.NONE).save(
        buffer, format="png", optimize=True)
    return dict(bundle, **{"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": text})


# ---- the static twin ---------------------------------------------------------------------------


def _frames(phases, max_frames):
    """The half-steps an animation shows: every one if they fit; else θ₀ and evenly spaced
    iterations, each as its E-step and its M-step (so every frame pair shows a gap close and open),
    the last iteration included. Each frame is labelled with its true half-step."""
    n_steps = len(phases)
    if max_frames is None or n_steps <= max_frames:
        return list(range(n_steps))
    if max_frames < 3:
        raise ValueError(f"max_frames must be at least 3 (θ₀ and one E- and M-step), got {max_frames}.")
    m_steps = [t for t, phase in enumerate(phases) if phase == "M"]
    chosen = np.unique(np.linspace(0, len(m_steps) - 1, (max_frames - 1) // 2).round().astype(int))
    return [0] + [t for i in chosen for t in (m_steps[i] - 1, m_steps[i])]


def _encode(png, fmt, quality):
    """A rendered PNG as a data: URL in ``fmt`` ("jpeg" or "png", the latter with a 128-colour palette)."""
    import base64

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image.save(buffer, format="jpeg", quality=quality, optimize=True)
    else:  # maximum coverage keeps the few pixels of a pure colour (a centre's marker) in the palette,
        # which the default median cut merged into the nearest blend (and it gives smaller files)
        image.quantize(128, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE).save(
            buffer, format="png", optimize=True)
    return f"data:image/{fmt};base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_PLAYER = """<figure class="emlib-animation" id="{uid}" style="margin:0 0 1em 0;max-width:{max_width}px">
<img src="{first}" alt="{alt}" width="{width}" height="{height}" style="width:100%;height:auto;display:block">
<div style="display:flex;flex-wrap:wrap;gap:0.3em;align-items:center;margin-top:0.3em">
<button type="button" data-go="first">« first</button><button type="button" data-go="previous">‹ previous</button>
<button type="button" data-go="play" aria-pressed="false">play</button><button type="button" data-go="next">next ›</button>
<input type="range" min="0" max="{last}" value="0" step="1" aria-label="{what}" aria-valuetext="{label0}"
 style="flex:1 1 8em;min-width:8em;margin:0">
</div>
<figcaption aria-live="polite" style="font-size:0.9em">{label0}</figcaption>
<p style="font-size:0.85em;margin:0.2em 0 0 0">{note}</p>
<script type="application/json" class="emlib-frames">{frames}</script>{model}
<script>
(function () {{
  var box = document.getElementById("{uid}");
  var data = JSON.parse(box.querySelector(".emlib-frames").textContent);
  var img = box.querySelector("img"), slider = box.querySelector("input"), caption = box.querySelector("figcaption");
  var play = box.querySelector("[data-go=play]"), timer = null, i = 0, first = img.getAttribute("src");
  function show(j) {{
    i = Math.max(0, Math.min(data.src.length - 1, j));
    img.src = data.src[i] || first;  // a frame is loaded when it is first shown (the first is in the img)
    img.alt = data.alt + " Now: " + data.label[i] + ".";
    slider.value = i; slider.setAttribute("aria-valuetext", data.label[i]);
    caption.textContent = data.label[i];
  }}
  function stop() {{ clearInterval(timer); timer = null; play.textContent = "play"; play.setAttribute("aria-pressed", "false"); }}
  function start() {{
    if (i === data.src.length - 1) show(0);
    play.textContent = "pause"; play.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {{ if (i >= data.src.length - 1) stop(); else show(i + 1); }}, {interval});
  }}
  box.querySelector("[data-go=first]").onclick = function () {{ stop(); show(0); }};
  box.querySelector("[data-go=previous]").onclick = function () {{ stop(); show(i - 1); }};
  box.querySelector("[data-go=next]").onclick = function () {{ stop(); show(i + 1); }};
  play.onclick = function () {{ if (timer) stop(); else start(); }};
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
}})();
</script>
</figure>"""


def _player(srcs, labels, *, alt, what, note, interval, size, max_width, model=None):
    """A self-contained HTML player (first / previous / play / next and a slider) over image frames.

    The frames are a JSON list of image URLs (data: URLs here; the first is the ``img``'s own
    ``src`` and listed as null) that the script shows one at a time; a build step may replace them
    by files, which the browser then loads only when shown. Each frame has a text label, shown
    under the image and given to the slider as its value text. The
    buttons are plain text: they need no icon font. ``model``, the :func:`emlib.live.spec` of the
    fit shown (or :func:`emlib.live.annealing_spec` of the ε sweep), is embedded for the website's
    "Run live". Returns the HTML.
    """
    import json
    import uuid

    uid = "emlib-animation-" + uuid.uuid4().hex[:12]
    frames = json.dumps({"src": [None] + srcs[1:], "label": labels, "alt": alt}).replace("</", "<\\/")
    return _PLAYER.format(uid=uid, first=srcs[0], alt=escape(alt + " Now: " + labels[0] + ".", quote=True),
                          width=size[0], height=size[1], last=len(srcs) - 1, what=escape(what, quote=True),
                          label0=escape(labels[0]), note=escape(note), frames=frames, interval=int(interval),
                          max_width=max_width, model="" if model is None else
                          '\n<script type="application/json" class="emlib-model">'
                          + json.dumps(model).replace("</", "<\\/") + "</script>")


def _note(shown, n_steps, unit, iterations=None):
    """The line under a player that says which frames it shows."""
    if len(shown) == n_steps:
        return f"Every {unit} is shown: {n_steps} frames."
    if iterations is not None and len(iterations) == 1:
        what = f"θ₀, then the E- and the M-step of iteration {iterations[0]}"
    elif iterations is not None:  # E/M pairs of these iterations
        gaps = np.diff(iterations)
        listed = ", ".join(map(str, iterations[:3])) + ", …, " + str(iterations[-1])
        what = (f"θ₀, then the E- and the M-step of iterations {listed} (every {gaps.min()}"
                + (f"–{gaps.max()}" if gaps.max() != gaps.min() else "") + ")")
    else:
        gaps = np.diff(shown)
        what = (f"every {gaps.min()}" + (f"–{gaps.max()}" if gaps.max() != gaps.min() else "")
                + f" {unit}s, the first and the last included")
    return f"{len(shown)} of the {n_steps} {unit}s are shown: {what}; each frame is labelled with its own {unit}."


def _render_player(draw, renderer, chosen, labels, *, fmt, quality, **options):
    srcs = []
    for index in chosen:
        draw(index)
        srcs.append(_encode(renderer.png(), fmt, quality))
    return _player(srcs, labels, **options)


def _within_budget(render, n_frames):
    """``render(n)`` with n = ``n_frames``; if its HTML is over 2 MB, again with proportionally fewer
    frames (with a warning). Returns an IPython HTML."""
    from IPython.display import HTML

    html = render(n_frames)
    size = len(html.encode())
    if size > MAX_HTML_BYTES:
        fewer = max(3, int(n_frames * 0.9 * MAX_HTML_BYTES / size))
        warnings.warn(
            f"The animation was {size / 2**20:.1f} MB, over the 2 MB budget; it now shows {fewer} frames "
            f"instead of {n_frames}. Lower max_frames or dpi to choose yourself.",
            stacklevel=3,
        )
        html = render(fewer)
    return HTML(html)


STACKED = (4.0, 4.2)  # inches: the animations' stacked panels, legible on a phone's column (the panels
# may make a figure taller, to give its data panel the data's shape)


def animate(model, X, *, max_frames=30, fmt="png", dpi=115, figsize=STACKED, interval=700, quality=72,
            alt=None):
    """The static twin of :class:`EMStepper`: a self-contained HTML animation of the half-steps.

    Each frame is drawn by the model's :class:`emlib.plotting.Panels` (the same as the live stepper's,
    stacked so that a phone's narrow column shows them legibly) and embedded as a JPEG (or a
    palette PNG) in a small player (first, previous, play, next, a slider) that needs no kernel and
    no icon font. With more than ``max_frames`` half-steps, ``max_frames`` evenly spaced ones are
    shown, the first and last included; every frame is labelled with its true half-step and a
    line under the player says how many are shown. An animation over 2 MB is redone with fewer
    frames (with a warning). An unfitted model is fitted. ``alt`` describes the panels (a default is
    written from the model). Returns an ``IPython.display.HTML``; its ``.data`` is the markup.
    """
    from . import live

    if fmt not in ("jpeg", "png"):
        raise ValueError(f"fmt must be 'jpeg' or 'png', got {fmt!r}.")
    X = _as_2d(X)
    if not _is_fitted(model):
        _fit(model, X)
    history = model.history_
    fig = _new_figure(figsize, dpi)
    view = plotting.panels_for(model)(fig, history, X, layout="stacked")
    renderer = _BlitRenderer(view)
    view.draw(0)
    if alt is None:
        alt = f"EM on {type(model).__name__}, half-step by half-step: {view.description}."
    last = len(history) - 1
    what = {"init": "initial parameters θ₀", "E": "after the E-step", "M": "after the M-step"}

    def render(n_frames):
        chosen = _frames(history.phases, n_frames)
        labels = [f"half-step {t} of {last} · iteration {history[t].iteration} · {what[history[t].phase]}"
                  for t in chosen]
        return _render_player(view.draw, renderer, chosen, labels, fmt=fmt, quality=quality, alt=alt,
                              what="half-step", interval=interval,
                              note=_note(chosen, len(history), "half-step", [history[t].iteration for t in chosen[2::2]]),
                              size=fig.canvas.get_width_height(), max_width=int(1.2 * figsize[0] * dpi),
                              model=live.spec(model, X))

    n_frames = len(history) if max_frames is None else min(max_frames, len(history))
    return _within_budget(render, n_frames)


def animate_annealing(X, centers, epsilons=None, *, fmt="png", dpi=115, figsize=STACKED, interval=400,
                      quality=72, alt=None):
    """The static twin of :class:`AnnealingStepper`: the ε sweep as a self-contained HTML animation,
    which carries :func:`emlib.live.annealing_spec` of its data, centres and ε values for the
    website's "Run live"."""
    from . import live

    if fmt not in ("jpeg", "png"):
        raise ValueError(f"fmt must be 'jpeg' or 'png', got {fmt!r}.")
    X = _as_2d(X)
    epsilons = _default_epsilons(X, centers) if epsilons is None else np.asarray(epsilons, float)
    fig = _new_figure(figsize, dpi)
    view = _Annealing(fig, X, centers, epsilons, layout="stacked")
    renderer = _BlitRenderer(view)
    view.draw(0)
    if alt is None:
        alt = ("Soft k-means responsibilities as the shared variance ε decreases: points change from blended "
               "colours to their nearest centre's colour; beside them, the mean largest responsibility rises to 1.")

    def render(n_frames):
        chosen = [int(i) for i in np.unique(np.linspace(0, len(epsilons) - 1, n_frames).round())]
        labels = [f"ε = {epsilons[i]:.3g} (step {i} of {len(epsilons) - 1})" for i in chosen]
        return _render_player(view.draw, renderer, chosen, labels, fmt=fmt, quality=quality, alt=alt, what="ε step",
                              note=_note(chosen, len(epsilons), "ε step"), interval=interval,
                              size=fig.canvas.get_width_height(), max_width=int(1.2 * figsize[0] * dpi),
                              model=live.annealing_spec(X, centers, epsilons))

    return _within_budget(render, len(epsilons))


# ---- one call in a chapter: live in a notebook server, the twin elsewhere -------------------------
def _live():
    """True when a Jupyter server (JupyterLab, Notebook 7) started this kernel: it sets
    JPY_SESSION_NAME for its kernels, which a book build, nbval or nbconvert do not."""
    return bool(os.environ.get("JPY_SESSION_NAME"))


def show_em(model, X, **options):
    """What a chapter calls: the live :class:`EMStepper` in JupyterLab or Notebook 7, the static twin
    :func:`animate` when the book's build (or nbval, nbconvert) runs the notebook. Only the one
    shown is computed. ``options`` go to the one chosen (e.g. ``max_frames`` to :func:`animate`)."""
    if _live():
        return EMStepper(model, X, **{k: v for k, v in options.items() if k in ("figsize", "interval", "start")})
    return animate(model, X, **{k: v for k, v in options.items() if k != "start"})


def show_annealing(X, centers, epsilons=None):
    """:class:`AnnealingStepper` live, :func:`animate_annealing` in the book's build (see :func:`show_em`)."""
    return AnnealingStepper(X, centers, epsilons) if _live() else animate_annealing(X, centers, epsilons)
