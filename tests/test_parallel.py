"""Blocks and threads: large inputs are split into blocks that run on several threads, and neither the
blocks nor the threads may change a result."""

import time
import warnings

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture as SKGaussianMixture
from threadpoolctl import threadpool_limits

import emlib
from emlib import gmm
from emlib._fast import bernoulli as fast_bernoulli
from emlib._fast import gmm as fast_gmm
from emlib._fast import parallel

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def test_split_covers_every_sample_once_in_order():
    for n_samples, per_sample in [(1, 5), (2047, 3), (20_000, 43), (100_000, 320), (7, 1 << 20)]:
        pieces = parallel.split(n_samples, per_sample)
        covered = np.concatenate([np.arange(n_samples)[piece] for piece in pieces])
        assert np.array_equal(covered, np.arange(n_samples))
        # large inputs give several blocks; none is cut below the minimum unless the input is smaller
        if n_samples >= parallel.SHARES * parallel.MIN_SAMPLES and per_sample < parallel.SIZE // parallel.MIN_SAMPLES:
            assert len(pieces) >= parallel.SHARES
        assert all(piece.stop - piece.start >= 1 for piece in pieces)


def test_run_keeps_the_order_and_raises_what_a_step_raises():
    pieces = list(range(40))
    with threadpool_limits(2):
        assert parallel.run(lambda i: i * i, pieces) == [i * i for i in pieces]

        def fails(i):
            if i == 17:
                raise ValueError("block 17")
            return i

        with pytest.raises(ValueError, match="block 17"):
            parallel.run(fails, pieces)

        # after the error no step is still running or starts later, and BLAS has its threads back
        finished = []

        def slow(i):
            time.sleep(0.002)
            if i == 3:
                raise ValueError("block 3")
            finished.append(i)

        with pytest.raises(ValueError, match="block 3"):
            parallel.run(slow, pieces)
        count = len(finished)
        time.sleep(0.1)
        assert len(finished) == count < len(pieces) - 1
        assert all(lib.num_threads == 2 for lib in parallel._controller().lib_controllers)


def test_threads_follow_the_blas_limit():
    with threadpool_limits(1):
        assert parallel.n_threads() == 1
    with threadpool_limits(2):
        assert parallel.n_threads() == 2
        with parallel.threads():  # during a fit: BLAS on one thread, the blocks on two
            assert parallel.n_threads() == 2
            assert all(lib.num_threads == 1 for lib in parallel._controller().lib_controllers)


def _many_blobs(n_samples, n_features, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.normal(scale=4.0, size=(4, n_features))
    z = rng.integers(4, size=n_samples)
    return means[z] + rng.normal(size=(n_samples, n_features)) * rng.uniform(0.5, 1.5, size=n_features)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_parity_with_scikit_learn_over_many_blocks(covariance_type):
    X = _many_blobs(12_000, 9)
    assert len(fast_gmm.prepare(X, 4, covariance_type).blocks) >= 4  # the point of this test
    precisions = {"full": np.tile(np.eye(9), (4, 1, 1)), "tied": np.eye(9), "diag": np.ones((4, 9)),
                  "spherical": np.ones(4)}[covariance_type]
    start = dict(n_components=4, covariance_type=covariance_type, weights_init=np.full(4, 0.25), means_init=X[:4],
                 precisions_init=precisions, tol=0.0, max_iter=15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = emlib.GaussianMixture(**start).fit(X)
        theirs = SKGaussianMixture(**start).fit(X)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        a, b = getattr(ours, name), getattr(theirs, name)
        assert np.max(np.abs(a - b)) <= 1e-8 * max(1.0, np.max(np.abs(b))), name
    assert np.isclose(ours.lower_bound_, theirs.lower_bound_, rtol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_thread_and_two_give_identical_fits(covariance_type):
    X = _many_blobs(9_000, 6, seed=1)
    histories = []
    for threads in (1, 2):
        with threadpool_limits(threads), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = emlib.GaussianMixture(3, covariance_type=covariance_type, max_iter=8, tol=0.0, random_state=0).fit(X)
        histories.append(model.history_)
    one, two = histories
    assert np.array_equal(one.series("log_likelihood"), two.series("log_likelihood"))
    assert np.array_equal(one.series("elbo")[1:], two.series("elbo")[1:])
    assert np.array_equal(one[-1].params.covariances, two[-1].params.covariances)


@pytest.mark.parametrize("factor", ["upper", "lower"])
def test_full_log_density_in_many_strips_matches_scipy(factor):
    # D = 13 gives four strips of rows of P_kᵀ with different widths; a lower-triangular P_k
    # (as precisions_init produces) must be multiplied in full.
    rng = np.random.default_rng(3)
    K, D = 3, 13
    A = rng.normal(size=(K, D, D))
    covariances = A @ np.transpose(A, (0, 2, 1)) + 0.5 * np.eye(D)
    means = rng.normal(size=(K, D))
    weights = np.array([0.2, 0.3, 0.5])
    params = gmm.make_params(weights, means, covariances)
    if factor == "lower":
        lower = np.linalg.cholesky(np.linalg.inv(covariances))  # P Pᵀ = Σ⁻¹ with P lower triangular
        params = params._replace(precisions_cholesky=lower)
    assert len(fast_gmm._strips(np.transpose(params.precisions_cholesky, (0, 2, 1)))) == 4
    X = rng.normal(size=(50, D)) * 2
    expected = np.column_stack([multivariate_normal(means[k], covariances[k]).logpdf(X) for k in range(K)])
    data = fast_gmm.prepare(X, K, "full")
    block = fast_gmm.block_log_joint(params, data.origin)  # the fit's E-step, strip by strip
    fast = np.hstack([block(piece) for piece in data.blocks]).T
    assert np.allclose(fast, expected + np.log(weights), rtol=1e-10, atol=1e-10)


def test_bernoulli_over_many_blocks_matches_a_plain_em():
    rng = np.random.default_rng(4)
    prototypes = rng.uniform(0.1, 0.9, size=(3, 100))
    X = (rng.random((9_000, 100)) < prototypes[rng.integers(3, size=9_000)]).astype(float)
    assert len(fast_bernoulli.BernoulliEngine(X, None).blocks) >= 4
    weights, means = np.full(3, 1 / 3), rng.uniform(0.3, 0.7, size=(3, 100))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = emlib.BernoulliMixture(3, weights_init=weights, means_init=means, max_iter=10, tol=0.0).fit(X)
    for _ in range(10):  # the textbook EM, on the whole array at once
        log_joint = X @ np.log(means).T + (1 - X) @ np.log1p(-means).T + np.log(weights)
        resp = np.exp(log_joint - np.logaddexp.reduce(log_joint, axis=1, keepdims=True))
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        weights, means = nk / nk.sum(), np.clip(resp.T @ X / nk[:, None], 1e-10, 1 - 1e-10)
    assert np.allclose(model.weights_, weights, rtol=1e-10)
    assert np.allclose(model.means_, means, rtol=1e-10, atol=1e-12)
