"""BernoulliMixture: densities, the M-step with and without a Beta prior, constant features."""

import numpy as np
import pytest
from scipy.stats import bernoulli as scipy_bernoulli

import emlib
from emlib import bernoulli, datasets


def test_log_joint_equals_scipy():
    rng = np.random.default_rng(0)
    X = (rng.uniform(size=(30, 12)) < 0.4).astype(float)
    params = bernoulli.BernoulliParams(np.array([0.2, 0.5, 0.3]), rng.uniform(0.05, 0.95, size=(3, 12)))
    expected = np.column_stack([
        np.log(w) + scipy_bernoulli(mu).logpmf(X).sum(axis=1) for w, mu in zip(*params)
    ])
    assert np.allclose(bernoulli.log_joint(X, params), expected, rtol=1e-12)


def test_m_step_closed_form_and_map():
    rng = np.random.default_rng(1)
    X = (rng.uniform(size=(40, 5)) < 0.5).astype(float)
    resp = rng.dirichlet(np.ones(2), size=40)
    ml = bernoulli.m_step(X, resp)
    assert np.allclose(ml.means, (resp.T @ X) / resp.sum(axis=0)[:, None])
    assert np.allclose(ml.weights, resp.mean(axis=0))
    a, b = 3.0, 2.0
    mapped = bernoulli.m_step(X, resp, beta_prior=(a, b))
    assert np.allclose(mapped.means, (resp.T @ X + a - 1) / (resp.sum(axis=0)[:, None] + a + b - 2))


def test_constant_feature_keeps_the_log_likelihood_finite():
    X, _ = datasets.coin_flips(100, 8, random_state=0)
    X[:, 3] = 0  # a pixel that is never on
    model = emlib.BernoulliMixture(3, random_state=0).fit(X)
    assert np.isfinite(model.history_.series("log_likelihood")).all()
    X_new = X[:5].copy()
    X_new[:, 3] = 1  # a new sample turns it on: very unlikely, but not -inf
    assert np.isfinite(model.score_samples(X_new)).all()


def test_beta_prior_smooths_towards_its_mode():
    X, _ = datasets.coin_flips(60, 10, random_state=1)
    X[:, 0] = 0
    ml = emlib.BernoulliMixture(2, random_state=0).fit(X)
    mapped = emlib.BernoulliMixture(2, random_state=0, beta_prior=(2, 2)).fit(X)
    assert ml.means_[:, 0].max() < 1e-8
    assert mapped.means_[:, 0].min() > 1e-3


def test_recovers_coin_biases():
    X, _ = datasets.coin_flips(3000, 30, biases=(0.1, 0.5, 0.9), random_state=2)
    model = emlib.BernoulliMixture(3, random_state=0, max_iter=200).fit(X)
    assert np.allclose(np.sort(model.means_.mean(axis=1)), [0.1, 0.5, 0.9], atol=0.02)


def test_sample_draws_binary_data_from_the_model():
    X, _ = datasets.coin_flips(500, 20, biases=(0.2, 0.8), random_state=3)
    model = emlib.BernoulliMixture(2, random_state=0).fit(X)
    Xs, labels = model.sample(20000)
    assert set(np.unique(Xs)) <= {0.0, 1.0}
    for k in range(2):
        assert np.allclose(Xs[labels == k].mean(axis=0), model.means_[k], atol=0.05)


def test_aic_bic_count_parameters():
    X, _ = datasets.coin_flips(100, 10, random_state=4)
    model = emlib.BernoulliMixture(3, random_state=0).fit(X)
    ll = model.score(X) * len(X)
    p = 3 * 10 + 2
    assert model.aic(X) == pytest.approx(-2 * ll + 2 * p)
    assert model.bic(X) == pytest.approx(-2 * ll + p * np.log(len(X)))


@pytest.mark.parametrize("beta_prior", [None, (2.0, 3.0)])
def test_statistics_combine_and_give_the_m_step(beta_prior):
    rng = np.random.default_rng(3)
    X = (rng.uniform(size=(200, 6)) < 0.3).astype(float)
    resp = rng.dirichlet(np.ones(3), size=200)
    stats = bernoulli.statistics(X, resp)
    assert np.allclose(stats.n, resp.sum(axis=0)) and np.allclose(stats.sum_x, np.einsum("nk,nd->kd", resp, X))
    merged = bernoulli.combine(bernoulli.statistics(X[:70], resp[:70]), bernoulli.statistics(X[70:], resp[70:]))
    assert np.allclose(merged.n, stats.n, rtol=1e-13) and np.allclose(merged.sum_x, stats.sum_x, rtol=1e-13)
    direct = bernoulli.m_step(X, resp, beta_prior)
    from_parts = bernoulli.params_from_statistics(merged, beta_prior)
    assert np.allclose(direct.weights, from_parts.weights) and np.allclose(direct.means, from_parts.means)
