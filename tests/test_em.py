"""The fit's normalisation shared by the mixtures (Bayes' rule by log-sum-exp, negligible terms
dropped) against scipy, and the ELBO against its definition."""

import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp

from emlib import em
from emlib._fast.mixture import normalise_rows


def wide_log_joint(rng, N=500, K=6, spread=200.0):
    # log p(x_n, k) spread over hundreds of nats, as with well-separated components (most terms are
    # negligible), or over a few (overlapping components), with some terms within a few nats of
    # their sample's largest and some log 0 = −inf
    a = rng.normal(scale=spread, size=(N, K))
    a[rng.random((N, K)) < 0.3] -= rng.uniform(0, 5, size=1)  # near-ties
    a[rng.random((N, K)) < 0.05] = -np.inf
    a[np.isneginf(a).all(axis=1), 0] = 0.0  # every sample possible under some component
    return a


def normalise(a):
    """The engine's Bayes' rule on the (K, N) rows of an (N, K) array, returned as (N, K)."""
    resp, log_norm = normalise_rows(np.ascontiguousarray(a.T))
    return resp.T, log_norm


@pytest.mark.parametrize("spread", [200.0, 20.0, 2.0])
def test_normalise_is_bayes_rule_and_drops_only_negligible_terms(spread):
    a = wide_log_joint(np.random.default_rng(0), spread=spread)
    resp, log_norm = normalise(a)
    exact_norm = scipy_logsumexp(a, axis=1)
    exact = np.exp(a - exact_norm[:, None])
    assert np.allclose(log_norm, exact_norm, rtol=1e-14, atol=1e-14)
    # a term is dropped (r = 0) only when it is below e^−50 of its sample's largest term
    shift = a - a.max(axis=1, keepdims=True)
    assert np.all(resp[shift <= -50] == 0) and np.all(resp[shift > -50] > 0)
    assert np.allclose(resp, exact, rtol=1e-13, atol=1e-20)
    assert np.allclose(resp.sum(axis=1), 1, rtol=0, atol=1e-15)


def test_normalise_keeps_a_nan_and_an_impossible_sample_visible():
    a = wide_log_joint(np.random.default_rng(1), N=4, K=3)
    a[1, 2] = np.nan  # e.g. parameters that went wrong: NaN must not turn into a quiet r = 0
    a[3] = -np.inf  # a sample impossible under every component: log p = −inf, not NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        resp, log_norm = normalise(a)
    assert np.isnan(log_norm[1]) and np.isnan(resp[1]).all()
    assert log_norm[3] == -np.inf
    assert np.isfinite(log_norm[[0, 2]]).all() and np.isfinite(resp[[0, 2]]).all()


def test_elbo_is_its_definition_and_zero_responsibilities_count_as_nothing():
    rng = np.random.default_rng(2)
    log_joint = rng.normal(size=(30, 4))
    log_joint[0, 1] = -np.inf  # an impossible component for sample 0, which q gives no weight
    q = rng.dirichlet(np.ones(4), size=30)
    q[0] = [0.5, 0.0, 0.25, 0.25]
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    expected = sum(q[n, k] * (log_joint[n, k] - log_q[n, k]) for n in range(30) for k in range(4) if q[n, k] > 0)
    assert em.elbo(log_joint, q, log_q) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_equals_scipy(axis, keepdims):
    # emlib's own log-sum-exp (its core needs no scipy, so that a browser page loads less)
    a = wide_log_joint(np.random.default_rng(3))
    a[7] = -np.inf  # a sample impossible under every component: log 0 = −inf, not NaN
    a[8, 2] = 800.0  # e^800 overflows unless the largest term is factored out
    ours, theirs = em.logsumexp(a, axis=axis, keepdims=keepdims), scipy_logsumexp(a, axis=axis, keepdims=keepdims)
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)
    if axis == 1:
        assert np.isneginf(ours[7]).all()
