"""The E-step's normalisation shared by the mixtures: Bayes' rule by log-sum-exp, against scipy."""

import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp

from emlib import em


def wide_log_joint(rng, N=500, K=6, spread=200.0):
    # log p(x_n, k) spread over hundreds of nats, as with well-separated components (most terms are
    # negligible), or over a few (overlapping components), with some terms within a few nats of
    # their sample's largest and some log 0 = −inf
    a = rng.normal(scale=spread, size=(N, K))
    a[rng.random((N, K)) < 0.3] -= rng.uniform(0, 5, size=1)  # near-ties
    a[rng.random((N, K)) < 0.05] = -np.inf
    a[np.isneginf(a).all(axis=1), 0] = 0.0  # every sample possible under some component
    return np.ascontiguousarray(a.T).T  # emlib's layout: an (N, K) view of a (K, N) buffer


@pytest.mark.parametrize("spread", [200.0, 20.0, 2.0])
def test_normalise_is_bayes_rule_and_drops_only_negligible_terms(spread):
    a = wide_log_joint(np.random.default_rng(0), spread=spread)
    resp, log_norm = em.normalise(a)
    exact_norm = scipy_logsumexp(a, axis=1)
    exact = np.exp(a - exact_norm[:, None])
    assert np.allclose(log_norm, exact_norm, rtol=1e-14, atol=1e-14)
    # a term is dropped (r = 0) only when it is below e^−50 of its sample's largest term
    shift = a - a.max(axis=1, keepdims=True)
    assert np.all(resp[shift <= -50] == 0) and np.all(resp[shift > -50] > 0)
    assert np.allclose(resp, exact, rtol=1e-13, atol=1e-20)
    assert np.allclose(resp.sum(axis=1), 1, rtol=0, atol=1e-15)
    assert np.allclose(em.logsumexp(a), exact_norm, rtol=1e-14, atol=1e-14)


def test_normalise_keeps_a_nan_and_an_impossible_sample_visible():
    a = wide_log_joint(np.random.default_rng(1), N=4, K=3)
    a[1, 2] = np.nan  # e.g. parameters that went wrong: NaN must not turn into a quiet r = 0
    a[3] = -np.inf  # a sample impossible under every component: log p = −inf, not NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        resp, log_norm = em.normalise(a)
        total = em.logsumexp(a)
    assert np.isnan(log_norm[1]) and np.isnan(resp[1]).all() and np.isnan(total[1])
    assert log_norm[3] == -np.inf and total[3] == -np.inf
    assert np.isfinite(log_norm[[0, 2]]).all() and np.isfinite(resp[[0, 2]]).all()
