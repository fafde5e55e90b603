"""One EM loop for every model, and the estimator protocol the three models share.

The loop (:func:`run_em`) alternates two lines, and records every half-step in the history:

    q = E-step(θ)      the posterior p(Z | X, θ) (soft responsibilities, or k-means' hard labels)
    θ = M-step(q)      the θ that maximises the bound L(q, θ) for that q

Its steps come from the model's engine (:mod:`emlib._fast`, built once per fit from X): the same
numbers as the pure steps of :mod:`emlib.gmm`, :mod:`emlib.bernoulli` and :mod:`emlib.kmeans`,
computed over blocks of samples on every core (for a dask array, :func:`emlib.distributed.engine`'s,
whose E-step is one task graph over the chunks). An entry's quantities need the posterior at its θ,
so the pass of each E-step also completes the entry before it: log p(X | θ) for the initial entry,
and for an M entry (new θ, the q before) L(q, θ) and KL(q ‖ p(Z | X, θ)).
"""

import inspect
import warnings
from contextlib import nullcontext
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from . import _validation, distributed
from ._fast import parallel
from ._validation import check_array, check_count, check_is_fitted, check_nonnegative, check_random_state
from .history import History, Step


def logsumexp(a, axis=None, keepdims=False):
    """log Σ exp(a) over ``axis``, with the largest term factored out so that nothing overflows:
    log Σ_k e^{a_k} = m + log Σ_k e^{a_k − m}, m = max_k a_k. A slice whose terms are all −inf
    gives −inf (log 0), without a warning.

    Parameters
    ----------
    a : array-like
    axis : int, optional
        The axis summed over; all of them by default.
    keepdims : bool, default=False

    Returns
    -------
    out : ndarray or float
    """
    a = np.asarray(a, dtype=float)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)  # all −inf: e^{a − 0} = 0, and log 0 = −inf, not NaN
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)[()]  # [()]: a 0-d result as a number


def elbo(log_joint, resp, log_resp):
    """The evidence lower bound L(q, θ), Eq. (5.3), for q given as responsibilities.

    L(q, θ) = Σ_n Σ_k q_nk (log p(x_n, z_n = k | θ) − log q_nk) = E_q[log p(X, Z | θ)] + H(q); terms with
    q_nk = 0 contribute nothing (0 · log 0 = 0).

    Parameters
    ----------
    log_joint : array-like of shape (N, K)
        log p(x_n, z_n = k | θ), for example from ``gmm.log_joint``.
    resp : array-like of shape (N, K)
        q_nk.
    log_resp : array-like of shape (N, K)
        log q_nk (any value where q_nk = 0).

    Returns
    -------
    elbo : float
    """
    resp, log_joint, log_resp = (np.asarray(a, dtype=float) for a in (resp, log_joint, log_resp))
    kept = resp > 0
    return float(np.sum(resp[kept] * (log_joint[kept] - log_resp[kept])))


class Run(NamedTuple):
    """One run of EM from one start: the last parameters, the history, and how it ended."""

    params: object  # θ of the last M-step (or the start, with max_iter = 0)
    history: History
    converged: bool
    posterior: object  # q at the last θ (k-means: the assignment of labels_)


def run_em(model, engine, params, max_iter):
    """Alternate E- and M-steps from ``params`` and record every half-step; returns a :class:`Run`.

    Every entry names its phase: "init" (θ₀), then "E" (q changes, θ fixed) and "M" (θ changes, q
    fixed) for every iteration. K-means ends its history with one more E-step, the assignment to
    the final centres that it reports as ``labels_``.

    Parameters
    ----------
    model : EMModel
        The model being fitted: its settings, its stopping rule, its module's pure E-step.
    engine : object
        The fit's steps (from ``model._engine(X)``, or ``distributed.engine(model, X)`` for a dask
        array): ``e_step(params, before)``, ``m_step(q)``, ``scores(q)``, and ``n_samples``.
    params : NamedTuple
        θ₀.
    max_iter : int
        The most iterations.

    Returns
    -------
    run : Run
    """
    history = History(model._responsibilities)  # the module's pure E-step, for history.responsibilities
    entry, q, converged = Step("init", 0, params), None, False
    for iteration in range(1, max_iter + 1):
        q, scores = engine.e_step(params, q)  # E-step: q = p(Z | X, θ), θ fixed (and the old q scored at θ)
        history._append(replace(entry, **scores))  # the entry before (init or M) is complete now
        history._append(Step("E", iteration, params, **engine.scores(q)))
        if model.verbose:
            model._print_iteration(history, engine)
        previous, params = params, engine.m_step(q)  # M-step: θ = argmax_θ L(q, θ), q fixed
        entry = Step("M", iteration, params)
        if model._converged(engine, history, q, previous, params):
            converged = True
            break
    # the E-step at the last θ completes the last entry; k-means keeps it as its labels_
    last, scores = engine.e_step(params, q)
    history._append(replace(entry, **scores))
    if model._ends_with_e_step and (q is None or q.changed):  # (unchanged labels: the centres did not move)
        history._append(Step("E", entry.iteration + 1, params, **engine.scores(last)))
    return Run(params, history, converged, last)


def _feature_names(X):
    """The column names of a data frame when all are strings (scikit-learn's rule), else None."""
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    names = np.asarray(list(columns), dtype=object)
    return names if len(names) and all(isinstance(name, str) for name in names) else None


class EMModel:
    """What every emlib model shares: scikit-learn's estimator protocol, fitting with restarts,
    and the checks around it.

    The protocol (``get_params``, ``set_params``, the repr, ``__sklearn_tags__``) is written
    here rather than inherited from scikit-learn's ``BaseEstimator``, so that emlib runs without
    scikit-learn; with it, ``clone``, ``GridSearchCV``, ``cross_val_score``, ``Pipeline`` and
    pickling work as with scikit-learn's own estimators.
    """

    # Subclasses set these for the error messages, the restarts and scikit-learn's tags.
    _n_components_name = "n_components"
    _estimator_type = "density_estimator"

    # ---- scikit-learn's estimator protocol --------------------------------------------------
    @classmethod
    def _parameters(cls):
        """The constructor's parameters and their defaults, sorted by name as scikit-learn does."""
        signature = inspect.signature(cls.__init__)
        return {p.name: p.default for p in sorted(signature.parameters.values(), key=lambda p: p.name)
                if p.name != "self"}

    def get_params(self, deep=True):
        """The model's parameters, as given to the constructor.

        Parameters
        ----------
        deep : bool, default=True
            Ignored: emlib's models hold no other estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {name: getattr(self, name) for name in self._parameters()}

    def set_params(self, **params):
        """Set parameters by name, as ``GridSearchCV`` does; the next ``fit`` uses them.

        Parameters
        ----------
        **params : dict
            Parameter names and their new values.

        Returns
        -------
        self : object
            The model.
        """
        valid = list(self._parameters())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        # scikit-learn's repr: the class and the parameters that differ from their defaults
        changed = [f"{name}={value!r}" for (name, value), default in
                   zip(self.get_params().items(), self._parameters().values()) if repr(value) != repr(default)]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from sklearn.utils import Tags, TargetTags, TransformerTags

        tags = Tags(estimator_type=self._estimator_type, target_tags=TargetTags(required=False))
        if hasattr(self, "transform"):
            tags.transformer_tags = TransformerTags(preserves_dtype=["float64", "float32"])
        return tags

    def __sklearn_is_fitted__(self):
        return hasattr(self, "history_")

    # ---- checks ---------------------------------------------------------------------------
    def _n_clusters(self):
        return getattr(self, self._n_components_name)

    def _check_parameters(self):
        check_count(self._n_clusters(), self._n_components_name)
        check_count(self.max_iter, "max_iter", minimum=0)
        check_count(self.n_init, "n_init")
        check_nonnegative(self.tol, "tol")

    def _check_X(self, X, *, fitting=False):
        name = type(self).__name__
        if fitting:
            self._dtype = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
            names = _feature_names(X)
            if names is None:
                self.__dict__.pop("feature_names_in_", None)
            else:
                self.feature_names_in_ = names
            return check_array(X, min_samples=self._n_clusters(), count_name=self._n_components_name)
        check_is_fitted(self, "history_")
        self._check_feature_names(X)
        return check_array(X, n_features=self.n_features_in_, owner=name)

    def _check_feature_names(self, X):
        """scikit-learn's rules for the column names of a data frame given to a fitted model."""
        fitted, given, name = getattr(self, "feature_names_in_", None), _feature_names(X), type(self).__name__
        if fitted is None and given is not None:
            warnings.warn(f"X has feature names, but {name} was fitted without feature names", UserWarning,
                          stacklevel=3)
        elif fitted is not None and given is None:
            warnings.warn(f"X does not have valid feature names, but {name} was fitted with feature names",
                          UserWarning, stacklevel=3)
        elif fitted is not None and (len(fitted) != len(given) or (fitted != given).any()):
            unseen, missing = sorted(set(given) - set(fitted)), sorted(set(fitted) - set(given))
            message = "The feature names should match those that were passed during fit.\n"
            for names, what in ((unseen, "unseen at fit time"), (missing, "seen at fit time, yet now missing")):
                if names:
                    message += f"Feature names {what}:\n" + "".join(f"- {n}\n" for n in names[:5])
                    message += "- ...\n" if len(names) > 5 else ""
            if not unseen and not missing:
                message += "Feature names must be in the same order as they were in fit.\n"
            raise ValueError(message + "Select and order X's columns as in fit.")

    def _cast(self, array):
        """A fitted array in the dtype of the data it was fitted to (float32 stays float32)."""
        return np.asarray(array, dtype=self._dtype)

    # ---- fitting --------------------------------------------------------------------------
    def _n_runs(self):
        return self.n_init

    def fit(self, X, y=None):
        """Run EM from ``n_init`` starts and keep the best run.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data, one sample per row.
        y : None
            Ignored; accepted for scikit-learn's ``fit(X, y)`` convention.

        Returns
        -------
        self : object
            The fitted model.
        """
        self._check_parameters()
        warm = getattr(self, "warm_start", False) and hasattr(self, "history_")
        if warm and len(self._params[0]) != self._n_clusters():
            raise ValueError(f"{self._n_components_name} is {self._n_clusters()}, but warm_start=True continues a fit "
                             f"with {len(self._params[0])}; use warm_start=False to start afresh.")
        fitted = self.n_features_in_ if warm else None  # a warm start keeps the number of features
        dask = distributed.is_dask(X)
        if dask:  # a dask array: the same loop, with an engine whose E-step is one task graph over the chunks
            engine = distributed.engine(self, X, fitted)
            X, lanes = engine.X, nullcontext()
        else:
            X = self._check_X(X, fitting=True)
            if warm and X.shape[1] != fitted:
                raise ValueError(f"X has {X.shape[1]} features, but warm_start=True continues a fit with {fitted} "
                                 "features; use warm_start=False to start afresh.")
            engine, lanes = self._engine(X), parallel.threads()  # the engine's blocks of samples share the cores
        rng = check_random_state(self.random_state)
        self._warm_bound = getattr(self, "lower_bound_", None) if warm else None
        best, finals = None, []
        with lanes:
            for _ in range(1 if warm else self._n_runs()):
                # the initialisation recipes read X (from a dask array, a sample of its rows)
                start = self._params if warm else self._init_params(engine.init_data(rng) if dask else X, rng)
                run = run_em(self, engine, start, self.max_iter)
                score = self._final_score(run.history)
                finals.append(score)
                if best is None or score > best[0]:
                    best = (score, run)
        run = best[1]
        if not run.converged and self.max_iter > 0:  # max_iter = 0 asks for the initialisation only
            warnings.warn(
                f"{type(self).__name__} did not converge within max_iter={self.max_iter} iterations (tol={self.tol}); "
                "increase max_iter or tol, or check the initialisation.",
                _validation.ConvergenceWarning,
                stacklevel=2,
            )
        self.n_features_in_ = X.shape[1]
        self.history_ = run.history
        self.converged_ = run.converged
        self.n_iter_ = sum(step.phase == "M" for step in run.history)
        if dask:
            engine.set_fitted(self, run, np.array(finals))
        else:
            self._set_fitted(run, X, np.array(finals))
        return self

    def fit_predict(self, X, y=None):
        """Fit, then return the cluster of every sample of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            The component (or cluster) of every sample.
        """
        return self.fit(X).predict(X)


class MixtureModel(EMModel):
    """Soft EM for a mixture p(x) = Σ_k π_k p(x | θ_k): the Gaussian and Bernoulli mixtures.

    Subclasses set the model module's pure steps as ``_log_joint(X, params)`` and
    ``_responsibilities(X, params)`` (prediction and the history use them) and provide
    ``_engine(X)`` (the fit's fast steps), ``_init_params``, ``_set_parameters``, ``_n_parameters``
    and ``_sample_components``.
    """

    _ends_with_e_step = False

    def _converged(self, engine, history, q, previous, params):
        # scikit-learn's rule: the per-sample log-likelihood at the last two E-steps differs by < tol.
        # A warm start compares its first E-step with the last one of the fit it continues.
        N = engine.n_samples
        if history[-1].iteration > 1:
            change = (history[-1].log_likelihood - history[-3].log_likelihood) / N
        elif self._warm_bound is not None:
            change = history[-1].log_likelihood / N - self._warm_bound
        else:
            return False
        return abs(change) < self.tol

    def _final_score(self, history):
        # the lower bound scikit-learn reports and compares the runs by: log p(X | θ) at the last
        # E-step (the initial value, with max_iter = 0)
        return history[-2].log_likelihood if len(history) > 1 else history[0].log_likelihood

    def _set_fitted(self, run, X, finals):
        self._params = run.params
        N, history = X.shape[0], run.history
        # scikit-learn's lower bound: the per-sample log-likelihood at every E-step of the best run
        self.lower_bounds_ = np.array([step.log_likelihood / N for step in history if step.phase == "E"])
        self.lower_bound_ = self.lower_bounds_[-1] if len(self.lower_bounds_) else -np.inf
        self.final_log_likelihoods_ = finals
        self._set_parameters(run.params)

    def _print_iteration(self, history, engine):
        step, n_samples = history[-1], engine.n_samples
        print(
            f"iteration {step.iteration:4d}: log-likelihood {step.log_likelihood:.6f} "
            f"(per sample {step.log_likelihood / n_samples:.6f})"
        )

    # ---- prediction -------------------------------------------------------------------------
    @distributed.rowwise
    def predict_proba(self, X):
        """The responsibilities p(z_n = k | x_n, θ) under the fitted parameters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        resp : ndarray of shape (n_samples, n_components)
            Every row sums to one.
        """
        X = self._check_X(X)
        return self._responsibilities(X, self._params)

    @distributed.rowwise
    def predict(self, X):
        """The most responsible component of every sample, argmax_k p(z_n = k | x_n, θ).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        return self._log_joint(X, self._params).argmax(axis=1)

    @distributed.rowwise
    def score_samples(self, X):
        """The log-density log p(x_n | θ) of every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        return logsumexp(self._log_joint(X, self._params), axis=1)

    def score(self, X, y=None):
        """The mean log-likelihood per sample, (1/N) Σ_n log p(x_n | θ) (scikit-learn's ``score``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return float(self.score_samples(X).mean())

    def aic(self, X):
        """Akaike's information criterion −2 log p(X | θ) + 2p, p the free parameters; lower is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        aic : float
        """
        return -2 * self.score(X) * len(X) + 2 * self._n_parameters()

    def bic(self, X):
        """Schwarz's Bayesian information criterion −2 log p(X | θ) + p log N; lower is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        bic : float
        """
        return -2 * self.score(X) * len(X) + self._n_parameters() * np.log(len(X))

    def sample(self, n_samples=1):
        """Ancestral sampling: draw z ~ Cat(π), then x ~ p(x | z).

        Parameters
        ----------
        n_samples : int, default=1

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
            The component each sample was drawn from.
        """
        check_is_fitted(self, "history_")
        n_samples = check_count(n_samples, "n_samples")
        rng = check_random_state(self.random_state)
        # as np.intp: choice gives int64, which np.bincount refuses on 32-bit platforms (WebAssembly)
        labels = rng.choice(len(self.weights_), size=n_samples, p=self._params.weights).astype(np.intp)
        return self._sample_components(labels, rng), labels
