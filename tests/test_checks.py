"""The exercise checkers pass a correct function and name the mistake in a wrong one."""

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from emlib import checks


def log_joint(X, w, m, S):
    return np.column_stack([np.log(w[k]) + multivariate_normal(m[k], S[k]).logpdf(X) for k in range(len(w))])


def e_step(X, w, m, S):
    a = log_joint(X, w, m, S)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def e_step_naive(X, w, m, S):
    p = np.exp(log_joint(X, w, m, S))
    with np.errstate(invalid="ignore"):
        return p / p.sum(axis=1, keepdims=True)


def m_step(X, r, centre=None):
    nk = r.sum(axis=0)
    mu = r.T @ X / nk[:, None]
    around = mu if centre is None else [centre(X)] * len(nk)
    cov = np.stack([(r[:, k] * (X - around[k]).T) @ (X - around[k]) / nk[k] for k in range(len(nk))])
    return nk / len(X), mu, cov


def soft(X, c, e):
    a = -((X[:, None] - c[None]) ** 2).sum(-1) / (2 * e)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def mixture_pdf(x, w, m, v, weighted=True):
    dens = np.exp(-((x[:, None] - m) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)
    return (dens * (w if weighted else 1)).sum(axis=1)


def sample(w, m, S, n, rng, factor=np.linalg.cholesky):
    z = rng.choice(len(w), size=n, p=w)
    return m[z] + np.einsum("nij,nj->ni", factor(S)[z], rng.standard_normal((n, m.shape[1]))), z


def n_parameters(K, D, kind, tied_per_component=False):
    cov = {"full": K * D * (D + 1) // 2, "tied": D * (D + 1) // 2, "diag": K * D, "spherical": K}[kind]
    if kind == "tied" and tied_per_component:
        cov *= K
    return cov + K * D + K - 1


def bern_e_step(X, w, m, log_space=True):
    a = X @ np.log(m).T + (1 - X) @ np.log(1 - m).T + np.log(w)
    if log_space:
        return np.exp(a - logsumexp(a, axis=1, keepdims=True))
    p = np.exp(a)
    with np.errstate(invalid="ignore"):
        return p / p.sum(axis=1, keepdims=True)


def bern_m_step(X, r, normalise=True):
    nk = r.sum(axis=0)
    return (nk / len(X) if normalise else nk), r.T @ X / nk[:, None]


CASES = [
    # checker, a correct function, a wrong one, words the message must contain
    ("check_kmeans_assign", lambda X, c: ((X[:, None] - c) ** 2).sum(-1).argmin(1),
     lambda X, c: ((X[:, None] - c) ** 2).sum(-1).argmax(1), "FARTHEST"),
    ("check_kmeans_update", lambda X, z, c: np.array([X[z == k].mean(0) if (z == k).any() else c[k]
                                                      for k in range(len(c))]),
     lambda X, z, c: c, "did not move"),
    ("check_distortion", lambda X, c, z: ((X - c[z]) ** 2).sum(),
     lambda X, c, z: np.linalg.norm(X - c[z], axis=1).sum(), "SQUARED"),
    ("check_soft_responsibilities", soft,
     lambda X, c, e: np.exp(-((X[:, None] - c) ** 2).sum(-1) / (2 * e))
     / np.exp(-((X[:, None] - c) ** 2).sum(-1) / (2 * e)).sum(1, keepdims=True), "log space"),
    ("check_gaussian_log_pdf", lambda X, m, S: multivariate_normal(m, S).logpdf(X),
     lambda X, m, S: multivariate_normal(m, S).logpdf(X) + 1.0, "constant"),
    ("check_mixture_pdf", mixture_pdf, lambda x, w, m, v: mixture_pdf(x, w, m, v, weighted=False), "weight"),
    ("check_sample_mixture", sample, lambda *a: sample(*a, factor=lambda S: S), "square root of Σ"),
    ("check_log_likelihood", lambda X, w, m, S: logsumexp(log_joint(X, w, m, S), axis=1).sum(),
     lambda X, w, m, S: np.log(np.exp(log_joint(X, w, m, S)).sum(axis=1)).sum(), "logsumexp"),
    ("check_e_step", e_step, e_step_naive, "underflows"),
    ("check_m_step", m_step, lambda X, r: m_step(X, r, centre=lambda X: X.mean(axis=0)), "NEW mean"),
    ("check_elbo", lambda X, w, m, S, r: np.sum(r * (log_joint(X, w, m, S) - np.log(np.where(r > 0, r, 1)))),
     lambda X, w, m, S, r: np.sum(r * log_joint(X, w, m, S)), "entropy"),
    ("check_n_parameters", n_parameters, lambda K, D, t: n_parameters(K, D, t, tied_per_component=True), "tied"),
    ("check_bernoulli_e_step", bern_e_step, lambda X, w, m: bern_e_step(X, w, m, log_space=False), "underflows"),
    ("check_bernoulli_m_step", bern_m_step, lambda X, r: bern_m_step(X, r, normalise=False), "sum to"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the wrong functions underflow on purpose
@pytest.mark.parametrize("name, right, wrong, words", CASES, ids=[c[0] for c in CASES])
def test_checker(name, right, wrong, words, capsys):
    checker = getattr(checks, name)
    checker(right)
    assert capsys.readouterr().out.startswith("✓")
    with pytest.raises(checks.CheckError, match=words):
        checker(wrong)


def test_unwritten_exercise_says_so():
    def my_e_step(X, weights, means, covariances):
        raise NotImplementedError

    with pytest.raises(checks.CheckError, match="not written yet"):
        checks.check_e_step(my_e_step)


def update_without_empty_rule(X, labels, centers, empty):
    """k-means' update step that gives an empty cluster the centre ``empty(d)``."""
    new = np.array(centers, dtype=float)
    for k in range(len(centers)):
        members = X[labels == k]
        new[k] = members.mean(axis=0) if len(members) else empty(X.shape[1])
    return new


@pytest.mark.parametrize("empty", [lambda d: np.full(d, np.nan), np.zeros], ids=["nan", "zero"])
def test_update_checker_has_an_empty_cluster(empty):
    with pytest.raises(checks.CheckError, match="no samples.*keeps its old centre"):
        checks.check_kmeans_update(lambda X, z, c: update_without_empty_rule(X, z, c, empty))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_elbo_checker_names_zero_log_zero():
    def naive(X, w, m, S, r):
        return np.sum(r * (log_joint(X, w, m, S) - np.log(r)))

    with pytest.raises(checks.CheckError, match=r"0 · log 0 = 0 · \(−inf\) = nan"):
        checks.check_elbo(naive)


def test_a_failing_checker_shows_one_line_in_ipython():
    """IPython shows what _render_traceback_ returns instead of a traceback into emlib."""
    from IPython.core.interactiveshell import InteractiveShell

    def my_e_step(X, weights, means, covariances):
        raise NotImplementedError

    with pytest.raises(checks.CheckError) as caught:
        checks.check_e_step(my_e_step)
    lines = caught.value._render_traceback_()
    assert len(lines) == 1 and "CheckError" in lines[0] and "my_e_step is not written yet" in lines[0]
    assert "NaN" not in lines[0] and "checks.py" not in lines[0]
    shell = InteractiveShell.instance()
    shell.user_ns["checks"], shell.user_ns["my_e_step"] = checks, my_e_step
    result = shell.run_cell("checks.check_e_step(my_e_step)")
    assert isinstance(result.error_in_exec, checks.CheckError)  # the cell still fails


def test_a_wrong_parameter_count_is_named_with_the_right_one():
    # K = 1, D = 1, full: no free weight, one mean, one variance
    with pytest.raises(checks.CheckError, match=r"K=1, D=1 you count 1, the right count is 2; recount"):
        checks.check_n_parameters(lambda K, D, covariance_type: 1)
