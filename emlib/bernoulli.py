"""Mixtures of Bernoulli distributions for binary data: pure E- and M-steps, and the model.

Each component k is a vector of D independent coins with probabilities μ_kd:

    log p(x | k) = Σ_d x_d log μ_kd + (1 − x_d) log(1 − μ_kd)
                 = Σ_d x_d (log μ_kd − log(1 − μ_kd)) + Σ_d log(1 − μ_kd)

The second form needs a single (N × D) @ (D × K) matrix product for all samples and components.
The equations are those of the chapter "Bernoulli mixtures":

    E-step  r_nk ∝ π_k p(x_n | k)                                                  Eq. (6.2)
    M-step  π_k = N_k / N,   μ_kd = Σ_n r_nk x_nd / N_k        (maximum likelihood)  Eq. (6.3)
            μ_kd = (Σ_n r_nk x_nd + a − 1) / (N_k + a + b − 2)  (MAP with a Beta(a, b) prior)  Eq. (6.4)

A fit runs the same steps block by block on every core (``emlib._fast.bernoulli``).

Constant features: if a feature is 0 in every sample, maximum likelihood puts μ_kd = 0 and the log
of 0 would appear. emlib keeps every μ_kd in [EPS, 1 − EPS] (EPS = 1e-10), so the log-likelihood
stays finite. Because each coordinate's objective is concave in μ_kd, clipping the unconstrained
maximiser is the exact maximiser over that interval, and EM's guarantee (the bound never falls) is
kept. A Beta prior with a, b > 1 smooths the estimates much more strongly, towards (a − 1)/(a + b − 2).
"""

from typing import NamedTuple

import numpy as np

from ._validation import (
    check_array,
    check_binary,
    check_choice,
    check_shape,
    check_weights,
)
from .em import MixtureModel, logsumexp

EPS = 1e-10
INIT_PARAMS = ("random", "random_from_data")


class BernoulliParams(NamedTuple):
    """θ of a Bernoulli mixture: weights π (K,) and pixel probabilities μ (K, D)."""

    weights: np.ndarray
    means: np.ndarray


def _check_beta_prior(beta_prior):
    if beta_prior is None:
        return None
    try:
        a, b = (float(v) for v in beta_prior)
    except (TypeError, ValueError):
        raise ValueError(f"beta_prior must be None or a pair (a, b), got {beta_prior!r}.") from None
    if not (a >= 1 and b >= 1):
        raise ValueError(f"beta_prior (a, b) must have a >= 1 and b >= 1 so the MAP estimate exists, got {beta_prior!r}.")
    return a, b


def log_joint(X, params):
    """log p(x_n, z_n = k | θ) = log π_k + log p(x_n | μ_k), with Eq. (6.1)'s log-density.

    log p(x | μ_k) = Σ_d x_d log μ_kd + (1 − x_d) log(1 − μ_kd), written as one matrix product:
    Σ_d x_d (log μ_kd − log(1 − μ_kd)) + Σ_d log(1 − μ_kd).

    Parameters
    ----------
    X : array-like of shape (N, D)
        Binary samples.
    params : BernoulliParams

    Returns
    -------
    log_joint : ndarray of shape (N, K)
    """
    X = np.asarray(X, dtype=float)
    log_mu, log_one_minus = np.log(params.means), np.log1p(-params.means)
    with np.errstate(divide="ignore"):
        log_pi = np.log(params.weights)
    return X @ (log_mu - log_one_minus).T + log_one_minus.sum(axis=1) + log_pi


def e_step(X, params):
    """The E-step, Eq. (6.2): log r_nk = log p(x_n, z_n = k | θ) − log p(x_n | θ), by log-sum-exp.

    Parameters
    ----------
    X : array-like of shape (N, D)
        Binary samples.
    params : BernoulliParams

    Returns
    -------
    log_resp : ndarray of shape (N, K)
        log r_nk.
    log_prob_norm : ndarray of shape (N,)
        log p(x_n | θ).
    """
    X = check_binary(check_array(X))
    joint = log_joint(X, params)
    log_norm = logsumexp(joint, axis=1)
    return joint - log_norm[:, None], log_norm


def responsibilities(X, params):
    """r_nk = p(z_n = k | x_n, θ), shape (N, K): the exponential of :func:`e_step`'s log r_nk.

    Parameters
    ----------
    X : array-like of shape (N, D)
        Binary samples.
    params : BernoulliParams

    Returns
    -------
    resp : ndarray of shape (N, K)
    """
    return np.exp(e_step(X, params)[0])


def log_likelihood(X, params):
    """log p(X | θ) = Σ_n log Σ_k π_k p(x_n | μ_k), the total over samples.

    Parameters
    ----------
    X : array-like of shape (N, D)
        Binary samples.
    params : BernoulliParams

    Returns
    -------
    log_likelihood : float
    """
    return float(e_step(X, params)[1].sum())


class Statistics(NamedTuple):
    """The expected sufficient statistics of a Bernoulli mixture: N_k = Σ_n r_nk, shape (K,), and
    Σ_n r_nk x_nd, shape (K, D), the expected number of ones of feature d in component k."""

    n: np.ndarray
    sum_x: np.ndarray


def statistics(X, resp):
    """The statistics N_k and Σ_n r_nk x_n of binary data X under responsibilities r.

    Parameters
    ----------
    X : array-like of shape (N, D)
        Binary samples x_n.
    resp : array-like of shape (N, K)
        The responsibilities r_nk.

    Returns
    -------
    stats : Statistics
        ``n`` (K,) and ``sum_x`` (K, D).
    """
    X = check_array(X)
    resp = np.asarray(resp, dtype=float)
    if resp.ndim != 2 or resp.shape[0] != X.shape[0]:
        raise ValueError(f"resp must have shape (n_samples, n_components) = ({X.shape[0]}, K), got {resp.shape}.")
    return Statistics(resp.sum(axis=0), resp.T @ X)


def combine(a, b):
    """The statistics of two blocks of samples together: both are sums over n, so they add.

    Parameters
    ----------
    a, b : Statistics
        The statistics of two disjoint blocks of samples, under the same components.

    Returns
    -------
    stats : Statistics
    """
    return Statistics(a.n + b.n, a.sum_x + b.sum_x)


def params_from_statistics(stats, beta_prior=None):
    """The M-step's θ from the statistics: Eq. (6.3), or Eq. (6.4) with a Beta(a, b) prior.

    π_k = N_k / N and μ_kd = Σ_n r_nk x_nd / N_k (maximum likelihood), or
    μ_kd = (Σ_n r_nk x_nd + a − 1) / (N_k + a + b − 2) (MAP); every μ_kd is then kept within
    [EPS, 1 − EPS] (see the module's notes).

    Parameters
    ----------
    stats : Statistics
        N_k and Σ_n r_nk x_n, from :func:`statistics` (or :func:`combine`).
    beta_prior : (float, float), optional
        (a, b) with a, b ≥ 1.

    Returns
    -------
    params : BernoulliParams
    """
    prior = _check_beta_prior(beta_prior)
    nk = stats.n + 10 * np.finfo(float).eps  # kept > 0, as scikit-learn's mixtures do
    if prior is None:
        means = stats.sum_x / nk[:, None]
    else:
        a, b = prior
        means = (stats.sum_x + a - 1) / (nk[:, None] + a + b - 2)
    return BernoulliParams(nk / nk.sum(), np.clip(means, EPS, 1 - EPS))


def m_step(X, resp, beta_prior=None):
    """The M-step for responsibilities r: Eq. (6.3), or the MAP update Eq. (6.4) with ``beta_prior``.

    Parameters
    ----------
    X : array-like of shape (N, D)
        Binary samples.
    resp : array-like of shape (N, K)
        The responsibilities r_nk of the E-step.
    beta_prior : (float, float), optional
        (a, b) with a, b ≥ 1: the MAP estimate under a Beta(a, b) prior on every μ_kd.

    Returns
    -------
    params : BernoulliParams
    """
    return params_from_statistics(statistics(X, resp), beta_prior)


def log_prior(params, beta_prior):
    """log p(θ) = Σ_kd (a − 1) log μ_kd + (b − 1) log(1 − μ_kd), up to a constant: the Beta prior's term.

    Parameters
    ----------
    params : BernoulliParams
    beta_prior : (float, float) or None
        (a, b); None (maximum likelihood) gives 0.

    Returns
    -------
    log_prior : float
    """
    if beta_prior is None:
        return 0.0
    a, b = beta_prior
    return float((a - 1) * np.log(params.means).sum() + (b - 1) * np.log1p(-params.means).sum())


class BernoulliMixture(MixtureModel):
    """A mixture of multivariate Bernoulli distributions fitted by EM (binary data only).

    p(x) = Σ_k π_k Π_d μ_kd^x_d (1 − μ_kd)^(1 − x_d). The estimator follows scikit-learn's
    conventions (``fit``, ``predict``, ``predict_proba``, ``score_samples``, ``get_params``, ...)
    and its fits record ``history_`` half-step by half-step, as :class:`GaussianMixture` does.

    With ``beta_prior=(a, b)`` the M-step is the MAP estimate under a Beta(a, b) prior on every
    μ_kd; the history then records log p(X | θ) + log p(θ) as ``log_likelihood`` and ``elbo``
    (the objective that MAP-EM never lets fall), and ``kl`` is unchanged.

    Parameters
    ----------
    n_components : int, default=1
        K, the number of mixture components.
    tol : float, default=1e-3
        Stop when the per-sample log-likelihood changes by less than this between two E-steps.
    max_iter : int, default=100
        The most EM iterations per start; 0 returns the initialisation.
    n_init : int, default=1
        How many starts; the run with the largest final lower bound is kept.
    init_params : {"random", "random_from_data"}, default="random"
        Initial probabilities μ_kd drawn uniformly from [0.25, 0.75], or K samples pulled halfway
        towards 1/2 (so that no μ_kd starts at 0 or 1).
    weights_init : array-like of shape (n_components,), optional
        Initial weights π_k (non-negative, summing to one); equal weights otherwise.
    means_init : array-like of shape (n_components, n_features), optional
        Initial probabilities μ_kd in [0, 1].
    beta_prior : (float, float), optional
        (a, b) with a, b ≥ 1: MAP-EM under a Beta(a, b) prior on every μ_kd.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState, default=None
        The seed of the initialisation and of :meth:`sample`.
    warm_start : bool, default=False
        If True, a refit starts from the fitted parameters (one start, ``n_init`` ignored).
    verbose : int, default=0
        If positive, print the log-likelihood after every iteration.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
        The probabilities μ_kd, kept within [1e-10, 1 − 1e-10].
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        The per-sample log-likelihood (plus log-prior) at the last E-step of the kept run.
    lower_bounds_ : ndarray of shape (n_iter_,)
    history_ : History
    final_log_likelihoods_ : ndarray of shape (n_init,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X was a data frame with string column names.
    """

    def __init__(
        self,
        n_components=1,
        *,
        tol=1e-3,
        max_iter=100,
        n_init=1,
        init_params="random",
        weights_init=None,
        means_init=None,
        beta_prior=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.n_components = n_components
        self.tol = tol
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.beta_prior = beta_prior
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _check_parameters(self):
        super()._check_parameters()
        check_choice(self.init_params, "init_params", INIT_PARAMS)
        _check_beta_prior(self.beta_prior)

    def _check_X(self, X, *, fitting=False):
        return check_binary(super()._check_X(X, fitting=fitting))

    def _init_params(self, X, rng):
        K, D = self.n_components, X.shape[1]
        if self.init_params == "random":
            means = rng.uniform(0.25, 0.75, size=(K, D))
        else:  # random_from_data: K samples pulled halfway towards 1/2, so no μ starts at 0 or 1
            means = 0.25 + 0.5 * X[rng.choice(len(X), size=K, replace=False)]
        weights = np.full(K, 1.0 / K)
        if self.weights_init is not None:
            weights = check_weights(self.weights_init, K)
        if self.means_init is not None:
            means = check_shape(self.means_init, (K, D), "means_init")
            if (means < 0).any() or (means > 1).any():
                raise ValueError("means_init must hold probabilities in [0, 1].")
        return BernoulliParams(weights, np.clip(means, EPS, 1 - EPS))

    _log_joint = staticmethod(log_joint)
    _responsibilities = staticmethod(responsibilities)

    def _engine(self, X):
        from ._fast.bernoulli import BernoulliEngine

        return BernoulliEngine(X, _check_beta_prior(self.beta_prior))

    def _set_parameters(self, params):
        self.weights_, self.means_ = (self._cast(value) for value in params)

    def _n_parameters(self):
        K, D = self.means_.shape
        return K * D + K - 1

    def _sample_components(self, labels, rng):
        return (rng.uniform(size=(len(labels), self.means_.shape[1])) < self.means_[labels]).astype(float)
