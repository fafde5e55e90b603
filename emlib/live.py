"""EM live in a web page: what the website's "Run live" button runs in the reader's browser (Pyodide).

The static twin (:func:`emlib.widgets.animate`) embeds :func:`spec` of its model and data, a small
JSON object; the page's Web Worker rebuilds them with :func:`from_spec` and steps through the fit
with a :class:`LiveStepper`, whose pictures are drawn by :class:`Frames`: the model's panels
(:func:`emlib.plotting.panels_for`), rendered by the same code as the live widget and the twin.
The ε sweep's twin (:func:`emlib.widgets.animate_annealing`) embeds :func:`annealing_spec` (data,
centres, ε values) in the same way; :class:`LiveAnnealing` steps through it and finds new centres
with emlib's KMeans, drawn by :class:`AnnealingFrames` with the twin's own drawing. :func:`stepper`
makes the one a description asks for.
"""

import base64
import warnings

import numpy as np

from . import _validation, plotting
from .bernoulli import BernoulliMixture
from .gmm import COVARIANCE_TYPES, GaussianMixture
from .kmeans import KMeans

__all__ = ["AnnealingFrames", "Frames", "LiveAnnealing", "LiveStepper", "annealing_spec", "from_annealing_spec",
           "from_spec", "spec", "stepper"]

MAX_DATA_BYTES = 512 * 1024  # larger data is not embedded in a page (its animation gets no "Run live")
MODELS = {cls.__name__: cls for cls in (GaussianMixture, BernoulliMixture, KMeans)}
_INITS = ("weights_init", "means_init", "precisions_init")


def _encode_X(X):
    """X (1-d as one column) as base64: bits when every value is 0 or 1 (binary images), else exact
    float64; None if that takes more than MAX_DATA_BYTES."""
    X = np.asarray(X, dtype=float)
    X = X[:, None] if X.ndim == 1 else X
    if np.isin(X, (0.0, 1.0)).all():
        data = {"shape": list(X.shape), "bits": base64.b64encode(np.packbits(X.astype(np.uint8))).decode("ascii")}
    else:
        data = {"shape": list(X.shape),
                "float64": base64.b64encode(np.ascontiguousarray(X, "<f8").tobytes()).decode("ascii")}
    return None if len(data.get("bits", data.get("float64"))) > MAX_DATA_BYTES else data


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
    data = _encode_X(X)
    return None if data is None else {"model": cls.__name__, "params": params, "X": data}


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


def annealing_spec(X, centers, epsilons):
    """The ε sweep (the data, the fixed centres, the ε values) as a JSON-able dict from which
    :func:`from_annealing_spec` rebuilds it in a browser; None if the data would take more than
    MAX_DATA_BYTES of the page."""
    data = _encode_X(X)
    return None if data is None else {"kind": "annealing", "X": data,
                                      "centers": np.asarray(centers, dtype=float).tolist(),
                                      "epsilons": np.asarray(epsilons, dtype=float).tolist()}


def from_annealing_spec(description):
    """The data X, the centres and the ε values that :func:`annealing_spec` described."""
    return (_decode_X(description["X"]), np.asarray(description["centers"], dtype=float),
            np.asarray(description["epsilons"], dtype=float))


def stepper(description, *, dpi=115):
    """The page's stepper for a description: :class:`LiveAnnealing` for an :func:`annealing_spec`,
    else :class:`LiveStepper`."""
    return (LiveAnnealing if description.get("kind") == "annealing" else LiveStepper)(description, dpi=dpi)


class Frames:
    """PNG pictures of a fitted model's half-steps: ``Frames(model, X).png(t)`` is half-step t.

    The panels are the model's :class:`emlib.plotting.Panels` (``layout`` "stacked", as on the website,
    or "row", as in the live widget), rendered like the live widget and the static twin: the
    static parts once, then only what a half-step changes.
    """

    def __init__(self, model, X, *, layout="stacked", figsize=None, dpi=115):
        from .widgets import FIGSIZE, STACKED, _new_figure

        figsize = figsize or (STACKED if layout == "stacked" else FIGSIZE)
        self._use(plotting.panels_for(model)(_new_figure(figsize, dpi), model.history_, np.asarray(X, float),
                                             layout=layout), len(model.history_))

    def _use(self, view, count):
        from .widgets import _BlitRenderer

        self.view, self.count, self._renderer = view, count, _BlitRenderer(view)

    def png(self, t):
        """The PNG bytes of frame ``t`` (negative counts from the end)."""
        self.view.draw(range(self.count)[t])
        return self._renderer.png()


class AnnealingFrames(Frames):
    """PNG pictures of the ε sweep: ``AnnealingFrames(X, centers, epsilons).png(i)`` shows ``epsilons[i]``,
    drawn in the stacked layout by the drawing of the live ``AnnealingStepper`` and its twin."""

    def __init__(self, X, centers, epsilons, *, figsize=None, dpi=115):
        from .widgets import STACKED, _Annealing, _as_2d, _new_figure

        epsilons = np.asarray(epsilons, dtype=float)
        self._use(_Annealing(_new_figure(figsize or STACKED, dpi), _as_2d(X), centers, epsilons, layout="stacked"),
                  len(epsilons))


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
            warnings.simplefilter("always", _validation.ConvergenceWarning)
            model.fit(self.X)
        self.model = model
        self.frames = Frames(model, self.X, dpi=self.dpi)
        self.t = 0
        notes = [str(w.message) for w in caught if issubclass(w.category, _validation.ConvergenceWarning)]
        from .widgets import _degeneracy

        h = model.history_
        unit = "clusters" if isinstance(model, KMeans) else "components"
        K = model.n_clusters if isinstance(model, KMeans) else model.n_components
        self.message = f"{type(model).__name__} with {K} {unit}: {h[-1].iteration} iterations, {len(h) - 1} half-steps after θ₀."
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
        return {"t": self.t, "last": last, "png": self.frames.png(self.t), "status": status, "alt": f"Live EM, {status}",
                "quantity": "distortion J" if kmeans else "log-likelihood", "value": None if value is None else float(value),
                "next": h.phases[self.t + 1] if self.t < last else None, "message": self.message}

    def refit(self, K=None, covariance_type=None, init=None, seed=None):
        """Fit a new model of the same class with these settings (None: unchanged; initial arrays
        dropped). A setting the model refuses leaves the fit as it was, with the reason."""
        from .widgets import _refit_settings

        return _refit(self, lambda: self._fit(type(self.model)(**_refit_settings(self.model, K, covariance_type,
                                                                                  init, seed))))


def _refit(stepper, fit):
    """``fit()`` (which replaces the stepper's fit), then its first frame; if a setting is refused,
    the fit shown stays, and the message says why."""
    try:
        fit()
    except ValueError as err:
        result = stepper.show()
        result["message"] = f"Refit failed: {err}"
        return result
    return stepper.show(0)


class LiveAnnealing:
    """The state behind the page's live ε sweep: fixed centres, one ε shown, with the same dicts as
    :class:`LiveStepper` (``t``, ``last``, ``png``, ``status``, ``alt``, ``quantity``, ``value``,
    ``message``). A refit finds new centres for the same data with emlib's KMeans (k-means++, K and
    seed chosen) and starts the sweep again over the same ε values."""

    def __init__(self, description, *, dpi=115):
        self.X, centers, self.epsilons = from_annealing_spec(description)
        self.dpi = dpi
        self.seed = 0
        self._use(centers, f"The page's {len(centers)} centres. Change K or the seed and press Refit for new centres: "
                           "emlib's KMeans (k-means++) on the same data.")

    def _use(self, centers, message):
        self.frames = AnnealingFrames(self.X, centers, self.epsilons, dpi=self.dpi)
        self.t = 0
        self.message = message

    def settings(self):
        """The refit controls' current values."""
        return {"K": len(self.frames.view.centers), "seed": self.seed}

    def show(self, t=None):
        """The ``t``-th ε (the current one if None), clipped to the sweep."""
        last = len(self.epsilons) - 1
        self.t = int(np.clip(self.t if t is None else t, 0, last))
        eps, K = self.epsilons[self.t], len(self.frames.view.centers)
        status = f"ε = {eps:.3g} (step {self.t} of {last}, from the largest ε to the smallest)."
        return {"t": self.t, "last": last, "png": self.frames.png(self.t), "status": status,
                "alt": (f"Soft k-means responsibilities for {K} fixed centres at ε = {eps:.3g}: each point coloured by "
                        "its responsibilities; below, the mean largest responsibility against ε, this ε circled."),
                "quantity": "mean largest responsibility", "value": float(self.frames.view.certainty[self.t]),
                "message": self.message}

    def refit(self, K=None, seed=None):
        """New centres from emlib's KMeans with K clusters, k-means++ seeded by ``seed`` (None:
        unchanged), on the same data; the sweep starts again."""
        K = len(self.frames.view.centers) if K is None else K
        seed = self.seed if seed is None else seed

        def fit():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", _validation.ConvergenceWarning)
                km = KMeans(K, init="k-means++", random_state=seed).fit(self.X)
            from .widgets import _degeneracy

            notes = [_degeneracy(km, self.X)] + [str(w.message) for w in caught
                                                  if issubclass(w.category, _validation.ConvergenceWarning)][:1]
            self.seed = int(seed)
            self._use(km.cluster_centers_, " ".join([
                f"{K} centres from emlib's KMeans (k-means++, seed {seed}) on the same data: distortion "
                f"J = {km.inertia_:.4g} after {km.n_iter_} iterations.", *filter(None, notes)]))

        return _refit(self, fit)
