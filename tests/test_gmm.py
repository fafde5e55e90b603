"""GaussianMixture: parity with scikit-learn, densities against scipy, and the public methods."""

import warnings

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture as SKGaussianMixture

import emlib
from emlib import gmm

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def random_init(rng, covariance_type, K, D):
    weights = rng.dirichlet(np.ones(K) * 2)
    A = rng.normal(size=(K, D, D))
    full = A @ np.transpose(A, (0, 2, 1)) + np.eye(D)
    precisions = {
        "full": full,
        "tied": full[0],
        "diag": rng.uniform(0.5, 2.0, size=(K, D)),
        "spherical": rng.uniform(0.5, 2.0, size=K),
    }[covariance_type]
    return weights, precisions


def rel_close(a, b, rtol=1e-8):
    a, b = np.asarray(a), np.asarray(b)
    return np.max(np.abs(a - b)) <= rtol * max(1.0, np.max(np.abs(b)))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_parity_with_scikit_learn(make_blobs, covariance_type, seed):
    X, _ = make_blobs(seed, n_samples=400, n_features=3, n_components=4)
    rng = np.random.default_rng(seed)
    K = 4
    weights, precisions = random_init(rng, covariance_type, K, X.shape[1])
    means = X[rng.choice(len(X), K, replace=False)]
    kw = dict(n_components=K, covariance_type=covariance_type, tol=0, max_iter=25,
              weights_init=weights, means_init=means, precisions_init=precisions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = emlib.GaussianMixture(**kw).fit(X)
        theirs = SKGaussianMixture(**kw).fit(X)
    for name in ["weights_", "means_", "covariances_", "precisions_cholesky_", "precisions_"]:
        assert rel_close(getattr(ours, name), getattr(theirs, name)), name
    assert rel_close(ours.lower_bound_, theirs.lower_bound_)
    assert rel_close(ours.score_samples(X), theirs.score_samples(X))
    assert rel_close(ours.predict_proba(X), theirs.predict_proba(X))
    assert np.array_equal(ours.predict(X), theirs.predict(X))
    assert rel_close(ours.aic(X), theirs.aic(X)) and rel_close(ours.bic(X), theirs.bic(X))
    assert ours.n_iter_ == theirs.n_iter_ == 25


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_convergence_matches_scikit_learn(make_blobs, covariance_type):
    # with the default tol both stop at the same iteration: the stopping rule is scikit-learn's
    X, _ = make_blobs(3, n_samples=300)
    rng = np.random.default_rng(3)
    weights, precisions = random_init(rng, covariance_type, 3, 2)
    kw = dict(n_components=3, covariance_type=covariance_type, weights_init=weights,
              means_init=X[:3], precisions_init=precisions, max_iter=500)
    ours, theirs = emlib.GaussianMixture(**kw).fit(X), SKGaussianMixture(**kw).fit(X)
    assert ours.converged_ and theirs.converged_
    assert ours.n_iter_ == theirs.n_iter_
    assert rel_close(ours.means_, theirs.means_)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_log_densities_equal_scipy(covariance_type):
    rng = np.random.default_rng(7)
    K, D = 3, 4
    X = rng.normal(size=(50, D))
    A = rng.normal(size=(K, D, D))
    full = A @ np.transpose(A, (0, 2, 1)) + 0.5 * np.eye(D)
    covariances = {
        "full": full, "tied": full[0],
        "diag": rng.uniform(0.3, 2, size=(K, D)), "spherical": rng.uniform(0.3, 2, size=K),
    }[covariance_type]
    means = rng.normal(size=(K, D))
    params = gmm.make_params(np.full(K, 1 / K), means, covariances, covariance_type)

    def as_full(k):
        c = covariances
        return {"full": lambda: c[k], "tied": lambda: c, "diag": lambda: np.diag(c[k]),
                "spherical": lambda: c[k] * np.eye(D)}[covariance_type]()

    expected = np.column_stack([multivariate_normal(means[k], as_full(k)).logpdf(X) for k in range(K)])
    assert np.allclose(gmm.estimate_log_prob(X, params), expected, rtol=1e-10, atol=1e-10)


def test_e_step_is_bayes_rule_and_survives_far_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2)) * 100  # densities underflow to 0 outside log space
    params = gmm.make_params([0.3, 0.7], [[0, 0], [1, 1]], np.stack([np.eye(2)] * 2))
    log_resp, log_norm = gmm.e_step(X, params)
    assert np.isfinite(log_resp).all() and np.isfinite(log_norm).all()
    assert np.allclose(np.exp(log_resp).sum(axis=1), 1)
    joint = np.column_stack([np.log(w) + multivariate_normal(m, np.eye(2)).logpdf(X)
                             for w, m in zip(params.weights, params.means)])
    assert np.allclose(log_norm, np.logaddexp(joint[:, 0], joint[:, 1]))


def test_m_step_closed_form(make_blobs):
    X, _ = make_blobs(1)
    rng = np.random.default_rng(1)
    resp = rng.dirichlet(np.ones(3), size=len(X))
    params = gmm.m_step(X, resp, "full", reg_covar=0.0)
    nk = resp.sum(axis=0)
    assert np.allclose(params.weights, nk / len(X))
    for k in range(3):
        mean = np.average(X, axis=0, weights=resp[:, k])
        cov = np.cov(X.T, aweights=resp[:, k], bias=True)
        assert np.allclose(params.means[k], mean) and np.allclose(params.covariances[k], cov)


def test_sample_returns_labels_and_follows_the_model(make_blobs):
    X, _ = make_blobs(2, n_samples=500)
    model = emlib.GaussianMixture(3, random_state=0).fit(X)
    Xs, labels = model.sample(30000)
    assert Xs.shape == (30000, 2) and labels.shape == (30000,)
    assert np.allclose(np.bincount(labels, minlength=3) / 30000, model.weights_, atol=0.02)
    for k in range(3):
        assert np.allclose(np.cov(Xs[labels == k].T), model.covariances_[k], rtol=0.1, atol=0.05)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random", "random_from_data"])
def test_every_initialisation_fits(make_blobs, init_params):
    X, z = make_blobs(4)
    model = emlib.GaussianMixture(3, init_params=init_params, random_state=0, max_iter=300).fit(X)
    assert model.converged_
    assert model.score(X) > emlib.GaussianMixture(1).fit(X).score(X)


def test_restarts_keep_the_best_history_and_every_final_value(make_blobs):
    X, _ = make_blobs(5)
    model = emlib.GaussianMixture(3, n_init=6, init_params="random", random_state=0).fit(X)
    finals = model.final_log_likelihoods_
    assert finals.shape == (6,)
    assert model.history_[-2].log_likelihood == finals.max()  # the last E-step: the lower bound of the kept run
    single = [emlib.GaussianMixture(3, init_params="random", random_state=s).fit(X).score(X) for s in range(3)]
    assert len(set(np.round(single, 6))) > 1, "random starts should reach different optima here"


def test_verbose_prints_the_log_likelihood_value(make_blobs, capsys):
    X, _ = make_blobs(6)
    model = emlib.GaussianMixture(2, verbose=1, random_state=0).fit(X)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == model.n_iter_
    value = float(lines[-1].split("log-likelihood")[1].split()[0])
    assert value == pytest.approx(model.history_[-1].log_likelihood, abs=1e-5)


def test_predict_is_argmax_of_predict_proba(make_blobs):
    X, _ = make_blobs(8)
    model = emlib.GaussianMixture(3, random_state=0).fit(X)
    assert np.array_equal(model.predict(X), model.predict_proba(X).argmax(axis=1))
    assert np.array_equal(model.fit_predict(X), model.predict(X))
    assert model.score(X) == pytest.approx(model.score_samples(X).mean())


def test_a_component_of_weight_zero_gets_no_responsibility(make_blobs):
    # log π_k = −inf for that component: its responsibilities are exactly 0, and nothing is NaN
    X, _ = make_blobs(0, n_samples=300, n_features=2, n_components=3)
    params = gmm.make_params([0.5, 0.0, 0.5], X[:3], np.stack([np.eye(2)] * 3))
    log_resp, log_norm = gmm.e_step(X, params)
    assert np.all(np.exp(log_resp[:, 1]) == 0) and np.isfinite(log_norm).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = emlib.GaussianMixture(3, weights_init=[0.5, 0.0, 0.5], means_init=X[:3], max_iter=3).fit(X)
    first_e = model.history_[1]
    assert np.isfinite(first_e.elbo) and abs(first_e.kl) <= 1e-9 * abs(first_e.log_likelihood)
    assert np.all(model.history_.responsibilities(X, 1)[:, 1] == 0)


def test_a_sample_at_the_mean_of_a_collapsing_component_has_its_exact_density():
    # P_kᵀ (x − μ_k) must be exactly 0 at x = μ_k even when P_k is huge (σ = 1e-100), so the
    # log-density there is log π_k − ½ log 2π − log σ; subtracting P_kᵀ μ_k inside a matrix product
    # with fused multiply-adds would leave its rounding error, squared to ~1e168.
    x = np.array([[0.7], [1.3], [2.9]])
    for sigma in (1e-3, 1e-50, 1e-100):
        params = gmm.make_params([0.5, 0.5], [[0.7], [1.5]], [[[sigma**2]], [[1.0]]])
        expected = np.log(0.5) - 0.5 * np.log(2 * np.pi) - np.log(sigma)
        assert np.isclose(gmm.log_joint(x, params)[0, 0], expected, rtol=1e-12)


def two_pass_m_step(X, resp, covariance_type, reg_covar):
    """The M-step the textbook way, in two passes: first the means, then the scatter around them."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    scatter = [(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) for k in range(len(nk))]
    full = np.stack(scatter) / nk[:, None, None]
    covariances = {
        "full": full,
        "tied": sum(scatter) / nk.sum(),
        "diag": np.stack([np.diag(c) for c in full]),
        "spherical": np.array([np.diag(c).mean() for c in full]),
    }[covariance_type]
    if covariance_type in ("full", "tied"):
        covariances = covariances + reg_covar * np.eye(X.shape[1])
    else:
        covariances = covariances + reg_covar
    return means, covariances


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("offset", [0.0, 1e7])
def test_m_step_keeps_its_digits_far_from_the_origin(covariance_type, offset):
    # Σ r x² − N_k μ² cancels catastrophically when x is far from 0; the M-step must not expand
    # the square there (at an offset of 1e7 a variance of 0.912 came out as 0.922, and a tied
    # covariance's off-diagonal entry changed sign)
    rng = np.random.default_rng(11)
    base = rng.normal(size=(500, 2)) @ np.array([[1.0, 0.0], [-0.6, 0.8]])
    resp = rng.dirichlet(np.ones(3), size=len(base))
    X = base + offset
    params = gmm.m_step(X, resp, covariance_type, reg_covar=1e-6)
    means, covariances = two_pass_m_step(X, resp, covariance_type, 1e-6)
    assert np.allclose(params.means, means, rtol=1e-14, atol=1e-14 * max(offset, 1.0))
    assert np.allclose(params.covariances, covariances, rtol=1e-8, atol=0)
    # and the same covariances as at the origin: a shift of the data does not change them
    at_origin = gmm.m_step(base, resp, covariance_type, reg_covar=1e-6)
    assert np.allclose(params.covariances, at_origin.covariances, rtol=1e-8, atol=0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_densities_far_from_the_origin_equal_those_at_the_origin(covariance_type):
    rng = np.random.default_rng(12)
    K, D = 3, 2
    X = rng.normal(size=(200, D))
    full = np.stack([np.eye(D) * s for s in (0.5, 1.0, 2.0)])
    covariances = {"full": full, "tied": full[1], "diag": rng.uniform(0.3, 2, size=(K, D)),
                   "spherical": np.array([0.5, 1.0, 2.0])}[covariance_type]
    means = rng.normal(size=(K, D))
    near = gmm.make_params(np.full(K, 1 / K), means, covariances, covariance_type)
    far = gmm.make_params(np.full(K, 1 / K), means + 1e7, covariances, covariance_type)
    assert np.allclose(gmm.log_joint(X + 1e7, far), gmm.log_joint(X, near), rtol=1e-7, atol=1e-7)


def _chunks(X, resp, sizes):
    """Rows of X and resp cut into consecutive blocks of the given sizes."""
    edges = np.cumsum([0, *sizes])
    return [(X[a:b], resp[a:b]) for a, b in zip(edges[:-1], edges[1:])]


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("offset", [0.0, 1e7])
def test_statistics_are_their_definitions_and_combine_exactly(covariance_type, offset):
    rng = np.random.default_rng(7)
    N, D, K = 300, 3, 4
    X = offset + rng.normal(size=(N, D)) * [1.0, 0.5, 2.0]
    resp = rng.dirichlet(np.ones(K), size=N)
    stats = gmm.statistics(X, resp, covariance_type)
    # the definitions, written out with einsum (an N × K × D temporary is fine in a test)
    n = resp.sum(axis=0)
    mean = np.einsum("nk,nd->kd", resp, X) / n[:, None]
    diff = X[:, None, :] - mean[None]  # (N, K, D)
    scatter = np.einsum("nk,nkd,nke->kde", resp, diff, diff)
    if covariance_type in ("diag", "spherical"):
        scatter = np.einsum("kdd->kd", scatter)
    assert np.allclose(stats.n, n, rtol=1e-13, atol=0)
    assert np.allclose(stats.mean, mean, rtol=0, atol=1e-13 * (1 + offset))
    assert np.allclose(stats.scatter, scatter, rtol=0, atol=1e-10 * np.abs(scatter).max())
    # blocks of uneven sizes (one of a single sample), combined pairwise, give the one-block result
    parts = [gmm.statistics(x, r, covariance_type) for x, r in _chunks(X, resp, [1, 120, 37, 142])]
    merged = parts[0]
    for part in parts[1:]:
        merged = gmm.combine(merged, part)
    # far from the origin a block's mean is known only to the spacing of the doubles there, and the
    # between-means term N_a N_b / N δδᵀ carries that error linearly: allow for it
    scale = np.abs(stats.scatter).max()
    spread = np.sqrt(scale / N)
    assert np.allclose(merged.n, stats.n, rtol=1e-13, atol=0)
    assert np.allclose(merged.mean, stats.mean, rtol=0, atol=1e-13 * (1 + offset))
    assert np.allclose(merged.scatter, stats.scatter, rtol=0, atol=1e-10 * scale + 4 * N * np.spacing(offset) * spread)
    # and the M-step is the statistics turned into θ
    direct = gmm.m_step(X, resp, covariance_type, reg_covar=1e-6)
    from_parts = gmm.params_from_statistics(merged, covariance_type, reg_covar=1e-6)
    for a, b in zip(direct[:4], from_parts[:4]):
        assert np.allclose(a, b, rtol=1e-9, atol=1e-7 * np.abs(b).max() if offset else 0)


def test_combine_with_an_empty_component():
    # a block where component 1 takes no sample: its weight there is 0, and combining ignores its mean
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2))
    resp = np.zeros((50, 2))
    resp[:, 0] = 1.0
    resp[25:, :] = 0.5
    a, b = gmm.statistics(X[:25], resp[:25]), gmm.statistics(X[25:], resp[25:])
    assert a.n[1] == 0 and np.allclose(a.mean[1], X[:25].mean(axis=0))  # the data's mean stands in
    both = gmm.combine(a, b)
    whole = gmm.statistics(X, resp)
    assert np.allclose(both.mean, whole.mean) and np.allclose(both.scatter, whole.scatter)
    assert np.allclose(both.mean[1], X[25:].mean(axis=0))


@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_precision_cholesky_equals_scipy_triangular_solve(scale):
    # P = L⁻ᵀ from numpy's inverse made exactly triangular, against scipy's triangular solve
    # (scikit-learn's way). Features of very different scales give factors whose entries below the
    # diagonal exceed the diagonal, where the inverse's LU factorisation swaps rows.
    from scipy.linalg import solve_triangular

    rng = np.random.default_rng(5)
    A = rng.normal(size=(4, 6, 6)) * np.array([1.0, scale, 1.0, 1 / scale, 1.0, scale])
    covariances = A @ np.swapaxes(A, 1, 2) + 1e-3 * np.eye(6)
    ours = gmm.precision_cholesky(covariances, "full")
    for k, cov in enumerate(covariances):
        lower = np.linalg.cholesky(cov)
        reference = solve_triangular(lower, np.eye(6), lower=True).T
        np.testing.assert_allclose(ours[k], reference, rtol=1e-9, atol=1e-12 * np.abs(reference).max())
        assert np.array_equal(ours[k], np.triu(ours[k]))  # exactly upper triangular
