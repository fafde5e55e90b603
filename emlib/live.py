"""EM live in a web page: what the website's "Run live" button runs in the reader's browser (Pyodide).

The static twin (:func:`emlib.widgets.animate`) embeds :func:`spec` of its model and data, a small
JSON object; the page's Web Worker rebuilds them with :func:`from_spec` and steps through the fit
with a :class:`LiveStepper`, whose pictures are drawn by :class:`Frames`: the model's panels
(:func:`emlib.plotting.panels_for`), rendered by the same code as the live widget and the twin.
"""

import base64
import warnings

import numpy as np

from . import plotting
from ._validation import ConvergenceWarning
from .bernoulli import BernoulliMixture
from .gmm import COVARIANCE_TYPES, GaussianMixture
from .kmeans import KMeans

__all__ = ["Frames", "LiveStepper", "from_spec", "spec"]

MAX_DATA_BYTES = 512 * 1024  # larger data is not embedded in a page (its animation gets no "Run live")
MODELS = {cls.__name__: cls for cls in (GaussianMixture, BernoulliMixture, KMeans)}
_INITS = ("weights_init", "means_init", "precisions_init")


def _encode_X(X):
    """X as base64: bits when every value is 0 or 1 (binary images), else exact float64."""
    X = np.asarray(X, dtype=float)
    if np.isin(X, (0.0, 1.0)).all():
        return {"shape": list(X.shape), "bits": base64.b64encode(np.packbits(X.astype(np.uint8))).decode("ascii")}
    return {"shape": list(X.shape), "float64": base64.b64encode(np.ascontiguousarray(X, "<f8").tobytes()).decode("ascii")}


def _decode_X(data):
    shape = tuple(data["shape"])
    if "bits" in data:
        bits = np.unpackbits(np.frombuffer(base64.b64decode(data["bits"]), np.uint8), count=int(np.prod(shape)))
        return bits.reshape(shape).astype(float)
    return np.frombuffer(base64.b64decode(data["float64"]), "<f8").reshape(shape).copy()


def _plain(value):
    """A constructor argument as JSON (arrays as nested lists); None if it cannot be written so."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (np.ndarray, list, tuple)):
        return np.asarray(value, dtype=float).tolist()
    return None


def spec(model, X):
    """The model's settings and the data, as a JSON-able dict from which :func:`from_spec` refits the
    same model in a browser; None if the model cannot be described so (an emlib model with a seed
    that is a random generator rather than an integer, or another class) or the data would take
    more than MAX_DATA_BYTES of the page."""
    cls = type(model)
    if MODELS.get(cls.__name__) is not cls:
        return None
    settings = {n: v for n, v in model.get_params().items() if n not in ("verbose", "copy_x")}
    params = {n: _plain(v) for n, v in settings.items()}
    if model.random_state is not None and not isinstance(model.random_state, (int, np.integer)):
        return None
    if any(v is not None and params[n] is None for n, v in settings.items()):
        return None
    X = np.asarray(X, dtype=float)
    data = _encode_X(X[:, None] if X.ndim == 1 else X)
    if len(data.get("bits", data.get("float64"))) > MAX_DATA_BYTES:
        return None
    return {"model": cls.__name__, "params": params, "X": data}


def from_spec(description):
    """The unfitted model and the data X that :func:`spec` described."""
    cls = MODELS[description["model"]]
    params = dict(description["params"])
    for name in (*_INITS, "init"):
        if isinstance(params.get(name), list):
            params[name] = np.asarray(params[name], dtype=float)
    if isinstance(params.get("beta_prior"), list):
        params["beta_prior"] = tuple(params["beta_prior"])
    return cls(**params), _decode_X(description["X"])


class Frames:
    """PNG pictures of a fitted model's half-steps: ``Frames(model, X).png(t)`` is half-step t.

    The panels are the model's :class:`emlib.plotting.Panels` (``layout`` "stacked", as on the website,
    or "row", as in the live widget), rendered like the live widget and the static twin: the
    static parts once, then only what a half-step changes.
    """

    def __init__(self, model, X, *, layout="stacked", figsize=None, dpi=115):
        from .widgets import FIGSIZE, STACKED, _BlitRenderer, _new_figure

        figsize = figsize or (STACKED if layout == "stacked" else FIGSIZE)
        self.view = plotting.panels_for(model)(_new_figure(figsize, dpi), model.history_, np.asarray(X, float),
                                               layout=layout)
        self._renderer = _BlitRenderer(self.view)

    def png(self, t):
        """The PNG bytes of half-step ``t`` (negative counts from the end)."""
        self.view.draw(range(len(self.view.history))[t])
        return self._renderer.png()


def init_options(model):
    """The initialisations a refit may choose, for the model's class."""
    if isinstance(model, KMeans):
        return ["k-means++", "random"]
    from .bernoulli import INIT_PARAMS as bernoulli_inits
    from .gmm import INIT_PARAMS as gaussian_inits

    return list(gaussian_inits if isinstance(model, GaussianMixture) else bernoulli_inits)


class LiveStepper:
    """The state behind the page's live stepper: a fit of the described model, one half-step shown.

    Every method returns a dict that the page shows: ``t``, ``last``, ``png`` (bytes),
    ``status`` (what the half-step did, and at the last whether EM converged), ``log_likelihood``
    (or ``distortion`` for k-means), ``next`` (the next half-step's phase, or None) and
    ``message`` (about the fit: its size, or why a refit failed).
    """

    def __init__(self, description, *, dpi=115):
        self.model, self.X = from_spec(description)
        self.dpi = dpi
        self._fit(self.model)

    def _fit(self, model):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(self.X)
        self.model = model
        self.frames = Frames(model, self.X, dpi=self.dpi)
        self.t = 0
        notes = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
        from .widgets import _degeneracy

        h = model.history_
        unit = "clusters" if isinstance(model, KMeans) else "components"
        K = model.n_clusters if isinstance(model, KMeans) else model.n_components
        self.message = f"{type(model).__name__} with {K} {unit}: {len(h)} half-steps, {h[-1].iteration} iterations."
        for extra in (_degeneracy(model, self.X), *notes[:1]):
            self.message += f" {extra}" if extra else ""

    def settings(self):
        """The refit controls' current values and choices."""
        m = self.model
        kmeans = isinstance(m, KMeans)
        init = m.init if kmeans else m.init_params
        options = init_options(m)
        return {"K": m.n_clusters if kmeans else m.n_components,
                "covariance_type": getattr(m, "covariance_type", None),
                "covariance_types": list(COVARIANCE_TYPES) if isinstance(m, GaussianMixture) else [],
                "init": init if isinstance(init, str) and init in options else options[0],
                "inits": options,
                "seed": int(m.random_state) if isinstance(m.random_state, (int, np.integer)) else 0}

    def show(self, t=None):
        """Half-step ``t`` (the current one if None), clipped to the fit's half-steps."""
        h = self.model.history_
        self.t = int(np.clip(self.t if t is None else t, 0, len(h) - 1))
        step = h[self.t]
        last = len(h) - 1
        kmeans = isinstance(self.model, KMeans)
        name = {"init": "the initial parameters θ₀", "E": "after the E-step", "M": "after the M-step"}[step.phase]
        status = f"Half-step {self.t} of {last} (iteration {step.iteration}): {name}."
        if self.t == last:
            kind = "k-means" if kmeans else "EM"
            status += (f" {kind} has converged (the change fell below tol = {self.model.tol:g})."
                       if self.model.converged_ else f" {kind} stopped at max_iter = {step.iteration} without converging.")
        value = step.distortion if kmeans else step.log_likelihood
        return {"t": self.t, "last": last, "png": self.frames.png(self.t), "status": status,
                "quantity": "distortion J" if kmeans else "log-likelihood", "value": None if value is None else float(value),
                "next": h.phases[self.t + 1] if self.t < last else None, "message": self.message}

    def refit(self, K, covariance_type, init, seed):
        """Fit a new model of the same class with these settings (the others unchanged, initial
        arrays dropped). A setting the model refuses leaves the fit as it was, with the reason."""
        from .widgets import _refit_settings

        try:  # changes nothing if the fit fails
            self._fit(type(self.model)(**_refit_settings(self.model, K, covariance_type, init, seed)))
        except ValueError as err:
            result = self.show()
            result["message"] = f"Refit failed: {err}"
            return result
        return self.show(0)
