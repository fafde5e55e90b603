"""Gaussian mixtures: the E-step, the M-step and the log-likelihood as pure functions, and the model.

The equations are those of the chapter "EM for Gaussian mixtures":

    E-step   r_nk = π_k N(x_n | μ_k, Σ_k) / Σ_j π_j N(x_n | μ_j, Σ_j)             Eq. (4.3)
    M-step   N_k = Σ_n r_nk,   π_k = N_k / N,   μ_k = Σ_n r_nk x_n / N_k,      Eqs. (4.10), (4.6)
             Σ_k = Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ / N_k + reg_covar · I       Eq. (4.8)

Every density is evaluated through the Cholesky factor of the precision, P_k with P_k P_kᵀ = Σ_k⁻¹
(scikit-learn's ``precisions_cholesky_``), so no determinant and no inverse of Σ_k is ever formed:
    (x − μ)ᵀ Σ⁻¹ (x − μ) = |P_kᵀ (x − μ)|²   and   log|Σ_k|^{-1/2} = Σ_d log (P_k)_dd.

The functions here are the reference, written for reading. ``GaussianMixture.fit`` runs the same
steps faster, over blocks of samples on every core (``emlib._fast.gmm``).
"""

from typing import NamedTuple

import numpy as np

from ._validation import (
    check_array,
    check_choice,
    check_nonnegative,
    check_shape,
    check_weights,
)
from .em import MixtureModel, logsumexp

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")
_LOG_2PI = np.log(2 * np.pi)


class GaussianParams(NamedTuple):
    """θ of a Gaussian mixture, in scikit-learn's shapes (K components, D features).

    covariances: full (K, D, D), tied (D, D), diag (K, D), spherical (K,);
    precisions_cholesky has the same shape (for diag and spherical: 1 / standard deviation).
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    precisions_cholesky: np.ndarray
    covariance_type: str = "full"


_SINGULAR = (
    "The covariance of component {k} is not positive definite even after adding reg_covar: "
    "the component has collapsed onto too few points. Increase reg_covar, use fewer components, "
    "or scale the input data (e.g. to unit variance per feature)."
)


_RANK_TOL = 1e-12


def precision_cholesky(covariances, covariance_type="full"):
    """P with P Pᵀ = Σ⁻¹, from Σ's own Cholesky factor L (Σ = L Lᵀ, so P = L⁻ᵀ).

    Parameters
    ----------
    covariances : array-like
        Σ in the shape of ``covariance_type``: full (K, D, D), tied (D, D), diag (K, D), spherical (K,).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"

    Returns
    -------
    precisions_cholesky : ndarray
        P in the same shape (upper triangular; 1 / standard deviation for diag and spherical).

    Raises
    ------
    ValueError
        If a covariance is not positive definite (a collapsed component), naming the component.
    """
    covariances = np.asarray(covariances, dtype=float)
    if covariance_type in ("diag", "spherical"):
        if (covariances <= 0).any():
            k = np.argwhere(covariances <= 0)[0][0]
            raise ValueError(_SINGULAR.format(k=k))
        return 1.0 / np.sqrt(covariances)
    stack = covariances[None] if covariance_type == "tied" else covariances
    try:
        lower = np.linalg.cholesky(stack)  # Σ_k = L_k L_kᵀ, for all k in one call
    except np.linalg.LinAlgError:
        lower = None
    singular = np.ones(len(stack), bool) if lower is None else _rank_deficient(lower, stack)
    if singular.any():
        k = "(shared)" if covariance_type == "tied" else _first_singular(stack, singular)
        raise ValueError(_SINGULAR.format(k=k))
    out = np.swapaxes(_triangular_inverse(lower), 1, 2)  # P_k = L_k⁻ᵀ, upper triangular
    return out[0] if covariance_type == "tied" else out


def _triangular_inverse(lower):
    """L⁻¹ for a stack of lower triangular L, itself lower triangular: the zeros above the diagonal
    are set exactly (the LU factorisation that inverts L may swap rows, which leaves rounding there)."""
    return np.tril(np.linalg.inv(lower))


def _rank_deficient(lower, stack):
    """Whether each Σ_k of a stack, with Cholesky factors L_k, is singular in floating point.

    Cholesky also "succeeds" on rounding noise. L_dd² / Σ_dd is the share of feature d's variance
    that the earlier features leave unexplained; when it vanishes, Σ is singular (a scale-free
    test: it does not depend on the units of X).
    """
    unexplained = np.diagonal(lower, axis1=1, axis2=2) ** 2
    # written as "not >=" so that a NaN factor counts too: Pyodide's numpy returns one instead of raising
    return ~(unexplained >= _RANK_TOL * np.diagonal(stack, axis1=1, axis2=2)).all(axis=1)


def _first_singular(stack, suspects):
    """The first component whose covariance fails Cholesky or the rank test, for the error message."""
    for k in np.flatnonzero(suspects):
        try:
            lower = np.linalg.cholesky(stack[k:k + 1])
        except np.linalg.LinAlgError:
            return k
        if _rank_deficient(lower, stack[k:k + 1])[0]:
            return k
    return int(np.flatnonzero(suspects)[0])


def make_params(weights, means, covariances, covariance_type="full"):
    """Build :class:`GaussianParams` from weights, means and covariances (computing P).

    Parameters
    ----------
    weights : array-like of shape (K,)
        π_k.
    means : array-like of shape (K, D)
        μ_k.
    covariances : array-like
        Σ_k in the shape of ``covariance_type`` (see :func:`precision_cholesky`).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"

    Returns
    -------
    params : GaussianParams
    """
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    means = np.asarray(means, dtype=float)
    covariances = np.asarray(covariances, dtype=float)
    return GaussianParams(
        np.asarray(weights, dtype=float),
        means,
        covariances,
        precision_cholesky(covariances, covariance_type),
        covariance_type,
    )


def full_covariances(covariances, covariance_type="full", n_components=None, n_features=None):
    """Expand covariances (or their precision factors) of any of the four types to a (K, D, D) stack.

    full (K, D, D) is returned as is; tied (D, D) is repeated K times (``n_components`` needed);
    diag (K, D) becomes diagonal matrices; spherical (K,) becomes σ²_k I (``n_features`` needed).

    Parameters
    ----------
    covariances : array-like
        In the shape of ``covariance_type``.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    n_components : int, optional
        K, needed for "tied".
    n_features : int, optional
        D, needed for "spherical".

    Returns
    -------
    full : ndarray of shape (K, D, D)
    """
    cov = np.asarray(covariances, dtype=float)
    if covariance_type == "full":
        return cov
    if covariance_type == "tied":
        if n_components is None:
            raise ValueError("full_covariances needs n_components to repeat a tied covariance.")
        return np.broadcast_to(cov, (n_components,) + cov.shape).copy()
    if covariance_type == "diag":
        return cov[:, :, None] * np.eye(cov.shape[1])
    if covariance_type == "spherical":
        if n_features is None:
            raise ValueError("full_covariances needs n_features to expand spherical variances.")
        return cov[:, None, None] * np.eye(n_features)
    raise ValueError(
        f"covariance_type must be 'full', 'tied', 'diag' or 'spherical', got {covariance_type!r}."
    )


def log_det_precision_cholesky(params):
    """log|Σ_k|^{-1/2} = Σ_d log (P_k)_dd for every component, shape (K,).

    Parameters
    ----------
    params : GaussianParams

    Returns
    -------
    log_det : ndarray of shape (K,)
    """
    K, D = params.means.shape
    P = params.precisions_cholesky
    if params.covariance_type == "full":
        return np.log(np.diagonal(P, axis1=1, axis2=2)).sum(axis=1)
    if params.covariance_type == "tied":
        return np.full(K, np.log(np.diag(P)).sum())
    if params.covariance_type == "diag":
        return np.log(P).sum(axis=1)
    return D * np.log(P)


def estimate_log_prob(X, params):
    """log N(x_n | μ_k, Σ_k) for every sample and component, the density of Eq. (2.1)'s components.

    log N(x | μ_k, Σ_k) = −D/2 log 2π + Σ_d log (P_k)_dd − ½ |P_kᵀ (x − μ_k)|², with P_k the Cholesky
    factor of the precision (P_k P_kᵀ = Σ_k⁻¹): no inverse and no determinant is formed.

    Parameters
    ----------
    X : array-like of shape (N, D)
    params : GaussianParams

    Returns
    -------
    log_prob : ndarray of shape (N, K)
    """
    X = np.asarray(X, dtype=float)
    K, D = params.means.shape
    P = params.precisions_cholesky  # full (K, D, D), tied (D, D), diag (K, D), spherical (K,)
    if params.covariance_type == "tied":
        P = np.broadcast_to(P, (K, D, D))
    log_det = log_det_precision_cholesky(params)
    out = np.empty((len(X), K))
    for k in range(K):
        diff = X - params.means[k]
        # y_n = P_kᵀ (x_n − μ_k), as rows; for diag and spherical P_k is diagonal: (x_n − μ_k) / σ_k
        y = diff @ P[k] if P.ndim == 3 else diff * P[k]
        out[:, k] = -0.5 * D * _LOG_2PI + log_det[k] - 0.5 * (y**2).sum(axis=1)
    return out


def log_joint(X, params):
    """log p(x_n, z_n = k | θ) = log π_k + log N(x_n | μ_k, Σ_k), Eq. (4.2), in log space.

    Parameters
    ----------
    X : array-like of shape (N, D)
    params : GaussianParams

    Returns
    -------
    log_joint : ndarray of shape (N, K)
        A weight π_k = 0 gives −inf in column k.
    """
    with np.errstate(divide="ignore"):
        return np.log(params.weights) + estimate_log_prob(X, params)


def e_step(X, params):
    """The E-step, Eq. (4.3): the responsibilities r_nk = p(z_n = k | x_n, θ) by Bayes' rule, in log space.

    log r_nk = log p(x_n, z_n = k | θ) − log p(x_n | θ), with log p(x_n | θ) = log Σ_k p(x_n, z_n = k | θ)
    computed by log-sum-exp, which factors out the largest term so that nothing overflows.

    Parameters
    ----------
    X : array-like of shape (N, D)
    params : GaussianParams

    Returns
    -------
    log_resp : ndarray of shape (N, K)
        log r_nk.
    log_prob_norm : ndarray of shape (N,)
        log p(x_n | θ).
    """
    X = check_array(X)
    joint = log_joint(X, params)
    log_norm = logsumexp(joint, axis=1)
    return joint - log_norm[:, None], log_norm


def responsibilities(X, params):
    """r_nk = p(z_n = k | x_n, θ), shape (N, K): the exponential of :func:`e_step`'s log r_nk.

    Parameters
    ----------
    X : array-like of shape (N, D)
    params : GaussianParams

    Returns
    -------
    resp : ndarray of shape (N, K)
        Every row sums to one.
    """
    return np.exp(e_step(X, params)[0])


def log_likelihood(X, params):
    """log p(X | θ) = Σ_n log Σ_k π_k N(x_n | μ_k, Σ_k), Eq. (4.1).

    Parameters
    ----------
    X : array-like of shape (N, D)
    params : GaussianParams

    Returns
    -------
    log_likelihood : float
        The total over the samples.
    """
    return float(e_step(X, params)[1].sum())


def _check_resp(X, resp):
    resp = np.asarray(resp, dtype=float)
    if resp.ndim != 2 or resp.shape[0] != X.shape[0]:
        raise ValueError(f"resp must have shape (n_samples, n_components) = ({X.shape[0]}, K), got {resp.shape}.")
    return resp


class Statistics(NamedTuple):
    """The expected sufficient statistics of a Gaussian mixture: all the M-step needs from X and r.

    ``n`` (K,): N_k = Σ_n r_nk. ``mean`` (K, D): x̄_k = Σ_n r_nk x_n / N_k (the data's mean where N_k = 0).
    ``scatter``: S_k = Σ_n r_nk (x_n − x̄_k)(x_n − x̄_k)ᵀ, centred on x̄_k, shape (K, D, D) for the
    full and tied covariances; only its diagonal, shape (K, D), for diag and spherical.
    """

    n: np.ndarray
    mean: np.ndarray
    scatter: np.ndarray


def statistics(X, resp, covariance_type="full"):
    """The statistics N_k, x̄_k and S_k of data X under responsibilities r.

    Parameters
    ----------
    X : array-like of shape (N, D)
        The samples x_n.
    resp : array-like of shape (N, K)
        The responsibilities r_nk.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Which scatter to keep: the matrices (full, tied) or their diagonals (diag, spherical).

    Returns
    -------
    stats : Statistics
        ``n`` (K,), ``mean`` (K, D), ``scatter`` (K, D, D) or (K, D).
    """
    X = check_array(X)
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    resp = _check_resp(X, resp)
    n = resp.sum(axis=0)  # N_k
    # x̄_k = Σ_n r_nk x_n / N_k, summed around the data's mean, where the terms keep their digits
    origin = X.mean(axis=0)
    shifted = np.divide(resp.T @ (X - origin), n[:, None], out=np.zeros((len(n), X.shape[1])), where=n[:, None] > 0)
    mean = origin + shifted
    scatter = []
    for k, r in enumerate(resp.T):
        diff = X - mean[k]  # x_n − x̄_k
        scatter.append((r[:, None] * diff).T @ diff if covariance_type in ("full", "tied") else r @ diff**2)
    return Statistics(n, mean, np.array(scatter))


def combine(a, b):
    """The statistics of two blocks of samples together, from each block's :class:`Statistics`.

    Counts add, means merge by their weights, and the centred scatters add with the term of the
    distance between the two means (the pairwise update of Chan, Golub and LeVeque):
        N = N_a + N_b,   x̄ = x̄_a + (N_b / N) δ,   S = S_a + S_b + (N_a N_b / N) δ δᵀ,   δ = x̄_b − x̄_a.
    No sum of squares is formed, so the result equals one pass over both blocks to rounding.

    Parameters
    ----------
    a, b : Statistics
        The statistics of two disjoint blocks of samples, under the same components.

    Returns
    -------
    stats : Statistics
        The statistics of both blocks together.
    """
    n = a.n + b.n
    share = np.divide(b.n, n, out=np.zeros_like(n), where=n > 0)  # N_b / N
    delta = b.mean - a.mean
    mean = a.mean + share[:, None] * delta
    between = a.n * share  # N_a N_b / N
    if a.scatter.ndim == 3:
        scatter = a.scatter + b.scatter + between[:, None, None] * delta[:, :, None] * delta[:, None, :]
    else:
        scatter = a.scatter + b.scatter + between[:, None] * delta**2
    return Statistics(n, mean, scatter)


def params_from_statistics(stats, covariance_type="full", reg_covar=1e-6):
    """The M-step's θ from the statistics: Eqs. (4.10), (4.6) and (4.8).

    π_k = N_k / N,   μ_k = x̄_k,   Σ_k = S_k / N_k + εI  (ε = ``reg_covar``); tied: Σ = Σ_k S_k / N + εI,
    diag: the diagonal of Σ_k, spherical: its mean σ²_k. As scikit-learn does, every N_k is raised by
    10 machine epsilons, so that an empty component divides by a tiny number rather than by zero.

    Parameters
    ----------
    stats : Statistics
        N_k, x̄_k and S_k, from :func:`statistics` (or :func:`combine`).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    reg_covar : float, default=1e-6
        ε, added to the diagonal of every covariance.

    Returns
    -------
    params : GaussianParams
    """
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    check_nonnegative(reg_covar, "reg_covar")
    nk = stats.n + 10 * np.finfo(float).eps
    D = stats.mean.shape[1]
    if covariance_type == "full":
        covariances = stats.scatter / nk[:, None, None] + reg_covar * np.eye(D)
    elif covariance_type == "tied":
        covariances = stats.scatter.sum(axis=0) / nk.sum() + reg_covar * np.eye(D)
    else:
        covariances = stats.scatter / nk[:, None] + reg_covar
        if covariance_type == "spherical":
            covariances = covariances.mean(axis=1)
    return GaussianParams(nk / nk.sum(), stats.mean, covariances, precision_cholesky(covariances, covariance_type),
                          covariance_type)


def m_step(X, resp, covariance_type="full", reg_covar=1e-6):
    """The M-step: the θ that maximises Q for responsibilities r, Eqs. (4.6), (4.8) and (4.10).

    π_k = N_k / N comes from a Lagrange multiplier for Σ_k π_k = 1; μ_k and Σ_k from setting the
    gradients of Q to zero. ``reg_covar`` is added to the diagonal of every covariance.

    Parameters
    ----------
    X : array-like of shape (N, D)
    resp : array-like of shape (N, K)
        The responsibilities r_nk of the E-step.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    reg_covar : float, default=1e-6

    Returns
    -------
    params : GaussianParams
    """
    return params_from_statistics(statistics(X, resp, covariance_type), covariance_type, reg_covar)


def n_parameters(n_components, n_features, covariance_type="full"):
    """Free parameters of a Gaussian mixture: K − 1 weights, K·D means and the covariance entries.

    Parameters
    ----------
    n_components : int
        K.
    n_features : int
        D.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"

    Returns
    -------
    n_parameters : int
    """
    K, D = n_components, n_features
    cov = {"full": K * D * (D + 1) // 2, "tied": D * (D + 1) // 2, "diag": K * D, "spherical": K}
    return cov[check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)] + K * D + K - 1


def _covariance_shape(covariance_type, K, D):
    return {"full": (K, D, D), "tied": (D, D), "diag": (K, D), "spherical": (K,)}[covariance_type]


def _precision_init_cholesky(precisions, covariance_type):
    """Check that user-given precisions are symmetric positive definite; return (P, Σ)."""
    if covariance_type in ("diag", "spherical"):
        if (precisions <= 0).any():
            raise ValueError("precisions_init must be positive (they are inverse variances).")
        return np.sqrt(precisions), 1.0 / precisions
    stack = precisions[None] if covariance_type == "tied" else precisions
    chol, cov = np.empty_like(stack), np.empty_like(stack)
    for k, prec in enumerate(stack):
        where = "" if covariance_type == "tied" else f"[{k}]"
        if not np.allclose(prec, prec.T, rtol=1e-10, atol=1e-12):
            raise ValueError(f"precisions_init{where} must be symmetric; it is the inverse covariance matrix.")
        try:
            chol[k] = np.linalg.cholesky(prec)  # P Pᵀ = Σ⁻¹ with P lower-triangular here
        except np.linalg.LinAlgError:
            chol[k] = np.nan
        if not np.isfinite(chol[k]).all():  # (Pyodide's numpy returns NaN instead of raising)
            raise ValueError(f"precisions_init{where} must be positive definite.")
        inv_chol = _triangular_inverse(chol[k])
        cov[k] = inv_chol.T @ inv_chol  # Σ = P⁻ᵀ P⁻¹
    if covariance_type == "tied":
        return chol[0], cov[0]
    return chol, cov


class GaussianMixture(MixtureModel):
    """A Gaussian mixture p(x) = Σ_k π_k N(x | μ_k, Σ_k) fitted by EM, with scikit-learn's
    parameters, fitted attributes and methods.

    Every fit records ``history_``: the parameters, log-likelihood, ELBO and KL after every
    half-step (see :mod:`emlib.history`). From the same initial parameters the fit follows
    scikit-learn's ``GaussianMixture`` to rounding. Deliberate differences: the error messages
    (each names the parameter and what to do), and ``verbose`` prints the log-likelihood's value.

    Parameters
    ----------
    n_components : int, default=1
        K, the number of mixture components.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        The form of the covariances: one full matrix per component, one full matrix shared by all,
        one diagonal matrix per component, or one variance per component (σ²_k I).
    tol : float, default=1e-3
        Stop when the per-sample log-likelihood changes by less than this between two E-steps.
    reg_covar : float, default=1e-6
        ε added to the diagonal of every covariance, so that none becomes singular. It makes the
        M-step's Σ_k = S_k + εI, which is not the maximiser of the bound, so the log-likelihood may
        fall by a little (of the order of ε) in a step.
    max_iter : int, default=100
        The most EM iterations (an E-step and an M-step each) per start; 0 returns the
        initialisation.
    n_init : int, default=1
        How many starts; the run with the largest final lower bound is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default="kmeans"
        How the initial responsibilities are chosen (scikit-learn's four recipes); the first
        M-step on them gives θ₀.
    weights_init : array-like of shape (n_components,), optional
        Initial weights π_k (non-negative, summing to one), replacing the recipe's.
    means_init : array-like of shape (n_components, n_features), optional
        Initial means μ_k, replacing the recipe's.
    precisions_init : array-like, optional
        Initial precisions Σ_k⁻¹ in the shape of ``covariance_type``: (n_components, n_features,
        n_features) for "full", (n_features, n_features) for "tied", (n_components, n_features)
        for "diag", (n_components,) for "spherical". With all three ``*_init`` given, no
        initialisation recipe runs.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState, default=None
        The seed of the initialisation and of :meth:`sample`.
    warm_start : bool, default=False
        If True, a refit starts from the fitted parameters (one start, ``n_init`` ignored), as in
        scikit-learn.
    verbose : int, default=0
        If positive, print the log-likelihood after every iteration.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        In the shape of ``covariance_type`` (see ``precisions_init``).
    precisions_cholesky_ : ndarray
        P_k with P_k P_kᵀ = Σ_k⁻¹, in the same shape; ``precisions_`` is Σ_k⁻¹ itself.
    converged_ : bool
    n_iter_ : int
        The M-steps of the kept run.
    lower_bound_ : float
        The per-sample log-likelihood at the last E-step of the kept run (−inf for max_iter=0).
    lower_bounds_ : ndarray of shape (n_iter_,)
        The same at every E-step of the kept run.
    history_ : History
        Every half-step of the kept run.
    final_log_likelihoods_ : ndarray of shape (n_init,)
        The lower bound (total, not per sample) each start reached.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X was a data frame with string column names.

    Examples
    --------
    >>> from emlib import GaussianMixture, datasets
    >>> X, _ = datasets.load_faithful()
    >>> GaussianMixture(2, random_state=0).fit(X).means_.shape
    (2, 2)
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _check_parameters(self):
        super()._check_parameters()
        check_choice(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        check_choice(self.init_params, "init_params", INIT_PARAMS)
        check_nonnegative(self.reg_covar, "reg_covar")

    def _initial_resp(self, X, rng):
        """Responsibilities to start from, by scikit-learn's four recipes; shape (N, K)."""
        N, K = X.shape[0], self.n_components
        resp = np.zeros((K, N))
        if self.init_params == "kmeans":
            from .kmeans import KMeans

            labels = KMeans(K, n_init=1, random_state=rng).fit(X).labels_
            resp[labels, np.arange(N)] = 1
        elif self.init_params == "k-means++":
            from .kmeans import kmeans_plusplus

            _, indices = kmeans_plusplus(X, K, rng)
            resp[np.arange(K), indices] = 1
        elif self.init_params == "random":
            resp = rng.uniform(size=(K, N))
            resp /= resp.sum(axis=0)
        else:  # random_from_data
            resp[np.arange(K), rng.choice(N, size=K, replace=False)] = 1
        return resp.T

    def _init_params(self, X, rng):
        K, D = self.n_components, X.shape[1]
        given = (self.weights_init, self.means_init, self.precisions_init)
        if any(value is None for value in given):  # a recipe for what is not given
            weights, means, covariances, chol, _ = m_step(X, self._initial_resp(X, rng), self.covariance_type,
                                                           self.reg_covar)
        if self.weights_init is not None:
            weights = check_weights(self.weights_init, K)
        if self.means_init is not None:
            means = check_shape(self.means_init, (K, D), "means_init")
        if self.precisions_init is not None:
            shape = _covariance_shape(self.covariance_type, K, D)
            precisions = check_shape(self.precisions_init, shape, "precisions_init")
            chol, covariances = _precision_init_cholesky(precisions, self.covariance_type)
        return GaussianParams(weights, means, covariances, chol, self.covariance_type)

    _log_joint = staticmethod(log_joint)
    _responsibilities = staticmethod(responsibilities)

    def _engine(self, X):
        from ._fast.gmm import GaussianEngine

        return GaussianEngine(X, self.n_components, self.covariance_type, self.reg_covar)

    def _set_parameters(self, params):
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = (
            self._cast(value) for value in params[:4])

    @property
    def precisions_(self):
        """The precisions Σ_k⁻¹ = P_k P_kᵀ (scikit-learn's ``precisions_``), in the shape of ``covariances_``."""
        P = self.precisions_cholesky_
        if self.covariance_type == "full":
            return P @ np.transpose(P, (0, 2, 1))
        if self.covariance_type == "tied":
            return P @ P.T
        return P**2

    def _n_parameters(self):
        return n_parameters(*self.means_.shape, self.covariance_type)

    def _sample_components(self, labels, rng):
        means = self.means_
        covariances = full_covariances(self.covariances_, self.covariance_type, *means.shape)
        X = np.empty((len(labels), means.shape[1]))
        for k in range(len(means)):
            idx = np.flatnonzero(labels == k)
            factor = np.linalg.cholesky(covariances[k])  # x = μ_k + L z with L Lᵀ = Σ_k
            X[idx] = means[k] + rng.standard_normal((len(idx), means.shape[1])) @ factor.T
        return X
