"""EM on a Dask cluster: the same fit for data split by rows over many machines.

EM's M-step needs only sums over the samples (Chu et al., 2006): for a Gaussian mixture N_k, the
weighted means and the centred scatters (``gmm.Statistics``), for a Bernoulli mixture N_k and
Σ_n r_nk x_n, for k-means the clusters' counts and sums. Sums split over any partition of the rows,
so every iteration is one map-reduce, built as one Dask task graph:

- map, on the worker that holds each chunk of rows: the E-step at θ (a mixture's by the model's own
  fast engine, built on the chunk; k-means' by the module's public ``e_step``), the chunk's
  statistics (the module's ``statistics``) and its shares of the history's sums: log p(X | θ),
  H(r) and E_r[log p(X, Z | θ)] (k-means: J, and the labels that changed);
- reduce: a tree of ``combine`` (``SPLIT_EVERY`` chunks per node), in chunk order;
- on the client: the module's ``params_from_statistics``, the same M-step as an in-memory fit.

The EM loop is the in-memory fit's own, :func:`emlib.em.run_em`: a dask array only changes the
engine it runs (:func:`engine`, with the fast engines' ``e_step(params, before)``, ``m_step(q)`` and
``scores(q)``), so the history is recorded by the same lines.

The M entry's ELBO and KL, which concern the previous E-step's q under the new θ, need
E_q[log p(X, Z | θ)]: a function of q's statistics alone, computed on the client from the sums the
M-step used (``_expected_log_joint``). So the workers keep nothing between iterations, and one small
θ goes out and one small sum comes back per iteration. (k-means recomputes its previous labels on
the workers instead, to count how many changed.)

Recipes that need all of X at once (k-means++, the k-means start of a mixture, random
responsibilities, a callable ``init``) run on a uniform sample of at most ``SAMPLE_BYTES``; when X
is no larger, the sample is X itself and the fit equals the in-memory fit from the same seed.

Dask is optional: this module imports it only when a dask array reaches a model, so ``import
emlib`` does not import it.
"""

import copy
import functools
import inspect
import sys
import warnings
from typing import NamedTuple

import numpy as np

from . import _validation
from .history import History

SPLIT_EVERY = 8  # the tree reduction merges this many chunks' sums per task
SAMPLE_BYTES = 2**24  # at most 16 MB of X reach the client, for the initialisation recipes


def is_dask(X):
    """Whether X is a Dask collection (array or data frame), told without importing Dask."""
    return type(X).__module__.partition(".")[0] in ("dask", "dask_expr")


def _module(model):
    """The module of the model's pure steps (emlib.gmm, emlib.bernoulli or emlib.kmeans)."""
    return sys.modules[model._responsibilities.__module__]


def _settings(model, function):
    """The model's parameters that ``function`` takes by the same name (``covariance_type``,
    ``reg_covar``, ``beta_prior``): what the module's statistics, M-step and prior need from it."""
    params = model.get_params()
    return {name: params[name] for name in inspect.signature(function).parameters if name in params}


# ---- checks ------------------------------------------------------------------------------
def _check(model, X, n_features=None, known_rows=True):
    """X as a dask array chunked by rows only, or an error that says how to get one."""
    import dask.array as da

    if not isinstance(X, da.Array):
        raise TypeError(f"X is a {type(X).__name__}; emlib fits dask arrays. Convert a dask data frame with "
                        "X = df.to_dask_array(lengths=True).")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D dask array of shape (n_samples, n_features), got {X.ndim}-D of shape {X.shape}.")
    if np.issubdtype(X.dtype, np.complexfloating) or not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(f"X must hold real numbers, got dtype {X.dtype}.")
    if known_rows and any(np.isnan(size) for size in X.chunks[0]):
        raise ValueError("X's chunk sizes are unknown (as after boolean indexing or from a data frame); EM needs each "
                         "chunk's rows. Compute them first: X = X.compute_chunk_sizes().")
    if len(X.chunks[1]) > 1:
        raise ValueError(f"X is split along its features into {len(X.chunks[1])} chunks {X.chunks[1]}; every chunk "
                         "must hold whole rows. Rechunk by rows only: X = X.rechunk({0: 'auto', 1: -1}).")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but {type(model).__name__} was fitted with {n_features}; "
                         "pass data with the same columns.")
    return X


def _row_ranges(X):
    stops = np.cumsum(X.chunks[0])
    return [(int(stop - size), int(stop)) for size, stop in zip(X.chunks[0], stops)]


# ---- one task graph: a function on every chunk, merged by a tree --------------------------
def _fold(merge, parts):
    return functools.reduce(merge, parts)


def _map_reduce(X, function, merge, *args):
    """``function(chunk, rows, *args)`` on every chunk of rows (``rows`` its (start, stop)), merged
    in chunk order by a tree of ``merge``, computed as one graph; returns the root's value. Chunks
    without rows add nothing to a sum, and are left out."""
    import dask

    shared = dask.delayed(args, traverse=False)  # θ once in the graph, not once per chunk
    parts = [dask.delayed(function)(block, rows, shared)
             for block, rows in zip(X.to_delayed().ravel(), _row_ranges(X)) if rows[1] > rows[0]]
    while len(parts) > 1:
        parts = [dask.delayed(_fold)(merge, parts[i:i + SPLIT_EVERY]) for i in range(0, len(parts), SPLIT_EVERY)]
    return dask.compute(parts[0])[0]


def _chunk(block):
    return np.asarray(block, dtype=float)


class _Summary(NamedTuple):
    """What one pass over X finds before the fit: its bad chunks and the features' moments."""

    not_finite: list  # (start, stop) of the chunks holding NaN or infinity
    not_binary: list  # (start, stop) of the chunks holding values other than 0 and 1
    moments: object  # gmm.Statistics of X with one component: N, the mean and the per-feature scatter


def _summarise(block, rows, shared):
    from . import gmm

    (binary,) = shared
    X = _chunk(block)
    finite = bool(np.isfinite(X).all())
    moments = gmm.statistics(X, np.ones((len(X), 1)), "diag") if finite else None
    return _Summary([] if finite else [rows], [rows] if binary and ((X != 0) & (X != 1)).any() else [], moments)


def _merge_summaries(a, b):
    from . import gmm

    moments = a.moments if b.moments is None else b.moments if a.moments is None else gmm.combine(a.moments, b.moments)
    return _Summary(a.not_finite + b.not_finite, a.not_binary + b.not_binary, moments)


def _check_values(model, X):
    """One pass over X: every chunk finite (and binary for a Bernoulli mixture); returns the features'
    mean variance (k-means' scale for ``tol``)."""
    from . import bernoulli

    binary = _module(model) is bernoulli
    summary = _map_reduce(X, _summarise, _merge_summaries, binary)
    for bad, what, fix in ((summary.not_finite, "NaN or infinity", "remove or impute those samples"),
                           (summary.not_binary, "values other than 0 and 1",
                            "threshold the data first, e.g. X = (X > 0.5).astype(float)")):
        if bad:
            (start, stop), more = bad[0], len(bad) - 1
            raise ValueError(f"X holds {what} in the chunk of rows {start} to {stop - 1}"
                             + (f" (and {more} more chunk{'s' * (more > 1)})" if more else "") + f"; {fix}.")
    return float((summary.moments.scatter[0] / summary.moments.n[0]).mean())


# ---- the mixtures: one evaluation per E-step ---------------------------------------------
class _Sums(NamedTuple):
    """One evaluation at θ, summed over the chunks."""

    terms: np.ndarray  # mixtures: [log p(X | θ), H(r), E_r[log p(X, Z | θ)]]; k-means: [J(z, μ), J(z_before, μ), changed]
    statistics: object  # the module's Statistics of r = p(Z | X, θ) (of the labels z, for k-means)


def _merge_sums(combine, a, b):
    return _Sums(a.terms + b.terms, combine(a.statistics, b.statistics))


def _mixture_chunk(block, rows, shared):
    model, statistics, params, kwargs = shared
    X = _chunk(block)
    # the E-step of the in-memory fit, by the model's own fast engine built on this chunk
    q, _ = model._engine(X).e_step(params)
    terms = [q.log_norm.sum(), q.entropy, q.expected]  # log p(X | θ), H(q), E_q[log p(X, Z | θ)] of the chunk
    # the statistics in the module's public form, which ``combine`` merges over the chunks
    return _Sums(np.array(terms), statistics(X, q.resp, **kwargs))


def _expected_log_joint(stats, params):
    """E_q[log p(X, Z | θ)] = Σ_nk q_nk log p(x_n, z_n = k | θ) from q's statistics alone.

    The M entry of the history needs it for the q of the E-step before and the new θ; computed from
    the sums that the M-step used, it costs no second pass over the chunks. For a Gaussian component,
    with P_k P_kᵀ = Σ_k⁻¹ and the statistics N_k, x̄_k, S_k of q,
        Σ_n q_nk log N(x_n | μ_k, Σ_k) = N_k (log|P_k| − D/2 log 2π) − ½ tr(P_kᵀ S_k P_k) − ½ N_k |P_kᵀ (x̄_k − μ_k)|²;
    for a Bernoulli one, Σ_d (Σ_n q_nk x_nd) log μ_kd + (N_k − Σ_n q_nk x_nd) log(1 − μ_kd).
    """
    n = stats.n
    with np.errstate(divide="ignore"):
        total = np.where(n > 0, n * np.log(params.weights), 0.0)  # Σ_n q_nk log π_k, with 0 · log 0 = 0
    if not hasattr(params, "covariance_type"):  # Bernoulli components
        mu = params.means
        return float((total + (stats.sum_x * np.log(mu) + (n[:, None] - stats.sum_x) * np.log1p(-mu)).sum(axis=1)).sum())
    K, D = stats.mean.shape
    P, diff = params.precisions_cholesky, stats.mean - params.means
    if params.covariance_type in ("full", "tied"):
        P = np.broadcast_to(P, (K, D, D))
        log_det = np.log(np.diagonal(P, axis1=1, axis2=2)).sum(axis=1)
        trace = np.einsum("kia,kij,kja->k", P, stats.scatter, P)
        quad = (np.einsum("kd,kda->ka", diff, P) ** 2).sum(axis=1)
    else:  # diagonal P: one entry per feature (diag), or one per component (spherical)
        P = np.broadcast_to(P[:, None] if params.covariance_type == "spherical" else P, (K, D))
        log_det, trace, quad = np.log(P).sum(axis=1), (P**2 * stats.scatter).sum(axis=1), (P**2 * diff**2).sum(axis=1)
    return float((total + n * (log_det - 0.5 * D * np.log(2 * np.pi)) - 0.5 * trace - 0.5 * n * quad).sum())


class _Posterior(NamedTuple):
    """q = p(Z | X, θ) of a mixture, as the sums over the chunks that the history and the M-step need."""

    log_likelihood: float  # log p(X | θ)
    entropy: float  # H(q)
    expected: float  # E_q[log p(X, Z | θ)]
    statistics: object  # the module's Statistics of q
    log_prior: float  # log p(θ) for MAP-EM, 0 for maximum likelihood


class _Engine:
    """What both engines share: X, its checks and its sample for the initialisation recipes."""

    def __init__(self, model, X):
        self.X, self.n_samples, self.module = X, X.shape[0], _module(model)
        self.mean_variance = _check_values(model, X)  # one pass: every chunk's values, and k-means' scale
        self._sample, self._needs_sample = None, _needs_sample(model)

    def init_data(self, rng):
        """What the model's ``_init_params`` reads: a sample of X's rows (the first time, drawn by ``rng``)."""
        if self._sample is None:
            self._sample = _sample(self.X, rng) if self._needs_sample else np.empty((0, self.X.shape[1]))
        return self._sample


class MixtureEngine(_Engine):
    """A mixture's fit on a dask array: ``e_step(params, before)`` is one task graph over the chunks,
    ``m_step(q)`` the module's ``params_from_statistics`` on the client."""

    def __init__(self, model, X):
        super().__init__(model, X)
        module = self.module
        # what the workers need: the model's settings (a fresh copy, without a fitted history) and
        # the module's statistics
        self._chunk_work = (type(model)(**model.get_params()), module.statistics, _settings(model, module.statistics))
        self._m_settings = _settings(model, module.params_from_statistics)
        self._prior = getattr(module, "log_prior", None)  # MAP-EM's prior, where the model has one
        self._prior_settings = _settings(model, self._prior) if self._prior else {}

    def log_prior(self, params):
        """log p(θ) for MAP-EM (a Bernoulli mixture's ``beta_prior``), else 0."""
        return self._prior(params, **self._prior_settings) if self._prior else 0.0

    def e_step(self, params, before=None):
        """q = p(Z | X, θ) as its sums (one task graph), and the previous entry's scores at θ.

        The M entry's L(before, θ) and KL(before ‖ p(Z | X, θ)) need E_before[log p(X, Z | θ)], from
        ``before``'s statistics (``_expected_log_joint``); the KL from its definition, where the
        cross-entropy −Σ_nk q_nk log p(z_n = k | x_n, θ) = log p(X | θ) − E_q[log p(X, Z | θ)].
        """
        model, statistics, kwargs = self._chunk_work
        sums = _map_reduce(self.X, _mixture_chunk, functools.partial(_merge_sums, self.module.combine),
                           model, statistics, params, kwargs)
        q = _Posterior(*(float(term) for term in sums.terms), sums.statistics, self.log_prior(params))
        scores = {"log_likelihood": q.log_likelihood + q.log_prior}
        if before is not None:
            expected_before = _expected_log_joint(before.statistics, params)
            scores.update(elbo=expected_before + before.entropy + q.log_prior,
                          kl=(q.log_likelihood - expected_before) - before.entropy)
        return q, scores

    @staticmethod
    def scores(q):
        """The E entry's log p(X | θ), L(q, θ) and KL(q ‖ p(Z | X, θ)) = 0 (q is that posterior)."""
        return {"log_likelihood": q.log_likelihood + q.log_prior, "elbo": q.expected + q.entropy + q.log_prior,
                "kl": 0.0}

    def m_step(self, q):
        return self.module.params_from_statistics(q.statistics, **self._m_settings)

    def set_fitted(self, model, run, finals):
        model._set_fitted(run, self.X, finals)  # the mixtures' fitted attributes need only X's shape


# ---- k-means ------------------------------------------------------------------------------
def _kmeans_chunk(block, rows, shared):
    from . import kmeans

    centres, previous = shared
    X = _chunk(block)
    labels = kmeans.e_step(X, centres)  # the hard E-step at these centres
    # [J(z, μ), J(z_before, μ), how many labels changed]
    terms = [kmeans.distortion(X, centres, labels), 0.0, float(len(X))]
    if previous is not None:
        before = kmeans.e_step(X, previous)  # the E-step before, at the previous centres
        terms[1:] = kmeans.distortion(X, centres, before), float(np.count_nonzero(labels != before))
    return _Sums(np.array(terms), kmeans.statistics(X, labels, len(centres)))


def _far_chunk(block, rows, shared):
    """The chunk's n samples farthest from their new centres (assigned at the old ones), farthest first."""
    from . import kmeans

    old, new, n = shared
    X = _chunk(block)
    residual = X - new[kmeans.e_step(X, old)]
    distances = np.einsum("nd,nd->n", residual, residual)
    far = np.argsort(-distances, kind="stable")[:n]
    return distances[far], X[far], n


def _merge_far(a, b):
    distances, points, n = np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]]), a[2]
    far = np.argsort(-distances, kind="stable")[:n]  # stable: among ties, the earlier row, as in memory
    return distances[far], points[far], n


class _Assignment(NamedTuple):
    """q of k-means: the labels at ``centers``, as the sums over the chunks."""

    distortion: float  # J(z, μ) at the centres the labels were assigned to
    statistics: object  # kmeans.Statistics: the clusters' counts and sums
    centers: np.ndarray
    changed: int  # how many labels this E-step changed (all N in the first)


class KMeansEngine(_Engine):
    """k-means' fit on a dask array: the hard E-step as one task graph (which also assigns the rows
    at the previous centres, to count the changed labels: the workers keep nothing), the M-step on
    the client."""

    def e_step(self, params, before=None):
        previous = None if before is None else before.centers
        sums = _map_reduce(self.X, _kmeans_chunk, functools.partial(_merge_sums, self.module.combine),
                           params.centers, previous)
        J, J_before, changed = sums.terms
        q = _Assignment(float(J), sums.statistics, params.centers, int(changed))
        return q, ({} if before is None else {"distortion": float(J_before)})

    @staticmethod
    def scores(q):
        return {"distortion": q.distortion}

    def m_step(self, q):
        new = self.module.params_from_statistics(q.statistics, q.centers)
        empty = q.statistics.n == 0
        if empty.any():  # as in memory: an emptied cluster's centre moves to the farthest samples
            new[empty] = _map_reduce(self.X, _far_chunk, _merge_far, q.centers, new, int(empty.sum()))[1]
        return self.module.KMeansParams(new)

    def set_fitted(self, model, run, finals):
        model._params = run.params
        model.cluster_centers_ = model._cast(run.params.centers)
        model.inertia_ = run.history[-1].distortion  # J of the last E-step, summed over the chunks
        model.final_distortions_ = -finals
        model.labels_ = map_rows(model, "predict", self.X)  # the last E-step's assignment, lazily
        distinct = int(np.count_nonzero(run.posterior.statistics.n))
        if distinct < model.n_clusters:
            warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({model.n_clusters}). "
                          "Possibly due to duplicate points in X.", _validation.ConvergenceWarning, stacklevel=3)


# ---- the engine for a fit -----------------------------------------------------------------
def _needs_sample(model):
    """Whether the model's initialisation reads X (not when the start is given in full, or drawn
    without the data)."""
    from . import bernoulli, gmm

    module = _module(model)
    if module is gmm:
        return any(value is None for value in (model.weights_init, model.means_init, model.precisions_init))
    if module is bernoulli:
        return model.means_init is None and model.init_params == "random_from_data"
    return isinstance(model.init, str) or callable(model.init)


def _sample(X, rng):
    """X itself when it is at most SAMPLE_BYTES, else a uniform sample of rows of that size (in row order)."""
    N, D = X.shape
    size = max(SAMPLE_BYTES // (8 * D), 1)
    if N <= size:
        return np.asarray(X.compute(), dtype=float)
    return np.asarray(X[np.sort(rng.choice(N, size=size, replace=False))].compute(), dtype=float)


def engine(model, X, n_features=None):
    """The engine that fits ``model`` to a dask array X chunked by rows, for :func:`emlib.em.run_em`.

    Called by the models' ``fit`` for a dask array; one task graph per E-step, on the Dask scheduler
    in use (a ``dask.distributed.Client`` when one is connected). X is checked first (its chunks, and
    one pass over its values), with ``n_features`` the number a warm start continues with. Besides
    the steps, the engine gives ``init_data(rng)``, the rows the initialisation recipes read, and
    ``set_fitted(model, run, finals)``: the fitted attributes of an in-memory fit (k-means'
    ``labels_`` a dask array).

    Parameters
    ----------
    model : GaussianMixture, BernoulliMixture or KMeans
    X : dask.array.Array of shape (n_samples, n_features)
        Chunked along the samples only.
    n_features : int, optional

    Returns
    -------
    engine : MixtureEngine or KMeansEngine
    """
    from .em import MixtureModel

    X = _check(model, X, n_features)
    if X.shape[0] < model._n_clusters():
        raise ValueError(f"X has {X.shape[0]} samples, fewer than {model._n_components_name}={model._n_clusters()}; "
                         f"use more samples or a smaller {model._n_components_name}.")
    model._dtype = np.float32 if X.dtype == np.float32 else np.float64
    model.__dict__.pop("feature_names_in_", None)
    return (MixtureEngine if isinstance(model, MixtureModel) else KMeansEngine)(model, X)


# ---- prediction: lazily, chunk by chunk ---------------------------------------------------
def _apply(block, model, name, block_info=None):
    if not np.isfinite(block).all():
        rows = block_info[0]["array-location"][0] if block_info else None
        where = f"the chunk of rows {rows[0]} to {rows[1] - 1}" if rows and rows[0] is not None else "a chunk"
        raise ValueError(f"X holds NaN or infinity in {where}; remove or impute those samples.")
    return getattr(model, name)(block)


def map_rows(model, name, X):
    """``model.<name>(X)`` for a dask array X, as a dask array computed chunk by chunk when asked.

    Parameters
    ----------
    model : fitted GaussianMixture, BernoulliMixture or KMeans
    name : str
        A method that maps every row to a value or a row: "predict", "predict_proba",
        "score_samples" or "transform".
    X : dask.array.Array of shape (n_samples, n_features)

    Returns
    -------
    out : dask.array.Array of shape (n_samples,) or (n_samples, n_columns)
    """
    _validation.check_is_fitted(model, "history_")
    X = _check(model, X, model.n_features_in_, known_rows=False)  # chunk by chunk, so their sizes may be unknown
    # what the workers need: the fitted parameters, not the history or the training labels
    light = copy.copy(model)
    light.__dict__.pop("labels_", None)
    light.history_ = History(None)
    probe = getattr(light, name)(np.zeros((1, X.shape[1]), dtype=X.dtype))  # the output's shape and dtype
    if probe.ndim == 1:
        return X.map_blocks(_apply, light, name, drop_axis=1, dtype=probe.dtype, meta=np.empty((0,), probe.dtype))
    return X.map_blocks(_apply, light, name, chunks=(X.chunks[0], (probe.shape[1],)), dtype=probe.dtype,
                        meta=np.empty((0, 0), probe.dtype))


def rowwise(method):
    """Decorate a prediction method so that a dask array gets a lazy dask array (see :func:`map_rows`)."""

    @functools.wraps(method)
    def wrapper(self, X, *args, **kwargs):
        if is_dask(X):
            return map_rows(self, method.__name__, X)
        return method(self, X, *args, **kwargs)

    return wrapper
