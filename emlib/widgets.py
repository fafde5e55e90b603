"""Step through EM: a live ipywidgets stepper for class, and its static twin for the website.

How a chapter shows both (copy these two cells exactly; each is one line of code):

    cell 1, tags ["remove-cell"]   (runs in JupyterLab, hidden on the website, output ignored by nbval)
        # NBVAL_IGNORE_OUTPUT
        EMStepper(model, X)
    cell 2, tags ["remove-input"]  (the website shows only its output: the static twin)
        # NBVAL_IGNORE_OUTPUT
        animate(model, X)

(In the .ipynb JSON: ``"metadata": {"tags": ["remove-cell"]}`` and ``{"tags": ["remove-input"]}``.)
The website has no kernel, so the live widget's callbacks could not run there; ``animate`` draws the
same half-steps with the same panels (:class:`emlib.plotting.StepFigure`) into a self-contained
HTML animation with play / step / slider buttons. Neither cell fits anything if ``model`` is fitted.
"""

import inspect
import io
import re
import tempfile
import warnings
from html import escape
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import _validation, plotting

__all__ = ["AnnealingStepper", "EMStepper", "animate", "animate_annealing"]

FIGSIZE = (9, 3.2)
MAX_HTML_BYTES = 2 * 1024 * 1024  # the website's budget per animation


def _new_figure(figsize, dpi):
    """A Figure outside pyplot: nothing registers it, so no stray static copy is ever displayed."""
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


class _BlitRenderer:
    """Renders a StepFigure to PNG by blitting: the static parts (axes, ticks, labels, histogram,
    the whole curve, the legend) are drawn once into a cached background; each frame restores it and
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


class EMStepper:
    """An ipywidgets stepper over a fitted emlib model's ``history_``, one half-step at a time.

    Controls: a slider over the half-steps with Play, "◀ back", "E-step ▶" and "M-step ▶" (to the
    next entry of that phase), "reset" (to θ₀), and a refit row (K, covariance type for a
    GaussianMixture, initialisation, seed) that fits a new model of the same class with emlib's
    ``fit``; the model passed in is never changed by a refit. An unfitted model is fitted first.

    The figure is rendered to PNG into an ``ipywidgets.Image``, so it works in JupyterLab without
    ipympl, and headless: ``goto(t)`` renders half-step t, ``view`` is the
    :class:`emlib.plotting.StepFigure` with the drawn artists, ``buttons`` holds the buttons.
    A notebook cell that ends with an EMStepper displays it.
    """

    def __init__(self, model, X, *, figsize=FIGSIZE, dpi=90, interval=700, start=0):
        import ipywidgets as w

        self.X = _as_2d(X)
        self.model = model
        self.dpi = dpi
        self.fig = _new_figure(figsize, dpi)
        self._ready = False
        note = "" if _is_fitted(model) else _fit(model, self.X)

        # stepping controls
        self.slider = w.IntSlider(value=0, min=0, max=1, description="half-step", continuous_update=True,
                                  layout=w.Layout(width="360px"))
        self.play = w.Play(value=0, min=0, max=1, interval=interval, description="play")
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.buttons = {
            "reset": w.Button(description="⏮ reset", tooltip="back to the initial parameters θ₀",
                              layout=w.Layout(width="90px")),
            "back": w.Button(description="◀ back", tooltip="previous half-step", layout=w.Layout(width="80px")),
            "E": w.Button(description="E-step ▶", tooltip="to the next E-step (new q, same θ)",
                          layout=w.Layout(width="90px")),
            "M": w.Button(description="M-step ▶", tooltip="to the next M-step (new θ, same q)",
                          layout=w.Layout(width="90px")),
            "refit": w.Button(description="refit", button_style="primary", tooltip="fit again with these settings",
                              layout=w.Layout(width="80px")),
        }
        self.buttons["reset"].on_click(lambda _: self.goto(0))
        self.buttons["back"].on_click(lambda _: self.goto(max(self.t - 1, 0)))
        self.buttons["E"].on_click(lambda _: self.next_step("E"))
        self.buttons["M"].on_click(lambda _: self.next_step("M"))
        self.buttons["refit"].on_click(lambda _: self._refit_from_controls())
        self.slider.observe(self._on_slider, names="value")

        # refit controls, read from the model so a refit without changes reproduces it
        self._k_name = getattr(model, "_n_components_name", "n_components")
        self._init_name = "init" if hasattr(model, "n_clusters") else "init_params"
        init_options = self._init_options()
        init_now = getattr(model, self._init_name, init_options[0])
        self.controls = {
            "n_components": w.BoundedIntText(value=getattr(model, self._k_name), min=1, max=20, description="K",
                                             layout=w.Layout(width="130px")),
            "init": w.Dropdown(options=init_options,
                               value=init_now if isinstance(init_now, str) and init_now in init_options
                               else init_options[0],
                               description="init", layout=w.Layout(width="210px")),
            "seed": w.IntText(value=self._seed_value(model.random_state), description="seed",
                              layout=w.Layout(width="150px")),
        }
        if hasattr(model, "covariance_type"):
            from .gmm import COVARIANCE_TYPES

            self.controls["covariance_type"] = w.Dropdown(options=list(COVARIANCE_TYPES), value=model.covariance_type,
                                                          description="covariance", layout=w.Layout(width="210px"))
        self.image = w.Image(format="png")
        self.message = w.HTML()
        step_row = w.HBox([self.play, self.slider, self.buttons["reset"], self.buttons["back"],
                           self.buttons["E"], self.buttons["M"]])
        refit_row = w.HBox(list(self.controls.values()) + [self.buttons["refit"]])
        self.widget = w.VBox([step_row, self.image, refit_row, self.message])
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
        self.view = plotting.StepFigure(self.fig, model.history_, self.X)
        self._renderer = _BlitRenderer(self.view)
        last = len(model.history_) - 1
        # widen before narrowing, so the slider never holds a value outside [min, max]
        self.slider.max = max(self.slider.max, last, 1)
        self.slider.value = 0
        self.slider.max = last
        self.play.max = last
        self._ready = True
        self.message.value = self._summary(note)
        self.goto(start)

    def _summary(self, note):
        h = self.history
        K = getattr(self.model, self._k_name)
        text = f"{type(self.model).__name__} with {K} components: {len(h)} half-steps, {h[-1].iteration} iterations."
        if note:
            text += f" <b>Note:</b> {note}"
        return text

    # -- stepping
    def goto(self, t):
        """Render half-step ``t`` (negative counts from the end) and move the slider there."""
        t = range(len(self.history))[t]
        if self.slider.value != t:
            self.slider.value = t  # the slider's observer renders
        else:
            self._render(t)

    def next_step(self, phase):
        """Go to the next entry of ``phase`` ("E" or "M") after the current one; stay at the end."""
        phases = self.history.phases
        for t in range(self.t + 1, len(phases)):
            if phases[t] == phase:
                return self.goto(t)
        return self.goto(len(phases) - 1)

    def _on_slider(self, change):
        if self._ready:
            self._render(change["new"])

    def _render(self, t):
        self.view.draw(t)
        self.image.value = self._renderer.png()

    # -- refitting
    def refit(self, n_components=None, covariance_type=None, init=None, seed=None):
        """Fit a new model of the same class on the same X (emlib's ``fit``) and step through it.

        Unchanged settings are taken from the current model; ``*_init`` arrays are dropped, since the
        initialisation is now ``init``. An error (say a singular covariance) is shown, not raised.
        """
        cls = type(self.model)
        names = [n for n in inspect.signature(cls.__init__).parameters if n != "self"]
        kwargs = {n: getattr(self.model, n) for n in names if hasattr(self.model, n)}
        for name in ("weights_init", "means_init", "precisions_init"):
            if name in kwargs:
                kwargs[name] = None
        if n_components is not None:
            kwargs[self._k_name] = int(n_components)
        if covariance_type is not None and "covariance_type" in kwargs:
            kwargs["covariance_type"] = covariance_type
        if init is not None:
            kwargs[self._init_name] = init
        elif not isinstance(kwargs.get(self._init_name), str):  # an array of centres: use the dropdown's
            kwargs[self._init_name] = self.controls["init"].value
        if seed is not None:
            kwargs["random_state"] = int(seed)
        model = cls(**kwargs)
        try:
            note = _fit(model, self.X)
        except ValueError as err:
            self.message.value = f"<b>Refit failed:</b> {err}"
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
        return self.widget._repr_mimebundle_(**kwargs)

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

    def __init__(self, fig, X, centers, epsilons):
        from .kmeans import soft_responsibilities

        self.fig, self.X, self.centers = fig, X, np.asarray(centers, dtype=float)
        self.epsilons = np.asarray(epsilons, dtype=float)
        self._resp = soft_responsibilities
        certainty = [soft_responsibilities(X, self.centers, e).max(axis=1).mean() for e in self.epsilons]
        grid = fig.add_gridspec(1, 2, width_ratios=[1.4, 1.0], left=0.06, right=0.98, bottom=0.16, top=0.85,
                                wspace=0.3)
        ax_data, ax_curve = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        self.points = plotting.plot_data(X, soft_responsibilities(X, self.centers, self.epsilons[0]), ax=ax_data)
        self.centre_marks = ax_data.scatter(self.centers[:, 0], self.centers[:, 1], marker="X", s=110,
                        c=plotting.component_colors(len(self.centers)), edgecolors="black", zorder=4)
        ax_curve.plot(self.epsilons, certainty, color="0.35", marker=".")
        ax_curve.set_xscale("log")
        ax_curve.invert_xaxis()  # left to right: soft to hard
        ax_curve.set_xlabel("ε (shared variance), decreasing →")
        ax_curve.set_ylabel("mean of max_k r_nk")
        ax_curve.set_ylim(0, 1.05)
        (self.marker,) = ax_curve.plot([], [], "o", markersize=9, markerfacecolor="none",
                                       markeredgecolor=plotting.PALETTE[3], markeredgewidth=2)
        self.certainty = np.array(certainty)
        self.status = fig.text(0.01, 0.985, "", ha="left", va="top", fontsize=9)
        self.index = None

    def dynamic_artists(self):
        return [self.points, self.centre_marks, self.marker, self.status]  # the centres are drawn above

    def draw(self, i):
        eps = self.epsilons[i]
        self.resp = self._resp(self.X, self.centers, eps)
        self.points.set_facecolor(plotting.blend_colors(self.resp))
        self.marker.set_data([eps], [self.certainty[i]])
        self.status.set_text(f"ε = {eps:.3g}: soft responsibilities r_nk ∝ exp(−|x_n − μ_k|² / 2ε)")
        self.index = i
        return self


class AnnealingStepper:
    """An ε slider that moves k-means responsibilities from soft to hard on the same data.

    r_nk ∝ exp(−|x_n − μ_k|² / (2ε)) (:func:`emlib.kmeans.soft_responsibilities`): large ε blends
    every point's colour, small ε gives each point its nearest centre's colour, the hard E-step of
    k-means. ``goto(i)`` shows ``epsilons[i]`` (by default 25 values, large to small).
    """

    def __init__(self, X, centers, epsilons=None, *, figsize=FIGSIZE, dpi=90, interval=400):
        import ipywidgets as w

        self.X = _as_2d(X)
        self.epsilons = _default_epsilons(self.X, centers) if epsilons is None else np.asarray(epsilons, float)
        self.dpi = dpi
        self.fig = _new_figure(figsize, dpi)
        self.view = _Annealing(self.fig, self.X, centers, self.epsilons)
        self._renderer = _BlitRenderer(self.view)
        n = len(self.epsilons) - 1
        self.slider = w.IntSlider(value=0, min=0, max=n, description="ε step", readout=False,
                                  layout=w.Layout(width="360px"))
        self.play = w.Play(value=0, min=0, max=n, interval=interval)
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.label = w.Label()
        self.image = w.Image(format="png")
        self.slider.observe(lambda change: self._render(change["new"]), names="value")
        self.widget = w.VBox([w.HBox([self.play, self.slider, self.label]), self.image])
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
        return self.widget._repr_mimebundle_(**kwargs)


# ---- the static twin ---------------------------------------------------------------------------
_PANELS = {
    "gmm2d": "the data coloured by responsibilities with 1, 2 and 3 sigma covariance ellipses, the "
             "log-likelihood curve with the current half-step marked, and a bar of log p(X) = ELBO + KL",
    "gmm1d": "a histogram with the weighted component densities, the log-likelihood curve with the current "
             "half-step marked, and a bar of log p(X) = ELBO + KL",
    "bernoulli": "the prototype image and weight of every component, the log-likelihood curve with the current "
                 "half-step marked, and a bar of log p(X) = ELBO + KL",
    "kmeans": "points coloured by cluster with centroids and Voronoi regions, and the distortion curve with "
              "the current half-step marked",
}
_CDN_LINK = re.compile(r"<link[^>]*(font-awesome|cdnjs|bootstrapcdn)[^>]*>\s*", re.IGNORECASE)


def _frames(n_steps, max_frames):
    """Every half-step if they fit; else the first max_frames − 1 (where EM moves most) and the last."""
    if max_frames is None or n_steps <= max_frames:
        return list(range(n_steps))
    if max_frames < 2:
        raise ValueError(f"max_frames must be at least 2 (the first and last half-steps), got {max_frames}.")
    return list(range(max_frames - 1)) + [n_steps - 1]


def _jshtml(fig, draw, n_frames, *, fmt, dpi, interval, quality, alt):
    """matplotlib's JavaScript animation (HTMLWriter) of draw(0..n_frames−1), without the CDN link.

    Returns ``(html, n_frames_kept)``.
    """
    from matplotlib.animation import FuncAnimation, HTMLWriter

    if fmt not in ("jpeg", "png"):
        raise ValueError(f"fmt must be 'jpeg' or 'png', got {fmt!r}.")
    animation = FuncAnimation(fig, draw, frames=n_frames, init_func=lambda: (), interval=interval,
                              repeat=False, blit=False)
    writer = HTMLWriter(fps=1000 / interval, embed_frames=True, default_mode="once")
    writer.frame_format = fmt  # set on the writer, not in rcParams
    savefig_kwargs = {"pil_kwargs": {"quality": quality, "optimize": True}} if fmt == "jpeg" else {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "animation.html")
        animation.save(str(path), writer=writer, dpi=dpi, savefig_kwargs=savefig_kwargs)
        html = path.read_text()
    # The theme already serves Font Awesome (the buttons' icons); a CDN link would break offline use.
    html = _CDN_LINK.sub("", html)
    # Accessibility: matplotlib's frame image has no alt text and its slider no label.
    html = html.replace('<img id="_anim_img', f'<img alt="{escape(alt, quote=True)}" id="_anim_img', 1)
    return html.replace('<input id="_anim_slider', '<input aria-label="Frame" id="_anim_slider', 1)


def _within_budget(render, n_frames, **options):
    """Render all frames; if the HTML is over 2 MB, render again with proportionally fewer frames.

    ``render(n)`` draws frames 0..n−1 of a frame list of length n. Returns an IPython HTML.
    """
    from IPython.display import HTML

    html = render(n_frames, **options)
    size = len(html.encode())
    if size > MAX_HTML_BYTES:
        fewer = max(2, int(n_frames * 0.9 * MAX_HTML_BYTES / size))
        warnings.warn(
            f"The animation was {size / 2**20:.1f} MB, over the 2 MB budget; it now shows {fewer} frames "
            f"instead of {n_frames}. Lower max_frames or dpi to choose yourself.",
            stacklevel=3,
        )
        html = render(fewer, **options)
    return HTML(html)


def animate(model, X, *, max_frames=30, fmt="jpeg", dpi=80, figsize=FIGSIZE, interval=700, quality=70,
            alt=None):
    """The static twin of :class:`EMStepper`: a self-contained HTML animation of the half-steps.

    Each frame is drawn by :class:`emlib.plotting.StepFigure`, the same panels as the live stepper,
    and embedded as a JPEG (or PNG) in matplotlib's JavaScript player (play, step, slider), which
    needs no kernel. With more than ``max_frames`` half-steps, the first ``max_frames − 1`` and the
    last are shown (the frame's title names its true half-step); an animation over 2 MB is redone
    with fewer frames (with a warning). An unfitted model is fitted.
    ``alt`` is the frame image's alt text (a default describes the panels). Returns an
    ``IPython.display.HTML``; its ``.data`` is the markup.
    """
    X = _as_2d(X)
    if not _is_fitted(model):
        _fit(model, X)
    fig = _new_figure(figsize, dpi)
    view = plotting.StepFigure(fig, model.history_, X)

    def render(n_frames, **options):
        steps = _frames(len(model.history_), n_frames)
        view.draw(steps[0])
        return _jshtml(fig, lambda i: view.draw(steps[i]), len(steps), **options)

    if alt is None:
        alt = f"EM on {type(model).__name__}, one frame per half-step: {_PANELS[view.kind]}."
    n_frames = len(model.history_) if max_frames is None else min(max_frames, len(model.history_))
    return _within_budget(render, n_frames, fmt=fmt, dpi=dpi, interval=interval, quality=quality, alt=alt)


def animate_annealing(X, centers, epsilons=None, *, fmt="jpeg", dpi=80, figsize=FIGSIZE, interval=400,
                      quality=70, alt=None):
    """The static twin of :class:`AnnealingStepper`: the ε sweep as a self-contained HTML animation."""
    X = _as_2d(X)
    epsilons = _default_epsilons(X, centers) if epsilons is None else np.asarray(epsilons, float)
    fig = _new_figure(figsize, dpi)
    view = _Annealing(fig, X, centers, epsilons)

    def render(n_frames, **options):
        chosen = np.unique(np.linspace(0, len(epsilons) - 1, n_frames).round().astype(int))
        view.draw(chosen[0])
        return _jshtml(fig, lambda i: view.draw(chosen[i]), len(chosen), **options)

    if alt is None:
        alt = ("Soft k-means responsibilities as the shared variance ε decreases: points change from blended "
               "colours to their nearest centre's colour; beside them, the mean largest responsibility rises to 1.")
    return _within_budget(render, len(epsilons), fmt=fmt, dpi=dpi, interval=interval, quality=quality, alt=alt)
