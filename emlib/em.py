"""One EM loop for every model, and the pieces that Gaussian and Bernoulli mixtures share.

A model plugs these functions into the loop (scikit-learn's ``BaseMixture`` is organised the same way):

- ``_prepare(X)``             -> whatever the steps need from X alone, computed once per fit
                                 (for mixtures: X cut into blocks of samples, laid out for products)
- ``_init_params(X, rng)``    -> θ₀
- ``_evaluate(data, θ, q)``   -> everything the E-step needs at θ, computed in one pass (for mixtures:
                                 r_nk, log p(x_n | θ), H(r), E_r[log p(X, Z | θ)], and for the q of
                                 the E-step before, if there was one, E_q[log p(X, Z | θ)] and the
                                 cross-entropy −E_q[log p(Z | X, θ)])
- ``_posterior(ev)``          -> q, the E-step's responsibilities (soft) or assignments (hard)
- ``_m_step(data, q)``        -> the θ that maximises the bound for this q
- ``_record(ev, q)``          -> the quantities stored in the history (log-likelihood, ELBO, KL or J)
- ``_converged(history, q_prev, q, data)`` -> whether to stop
- ``_final_e_step(history, ev, q, converged)`` -> q of the reported assignment (k-means appends one
                                 more E-step when its centres moved after the last one)

One evaluation per iteration serves two half-steps: the evaluation at the new θ after an M-step
gives that M entry's log-likelihood, ELBO and KL, and its responsibilities are the next E-step.

Memory layout: responsibility-like arrays are (N, K) to the reader, as in scikit-learn, but they are
views of C-ordered (K, N) buffers. Sums and maxima over k then run over K contiguous rows of length
N, which is how numpy's reductions are fastest, and ``resp.T`` is a free, contiguous (K, N) array
for the M-step's matrix products and for the ELBO's dot products.

Blocks: the mixtures' E- and M-steps run over blocks of consecutive samples, several at a time on
separate threads (:mod:`emlib.parallel`); a fit holds BLAS to one thread meanwhile.
"""

import inspect
import math
import warnings
from typing import NamedTuple

import numpy as np

from . import _validation, distributed, parallel
from ._validation import check_array, check_count, check_is_fitted, check_nonnegative, check_random_state
from .history import History, Step

# Terms that cannot change a sum of exponentials are not computed. In Σ_k exp(a_k − m), whose
# largest term is e^0 = 1, a term below e^−50 ≈ 2e−22 is lost in the sum's rounding (eps ≈ 2e−16)
# unless there are more than half a million of them, so such a term is set to exactly 0, as exp
# itself does below about −745. log p(x_n) is unchanged to rounding, and a responsibility below
# 2e−22 of the largest one becomes 0. With well-separated components most terms are that small,
# and exp is the costliest function of the E-step, so skipping them makes it about a third faster.
_NEGLIGIBLE = -50.0


def _row_max(rows):
    """The maximum over k of a (K, N) array, for every n, with −inf (and NaN) replaced by 0.

    Factoring e^{m_n} out of a column whose terms are all −inf would give −inf − (−inf) = NaN;
    with m_n = 0 instead, the column's log-sum-exp stays log 0 = −inf.
    """
    top = rows.max(axis=0)
    if not math.isfinite(top.sum()):  # one cheap test in the usual case, where all are finite
        top[~np.isfinite(top)] = 0.0
    return top


def _shifted_exp(rows, top):
    """exp(rows − top) for a (K, N) array and a row maximum ``top``, in one new (K, N) buffer.

    Terms below e^−50 are 0 (see ``_NEGLIGIBLE``); −inf (log 0, a component of weight 0) gives 0.
    """
    shifted = np.subtract(rows, top, out=np.empty(rows.shape))  # ≤ 0, so exp cannot overflow
    keep = ~(shifted <= _NEGLIGIBLE)  # "not ≤" rather than ">": a NaN is kept, and stays NaN
    out = np.zeros(rows.shape)
    if 3 * np.count_nonzero(keep) > keep.size:  # many terms to compute: exp where they are
        return np.exp(shifted, out=out, where=keep)
    # few (sharp posteriors): gather them into one contiguous array for exp, then scatter back,
    # which is about twice as fast as exp with a scattered mask
    kept = np.flatnonzero(keep)
    out.reshape(-1)[kept] = np.exp(shifted.reshape(-1)[kept])
    return out


def log_weights(weights):
    """log π_k, where a weight of 0 gives −inf without a warning: that component takes no samples."""
    with np.errstate(divide="ignore"):
        return np.log(weights)


def logsumexp(a):
    """log Σ_k exp(a[n, k]) for every row n, without overflow: factor out the row maximum."""
    rows = a.T  # (K, N): contiguous rows when ``a`` is emlib's (N, K) view of a (K, N) buffer
    top = _row_max(rows)
    return top + np.log(_shifted_exp(rows, top).sum(axis=0))


def _normalise_rows(rows):
    """Bayes' rule on one (K, B) block of log p(x_n, z_n = k): ``(r, log p(x_n))``, r a new (K, B) array."""
    top = _row_max(rows)  # m_n = max_k log p(x_n, k)
    resp = _shifted_exp(rows, top)  # p(x_n, k) / e^{m_n}, at most 1
    total = resp.sum(axis=0)  # Σ_k p(x_n, k) / e^{m_n}, between 1 and K
    resp *= 1.0 / total  # r_nk = p(x_n, k) / Σ_j p(x_n, j) (one division per sample, not per (n, k))
    return resp, top + np.log(total)  # log p(x_n) = m_n + log Σ_k e^{log p(x_n, k) − m_n}


def normalise(log_joint):
    """Bayes' rule by one log-sum-exp over k: ``(resp, log_norm)`` from log p(x_n, z_n = k | θ).

    r_nk = p(x_n, k) / p(x_n) is returned as an (N, K) view of a (K, N) buffer, and
    ``log_norm[n] = log p(x_n | θ)``. The exponentials computed for the log-sum-exp are normalised
    in place into r, so the E-step evaluates exp once per (n, k).
    """
    rows = log_joint.T  # (K, N)
    resp, log_norm = np.empty(rows.shape), np.empty(rows.shape[1])

    def block(cols):
        resp[:, cols], log_norm[cols] = _normalise_rows(rows[:, cols])

    parallel.run(block, parallel.split(rows.shape[1], 2 * rows.shape[0]))
    return resp.T, log_norm


def gather(pieces, block_log_joint, n_components):
    """log p(x_n, z_n = k | θ) for all samples, block by block: an (N, K) view of a (K, N) buffer.

    ``pieces`` are the blocks ``(cols, data)`` of a prepared data set; ``block_log_joint(piece)``
    returns the (K, B) array of one block.
    """
    out = np.empty((n_components, pieces[-1][0].stop))

    def block(piece):
        out[:, piece[0]] = block_log_joint(piece)

    parallel.run(block, pieces)
    return out.T


def soft_posterior(log_joint):
    """Bayes' rule in log space: log r_nk = log p(x_n, k) − log p(x_n).

    Returns ``(log_resp, log_norm)`` where ``log_norm[n] = log p(x_n | θ)``.
    """
    log_norm = logsumexp(log_joint)
    return (log_joint.T - log_norm).T, log_norm  # (N, K) view of a (K, N) buffer


def _block_expectation(resp, values):
    """Σ r v over two arrays of one shape, as one dot product; r = 0 counts as 0 even where v = −inf."""
    total = np.vdot(resp, values)
    if not np.isfinite(total):  # only when some r_nk = 0 met v_nk = −inf: drop those terms
        total = np.sum(resp * np.where(resp > 0, values, 0.0))
    return total


def expectation(resp, values):
    """Σ_n Σ_k r_nk v_nk, the expectation of v under q, as one dot product.

    Terms with r_nk = 0 count as 0 even where v_nk = −inf (0 · log 0 = 0 in the entropy).
    """
    # resp.T and values.T are the contiguous (K, N) buffers: vdot is then one BLAS dot, no copy
    return float(_block_expectation(resp.T, values.T))


def elbo(log_joint, resp, log_resp):
    """L(q, θ) = Σ_n Σ_k q_nk (log p(x_n, z_n = k | θ) − log q_nk) = E_q[log p(X, Z | θ)] + H(q).

    Terms with q_nk = 0 contribute nothing (0 · log 0 = 0).
    """
    return expectation(resp, log_joint) - expectation(resp, log_resp)


class Run(NamedTuple):
    """One run of EM from one start: the last parameters, the history, and how it ended."""

    params: object  # θ of the last M-step (or the start, with max_iter = 0)
    history: History
    converged: bool
    posterior: object  # q of the last E-step (None with max_iter = 0 for the mixtures)


def run_em(model, X, params, max_iter, tol):
    """Alternate E- and M-steps from ``params`` and record every half-step; returns a :class:`Run`.

    Every entry of the history names its phase: "init" (θ₀), then "E" (q changes, θ fixed) and
    "M" (θ changes, q fixed) for every iteration. A model may end the history with one more E-step
    (``_final_e_step``), so that its last entry is the assignment it reports.
    """
    history = History(model._posterior_from_params)
    data = model._prepare(X)  # what depends on X alone (e.g. its feature blocks), once per fit, not per step
    ev = model._evaluate(data, params, None)
    history._append(Step("init", 0, params, **model._record(ev, None)))
    q_prev, q, converged = None, None, False
    for iteration in range(1, max_iter + 1):
        q = model._posterior(ev)  # E-step: θ fixed, q changes
        history._append(Step("E", iteration, params, **model._record(ev, q)))
        params = model._m_step(data, q)  # M-step: q fixed, θ changes
        ev = model._evaluate(data, params, q)  # at the new θ: this M entry's values and the next E-step
        history._append(Step("M", iteration, params, **model._record(ev, q)))
        if model.verbose:
            model._print_iteration(history, X.shape[0])
        if model._converged(history, q_prev, q, data):
            converged = True
            break
        q_prev = q
    q = model._final_e_step(history, ev, q, converged)
    return Run(params, history, converged, q)


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
    def _prepare(self, X):
        """What the steps need from X alone; models override this to lay X out for their products."""
        return X

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
        if distributed.is_dask(X):  # a dask array: the same EM, one task graph per iteration
            return distributed.fit(self, X)
        self._check_parameters()
        warm = getattr(self, "warm_start", False) and hasattr(self, "history_")
        if warm:  # start from the fitted parameters, so the number of features may not change
            fitted = self.n_features_in_
        X = self._check_X(X, fitting=True)
        if warm and X.shape[1] != fitted:
            raise ValueError(f"X has {X.shape[1]} features, but warm_start=True continues a fit with {fitted} "
                             "features; use warm_start=False to start afresh.")
        if warm and len(self._params[0]) != self._n_clusters():
            raise ValueError(f"{self._n_components_name} is {self._n_clusters()}, but warm_start=True continues a fit "
                             f"with {len(self._params[0])}; use warm_start=False to start afresh.")
        rng = check_random_state(self.random_state)
        self._warm_bound = getattr(self, "lower_bound_", None) if warm else None
        best, finals = None, []
        with parallel.threads():  # the blocks of every step share the cores
            for _ in range(1 if warm else self._n_runs()):
                start = self._params if warm else self._init_params(X, rng)
                run = run_em(self, X, start, self.max_iter, self.tol)
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


class Evaluation(NamedTuple):
    """A mixture's E-step quantities at one θ, computed together in one pass over the data."""

    resp: np.ndarray  # r_nk = p(z_n = k | x_n, θ), (N, K) view of a (K, N) buffer
    log_norm: np.ndarray  # log p(x_n | θ), shape (N,)
    entropy: float  # H(r) = −Σ_nk r_nk log r_nk, the entropy of q if this evaluation becomes the E-step
    expected: float  # E_r[log p(X, Z | θ)] = Σ_nk r_nk log p(x_n, k | θ), for the ELBO of that E-step
    expected_before: float  # the same under the q given to the evaluation (the M entry's ELBO), or None
    cross_before: float  # −Σ_nk q_nk log p(z_n = k | x_n, θ) for that q (the M entry's KL), or None
    statistics: np.ndarray  # the M-step's sums over n for this r (see MixtureModel), (S, K)
    log_prior: float  # log p(θ) for MAP-EM, 0 for maximum likelihood


class Posterior(NamedTuple):
    """q after an E-step: the responsibilities, their entropy H(q) = −Σ_nk r_nk log r_nk, and the
    expected sufficient statistics the M-step turns into θ."""

    resp: np.ndarray
    entropy: float
    statistics: np.ndarray


class MixtureModel(EMModel):
    """Soft EM for a mixture p(x) = Σ_k π_k p(x | θ_k): the Gaussian and Bernoulli mixtures.

    Subclasses provide ``_prepare(X)`` (whose result has the blocks ``(cols, data)`` of the samples
    in ``.blocks``), ``_block_log_joint(params, data)`` (a function from one block to its (K, B) array of
    log p(x_n, z_n = k | θ)), ``_block_statistics(piece, r)`` (the block's share of the sums over n
    that the M-step needs, such as N_k and Σ_n r_nk x_n, as an (S, K) array), ``_m_step``,
    ``_init_params``, ``_n_parameters`` and ``_sample_components``.

    The E-step adds up those sums while each block is in the cache, right after its
    responsibilities; the M-step then turns them into θ. These are EM's "expected sufficient
    statistics": for these models, everything the M-step needs from q and X.
    """

    def _log_joint(self, data, params):
        return gather(data.blocks, self._block_log_joint(params, data), len(params.weights))

    def _evaluate(self, data, params, q=None):
        # Block by block, while the block is in the cache: log p(x_n, k), Bayes' rule, and the
        # block's shares of the ELBO's and the KL's terms (the entropy of r and the expected
        # log-joint, kept for when r becomes the E-step's q; the expected log-joint and the cross-
        # entropy against this posterior under the previous q, for the M entry) and of the M-step's
        # sums.
        block_log_joint = self._block_log_joint(params, data)
        K, N = len(params.weights), len(data.X)
        resp, log_norm = np.empty((K, N)), np.empty(N)
        before = None if q is None else q.resp.T  # (K, N)

        def block(piece):
            cols = piece[0]
            rows = block_log_joint(piece)  # (K, B), contiguous
            r, log_norm[cols] = _normalise_rows(rows)
            resp[:, cols] = r
            log_r = rows - log_norm[cols]  # log r_nk = log p(x_n, k) − log p(x_n), the log-posterior
            shares = [
                -_block_expectation(r, log_r),  # H(r)
                _block_expectation(r, rows),
                0.0 if before is None else _block_expectation(before[:, cols], rows),
                0.0 if before is None else -_block_expectation(before[:, cols], log_r),
            ]
            return np.array(shares), self._block_statistics(piece, r)

        parts = parallel.run(block, data.blocks)
        shares, statistics = parts[0][0].copy(), parts[0][1].copy()
        for block_shares, block_statistics in parts[1:]:  # added in block order
            shares += block_shares
            statistics += block_statistics
        entropy, expected, expected_before, cross_before = (float(value) for value in shares)
        if q is None:
            expected_before = cross_before = None
        return Evaluation(resp.T, log_norm, entropy, expected, expected_before, cross_before,
                          statistics, self._log_prior(params))

    def _posterior(self, ev):
        # q = p(Z | X, θ): already computed by the evaluation, with its entropy, which serves the
        # ELBO of this E entry and of the M entry that follows (q does not change in the M-step).
        return Posterior(ev.resp, ev.entropy, ev.statistics)

    def _posterior_from_params(self, X, params):
        return normalise(self._log_joint(self._prepare(X), params))[0]

    def _record(self, ev, q):
        # with a prior (MAP EM) both sides of the identity include it
        log_likelihood = float(ev.log_norm.sum()) + ev.log_prior  # log p(X | θ) = Σ_n log p(x_n | θ)
        if q is None:
            return {"log_likelihood": log_likelihood}
        # q is this evaluation's own posterior (an E entry) or the q of the E-step before (an M
        # entry: θ new, q unchanged). From the evaluation's sums:
        #   L(q, θ) = E_q[log p(X, Z | θ)] + H(q)
        #   KL(q ‖ p(Z | X, θ)) = Σ_nk q_nk (log q_nk − log p(z_n = k | x_n, θ))
        #                       = −Σ_nk q_nk log p(z_n = k | x_n, θ) − H(q)   (cross-entropy − entropy)
        # The KL is its definition, not log p − L, so log p(X | θ) = L + KL is a check of the sums.
        own = q.resp is ev.resp
        expected, cross = (ev.expected, ev.entropy) if own else (ev.expected_before, ev.cross_before)
        return {"log_likelihood": log_likelihood, "elbo": expected + q.entropy + ev.log_prior,
                "kl": cross - q.entropy}

    def _log_prior(self, params):
        """log p(θ) up to a constant; zero for maximum likelihood."""
        return 0.0

    def _converged(self, history, q_prev, q, data):
        # scikit-learn's rule: the per-sample log-likelihood at the last two E-steps differs by < tol.
        # A warm start compares its first E-step with the last one of the fit it continues.
        N = q.resp.shape[0]
        if q_prev is not None:
            change = (history[-2].log_likelihood - history[-4].log_likelihood) / N
        elif self._warm_bound is not None:
            change = history[-2].log_likelihood / N - self._warm_bound
        else:
            return False
        return abs(change) < self.tol

    def _final_score(self, history):
        # the lower bound scikit-learn reports and compares the runs by: log p(X | θ) at the last
        # E-step (the initial value, with max_iter = 0)
        return history[-2].log_likelihood if len(history) > 1 else history[0].log_likelihood

    def _final_e_step(self, history, ev, q, converged):
        return q

    def _set_fitted(self, run, X, finals):
        self._params = run.params
        N, history = X.shape[0], run.history
        # scikit-learn's lower bound: the per-sample log-likelihood at every E-step of the best run
        self.lower_bounds_ = np.array([step.log_likelihood / N for step in history if step.phase == "E"])
        self.lower_bound_ = self.lower_bounds_[-1] if len(self.lower_bounds_) else -np.inf
        self.final_log_likelihoods_ = finals
        self._set_parameters(run.params)

    def _print_iteration(self, history, n_samples):
        step = history[-1]
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
        return self._posterior_from_params(X, self._params)

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
        return self._log_joint(self._prepare(X), self._params).argmax(axis=1)

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
        return logsumexp(self._log_joint(self._prepare(X), self._params))

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
