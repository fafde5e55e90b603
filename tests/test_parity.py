"""The engine a fit runs (emlib._fast) against the textbook steps of emlib.gmm, emlib.bernoulli and
emlib.kmeans: the same numbers to 1e-10, on random problems, also far from the origin."""

import warnings

import numpy as np
import pytest

import emlib
from emlib import bernoulli, em, gmm, kmeans
from emlib._fast.bernoulli import BernoulliEngine
from emlib._fast.gmm import GaussianEngine
from emlib._fast.kmeans import KMeansEngine

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
PROBLEMS = [(0, 2, 2, 0.0), (1, 3, 5, 1e6), (2, 7, 4, 1e7), (3, 13, 3, 0.0), (4, 5, 6, 1e7)]  # seed, D, K, offset


def close(a, b, tol=1e-10):
    """|a − b| ≤ tol relative to the larger of 1 and the size of b."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.max(np.abs(a - b)) <= tol * max(1.0, np.max(np.abs(b)))


def means_close(a, b, offset, spread):
    """Means far from the origin are known to the spacing of the doubles there: allow a few of those."""
    return np.max(np.abs(a - b)) <= 1e-10 * spread + 16 * np.spacing(offset)


def gaussian_problem(seed, D, K, offset, covariance_type, N=2500):
    """Data in K groups (spread 0.5 to 2 per feature) at ``offset``, and θ from random responsibilities."""
    rng = np.random.default_rng(seed)
    X = offset + 3 * rng.integers(0, K, size=(N, 1)) + rng.normal(size=(N, D)) * rng.uniform(0.5, 2, size=D)
    params = gmm.m_step(X, rng.dirichlet(np.ones(K), size=N), covariance_type)
    return rng, X, params


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed, D, K, offset", PROBLEMS)
def test_gaussian_engine_equals_the_textbook_steps(covariance_type, seed, D, K, offset):
    rng, X, params = gaussian_problem(seed, D, K, offset, covariance_type)
    engine = GaussianEngine(X, K, covariance_type, reg_covar=1e-6)
    # E-step: responsibilities, log p(x_n | θ), and the E entry's log-likelihood and ELBO
    q, scores = engine.e_step(params)
    log_resp, log_norm = gmm.e_step(X, params)
    assert close(q.resp, np.exp(log_resp)) and close(q.log_norm, log_norm)
    assert close(scores["log_likelihood"], gmm.log_likelihood(X, params))
    entry = engine.scores(q)
    assert close(entry["elbo"], em.elbo(gmm.log_joint(X, params), np.exp(log_resp), log_resp))
    assert entry["kl"] == 0
    # M-step, from the statistics the E-step added up
    fast, textbook = engine.m_step(q), gmm.m_step(X, q.resp, covariance_type, reg_covar=1e-6)
    assert close(fast.weights, textbook.weights)
    assert means_close(fast.means, textbook.means, offset, spread=2.0)
    assert close(fast.covariances, textbook.covariances)
    assert close(fast.precisions_cholesky, textbook.precisions_cholesky)
    # the M entry: the old q scored at the new θ, L(q, θ) and KL(q ‖ p(Z | X, θ)) from their definitions
    _, scores = engine.e_step(fast, before=q)
    log_post, _ = gmm.e_step(X, fast)
    log_q = np.log(np.where(q.resp > 0, q.resp, 1.0))
    assert close(scores["elbo"], em.elbo(gmm.log_joint(X, fast), q.resp, log_q))
    kl = float(np.sum(q.resp * (log_q - log_post)))
    assert abs(scores["kl"] - kl) <= 1e-10 * max(1.0, abs(scores["log_likelihood"]))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed, D, K, offset", PROBLEMS[1:3])
def test_a_fit_follows_the_textbook_loop(covariance_type, seed, D, K, offset):
    rng, X, params = gaussian_problem(seed, D, K, offset, covariance_type, N=1500)
    precisions = {"full": lambda c: np.linalg.inv(c), "tied": lambda c: np.linalg.inv(c)}.get(
        covariance_type, lambda c: 1 / c)(params.covariances)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tol = 0 never converges
        model = emlib.GaussianMixture(K, covariance_type=covariance_type, tol=0, max_iter=8, weights_init=params.weights,
                                      means_init=params.means, precisions_init=precisions).fit(X)
    theta = model.history_[0].params
    for t in range(8):  # E-step, M-step, with the public functions only
        log_resp, log_norm = gmm.e_step(X, theta)
        assert close(model.history_[2 * t + 1].log_likelihood, log_norm.sum())
        theta = gmm.m_step(X, np.exp(log_resp), covariance_type)
    assert close(model.covariances_, theta.covariances, 1e-9)
    assert means_close(model.means_, theta.means, offset, spread=2.0)
    assert close(model.history_[-1].log_likelihood, gmm.log_likelihood(X, theta))


@pytest.mark.parametrize("beta_prior", [None, (2.0, 2.0)])
@pytest.mark.parametrize("seed, D, K", [(0, 5, 2), (1, 40, 6), (2, 200, 3)])
def test_bernoulli_engine_equals_the_textbook_steps(beta_prior, seed, D, K):
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(0.05, 0.95, size=(K, D))
    X = (rng.random((3000, D)) < prototypes[rng.integers(K, size=3000)]).astype(float)
    params = bernoulli.BernoulliParams(rng.dirichlet(np.ones(K)), rng.uniform(0.2, 0.8, size=(K, D)))
    engine = BernoulliEngine(X, beta_prior)
    q, scores = engine.e_step(params)
    log_resp, log_norm = bernoulli.e_step(X, params)
    prior = bernoulli.log_prior(params, beta_prior)
    assert close(q.resp, np.exp(log_resp)) and close(q.log_norm, log_norm)
    assert close(scores["log_likelihood"], bernoulli.log_likelihood(X, params) + prior)
    assert close(engine.scores(q)["elbo"], em.elbo(bernoulli.log_joint(X, params), np.exp(log_resp), log_resp) + prior)
    fast, textbook = engine.m_step(q), bernoulli.m_step(X, q.resp, beta_prior)
    assert close(fast.weights, textbook.weights) and close(fast.means, textbook.means)


@pytest.mark.parametrize("seed, D, K, offset", PROBLEMS)
def test_kmeans_engine_equals_the_textbook_steps(seed, D, K, offset):
    rng = np.random.default_rng(seed)
    X = offset + 3 * rng.integers(0, K, size=(3000, 1)) + rng.normal(size=(3000, D))
    centers = X[rng.choice(len(X), K, replace=False)]
    engine, q = KMeansEngine(X), None
    for _ in range(6):  # E, M, E, M, …: the engine's Hamerly E-step starts from the assignment before
        q, scores = engine.e_step(kmeans.KMeansParams(centers), q)
        labels = kmeans.e_step(X, centers)
        assert np.array_equal(q.labels, labels)
        J = kmeans.distortion(X, centers, labels)
        assert close(engine.scores(q)["distortion"], J, 1e-9)
        new = engine.m_step(q).centers
        if np.all(q.counts > 0):  # (an emptied cluster: the fit moves it, the module's step keeps it)
            assert means_close(new, kmeans.m_step(X, labels, centers), offset, spread=1.0)
        centers = new
