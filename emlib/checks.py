"""Checkers for the exercises: each compares the reader's function with emlib on random problems.

A checker prints one line when the function is right, and otherwise raises :class:`CheckError`
saying in plain words what is wrong (a wrong shape, weights that do not sum to one, a covariance
computed around the wrong mean, an E-step that underflows, ...). Usage in a chapter::

    checks.check_m_step(my_m_step)
"""

import numpy as np
from scipy.stats import multivariate_normal

from . import bernoulli, gmm, kmeans
from .em import elbo as _elbo
from .em import logsumexp

N_PROBLEMS = 5


class CheckError(AssertionError):
    """The reader's function does not do what the exercise asks; the message says why.

    In a notebook the error shows as its one-line message, without a traceback into emlib: IPython
    prints what ``_render_traceback_`` returns. The cell still fails (nbval, nbclient and "Run all"
    see an error); a student notebook tags its checker cells ``raises-exception`` so that "Run all"
    goes on to the next cell.
    """

    def _render_traceback_(self):
        return [f"\x1b[1;31m{type(self).__name__}\x1b[0m: {self}"]  # one line, as Python ends a traceback


# ---- small tools ---------------------------------------------------------------------------

def _passed(name, what):
    print(f"✓ {name}: {what} matches emlib on {N_PROBLEMS} random problems.")


def _call(fn, *args):
    try:
        return fn(*args)
    except NotImplementedError:
        raise CheckError(f"{fn.__name__} is not written yet: replace `raise NotImplementedError` with your code.") from None
    except Exception as err:  # the reader's bug, reported in words rather than a traceback
        raise CheckError(f"{fn.__name__} raised {type(err).__name__}: {err}") from None


def _array(value, shape, what):
    try:
        value = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckError(f"{what} should be a numeric array of shape {shape}.") from None
    if value.shape != shape:
        hint = " (it looks transposed)" if value.shape == shape[::-1] else ""
        raise CheckError(f"{what} should have shape {shape}, but yours has shape {value.shape}{hint}.")
    if not np.isfinite(value).all():
        raise CheckError(f"{what} contains NaN or infinity.")
    return value


def _number(value, what):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise CheckError(f"{what} should be a single number, got {type(value).__name__}.") from None
    if not np.isfinite(value):
        raise CheckError(f"{what} is {value}; it should be finite.")
    return value


def _close(mine, ref, rtol=1e-6, atol=1e-8):
    return np.allclose(mine, ref, rtol=rtol, atol=atol)


def _problem(seed, K=3, D=2, N=60, spread=4.0):
    """A random Gaussian mixture θ and a sample X from it."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.normal(scale=spread, size=(K, D))
    A = rng.normal(size=(K, D, D))
    covariances = A @ np.transpose(A, (0, 2, 1)) + 0.5 * np.eye(D)
    z = rng.choice(K, size=N, p=weights)
    X = means[z] + np.einsum("nij,nj->ni", np.linalg.cholesky(covariances)[z], rng.normal(size=(N, D)))
    return rng, X, weights, means, covariances


def _resp(X, weights, means, covariances):
    return np.exp(gmm.e_step(X, gmm.make_params(weights, means, covariances))[0])


# ---- k-means ---------------------------------------------------------------------------------

def check_kmeans_assign(fn):
    """fn(X, centers) -> labels (N,): the index of the nearest centre of every sample."""
    for seed in range(N_PROBLEMS):
        rng, X, _, centers, _ = _problem(seed)
        labels = _array(_call(fn, X, centers), (len(X),), "The labels")
        ref = kmeans.e_step(X, centers)
        if np.array_equal(labels, kmeans.squared_distances(X, centers).argmax(axis=1)):
            raise CheckError("Your labels pick the FARTHEST centre: use argmin of the distances, not argmax.")
        if not np.array_equal(labels, ref):
            n = int((labels != ref).sum())
            raise CheckError(f"{n} of {len(X)} samples are not assigned to their nearest centre (squared Euclidean distance).")
    _passed("check_kmeans_assign", "the assignment step")


def check_kmeans_update(fn):
    """fn(X, labels, centers) -> new centers (K, D): each centre moves to the mean of its samples."""
    for seed in range(N_PROBLEMS):
        rng, X, _, centers, _ = _problem(seed)
        if seed == N_PROBLEMS - 1:  # a centre far from every sample: its cluster is empty
            centers = np.vstack([centers, X.max(axis=0) + 100.0])
        labels = kmeans.e_step(X, centers)
        new = np.asarray(_call(fn, X, labels, centers), dtype=float)
        empty = np.flatnonzero(np.bincount(labels, minlength=len(centers)) == 0)
        if new.shape == centers.shape and empty.size and not np.allclose(new[empty], centers[empty]):
            k = int(empty[0])
            raise CheckError(f"Cluster {k} has no samples, and your centre {k} became {np.round(new[k], 3)}: "
                             "an empty cluster keeps its old centre (the mean of no samples is 0/0).")
        new = _array(new, centers.shape, "The new centres")
        ref = kmeans.m_step(X, labels, centers)
        if _close(new, centers) and not _close(ref, centers):
            raise CheckError("Your centres did not move: each centre should become the mean of the samples assigned to it.")
        if not _close(new, ref):
            k = int(np.abs(new - ref).max(axis=1).argmax())
            raise CheckError(f"Centre {k} should be the mean of the {int((labels == k).sum())} samples with label {k}.")
    _passed("check_kmeans_update", "the update step")


def check_distortion(fn):
    """fn(X, centers, labels) -> J = Σ_n |x_n − μ_{z_n}|²."""
    for seed in range(N_PROBLEMS):
        rng, X, _, centers, _ = _problem(seed)
        labels = rng.integers(len(centers), size=len(X))
        J = _number(_call(fn, X, centers, labels), "The distortion")
        ref = kmeans.distortion(X, centers, labels)
        dists = np.linalg.norm(X - centers[labels], axis=1)
        if _close(J, dists.sum()):
            raise CheckError("You summed distances |x − μ|; the distortion sums SQUARED distances |x − μ|².")
        if _close(J, ref / len(X)):
            raise CheckError("You averaged over samples; the distortion J is the sum over samples, not the mean.")
        if not _close(J, ref):
            raise CheckError(f"Your distortion is {J:.6g}, but Σ_n |x_n − μ_(z_n)|² is {ref:.6g} on this problem.")
    _passed("check_distortion", "the distortion")


def check_soft_responsibilities(fn):
    """fn(X, centers, epsilon) -> r_nk ∝ exp(−|x_n − μ_k|² / (2ε)), shape (N, K)."""
    for seed in range(N_PROBLEMS):
        rng, X, _, centers, _ = _problem(seed)
        for epsilon in (10.0, 1.0, 1e-3):
            ref = kmeans.soft_responsibilities(X, centers, epsilon)
            resp = np.asarray(_call(fn, X, centers, epsilon), dtype=float)
            if epsilon == 1e-3 and resp.shape == ref.shape and not np.isfinite(resp).all():
                raise CheckError("For a small ε your responsibilities contain NaN: exp(−d²/2ε) underflows to 0 for every "
                                 "centre. Work in log space: subtract the row maximum (or use logsumexp) before exp.")
            resp = _array(resp, ref.shape, "The responsibilities")
            if not _close(resp.sum(axis=1), 1.0):
                raise CheckError("Each row of responsibilities must sum to 1: divide by the sum over centres.")
            if not _close(resp, ref, rtol=1e-5, atol=1e-8):
                raise CheckError(f"For ε = {epsilon} your responsibilities differ from exp(−|x − μ_k|²/(2ε)) normalised "
                                 "over k. Check the factor 2 and that ε is a variance, not a standard deviation.")
    _passed("check_soft_responsibilities", "the soft assignment")


# ---- Gaussian mixtures -----------------------------------------------------------------------

def check_gaussian_log_pdf(fn):
    """fn(X, mean, cov) -> log N(x_n | mean, cov), shape (N,)."""
    for seed in range(N_PROBLEMS):
        rng, X, _, means, covariances = _problem(seed, D=3)
        ref = multivariate_normal(means[0], covariances[0]).logpdf(X)
        mine = _array(_call(fn, X, means[0], covariances[0]), ref.shape, "The log-densities")
        if _close(mine, np.exp(ref)):
            raise CheckError("You returned the density itself; the exercise asks for its logarithm.")
        diff = mine - ref
        if not _close(mine, ref):
            if np.ptp(diff) < 1e-8:
                raise CheckError(f"Your log-densities are off by the constant {diff[0]:.4g}: check the normalising "
                                 "term −(D/2) log 2π − ½ log|Σ|.")
            raise CheckError("Your log-densities differ by more than a constant: check the quadratic form "
                             "−½ (x − μ)ᵀ Σ⁻¹ (x − μ) (the inverse of Σ, and x − μ on both sides).")
    _passed("check_gaussian_log_pdf", "the Gaussian log-density")


def check_mixture_pdf(fn):
    """fn(x, weights, means, variances) -> the 1-D mixture density Σ_k π_k N(x | μ_k, σ_k²) at points x."""
    for seed in range(N_PROBLEMS):
        rng = np.random.default_rng(seed)
        K = 3
        weights, means, variances = rng.dirichlet(np.ones(K)), rng.normal(scale=3, size=K), rng.uniform(0.2, 3, size=K)
        x = np.linspace(-15, 15, 3001)
        ref = (weights * np.exp(-0.5 * (x[:, None] - means) ** 2 / variances) / np.sqrt(2 * np.pi * variances)).sum(axis=1)
        mine = _array(_call(fn, x, weights, means, variances), x.shape, "The density")
        area = float(np.sum(mine) * (x[1] - x[0]))
        if abs(area - K) < 0.05:
            raise CheckError(f"Your density integrates to about {area:.2f}, not 1: multiply each component by its weight π_k.")
        sd_as_var = (weights * np.exp(-0.5 * (x[:, None] - means) ** 2 / variances**2)
                     / np.sqrt(2 * np.pi * variances**2)).sum(axis=1)
        if _close(mine, sd_as_var) and not _close(mine, ref):
            raise CheckError("You used the variance σ² where the standard deviation σ belongs: N(x | μ, σ²) has "
                             "exp(−(x − μ)²/(2σ²)) / sqrt(2πσ²).")
        if not _close(mine, ref):
            raise CheckError("Your density differs from Σ_k π_k N(x | μ_k, σ_k²); compare one component at a time.")
    _passed("check_mixture_pdf", "the mixture density")


def check_sample_mixture(fn):
    """fn(weights, means, covariances, n_samples, rng) -> (X, z): ancestral sampling, z then x."""
    n = 20000
    for seed in range(N_PROBLEMS):
        rng, _, weights, means, covariances = _problem(seed)
        out = _call(fn, weights, means, covariances, n, np.random.default_rng(seed))
        if not (isinstance(out, tuple) and len(out) == 2):
            raise CheckError("Return a pair (X, z): the samples and the component each came from.")
        X = _array(out[0], (n, means.shape[1]), "X")
        z = _array(out[1], (n,), "z").astype(int)
        counts = np.bincount(z, minlength=len(weights)) / n
        if len(counts) != len(weights) or np.abs(counts - weights).max() > 5 * np.sqrt(0.25 / n) + 1e-3:
            raise CheckError(f"The share of each component should be close to the weights {np.round(weights, 3)}, "
                             f"but yours is {np.round(counts[:len(weights)], 3)}: draw z from Cat(π) first.")
        for k in range(len(weights)):
            Xk = X[z == k]
            if len(Xk) < 50:
                continue
            se = np.sqrt(np.diag(covariances[k]) / len(Xk))
            if (np.abs(Xk.mean(axis=0) - means[k]) > 6 * se).any():
                raise CheckError(f"The samples with z = {k} should have mean μ_{k}: draw x from component z, not another one.")
            if not np.allclose(np.cov(Xk.T), covariances[k], rtol=0.15, atol=0.15 * np.abs(covariances[k]).max()):
                raise CheckError(f"The samples with z = {k} do not have covariance Σ_{k}. Transform standard normal draws "
                                 "by a square root of Σ (e.g. its Cholesky factor L, x = μ + L u), not by Σ itself.")
    _passed("check_sample_mixture", "ancestral sampling")


def check_log_likelihood(fn):
    """fn(X, weights, means, covariances) -> log p(X | θ), the total over samples."""
    for seed in range(N_PROBLEMS):
        rng, X, weights, means, covariances = _problem(seed)
        for scale in (1.0, 40.0):  # far-away data: the naive sum of densities underflows
            Xs = X * scale
            params = gmm.make_params(weights, means, covariances)
            ref = gmm.log_likelihood(Xs, params)
            value = _call(fn, Xs, weights, means, covariances)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise CheckError("Return one number: the log-likelihood summed over all samples.") from None
            if scale > 1 and not np.isfinite(value):
                raise CheckError("On data far from every mean your log-likelihood is −inf: the densities underflow "
                                 "to 0 before the log. Sum in log space with logsumexp over components.")
            log_prob = np.asarray(gmm.estimate_log_prob(Xs, params))
            if _close(value, float((log_prob * weights).sum())):
                raise CheckError("You put the log inside the sum over components (Σ_k π_k log N). The log-likelihood is "
                                 "Σ_n log Σ_k π_k N(x_n | μ_k, Σ_k): the sum over k stays inside the log.")
            if _close(value, ref / len(X)):
                raise CheckError("You returned the mean over samples; return the total Σ_n log p(x_n | θ).")
            if not _close(value, ref):
                raise CheckError(f"Your log-likelihood is {value:.6g}; the right value on this problem is {ref:.6g}.")
    _passed("check_log_likelihood", "the log-likelihood")


def check_e_step(fn):
    """fn(X, weights, means, covariances) -> responsibilities (N, K), computed safely in log space."""
    for seed in range(N_PROBLEMS):
        rng, X, weights, means, covariances = _problem(seed)
        for scale in (1.0, 40.0):
            Xs = X * scale
            ref = _resp(Xs, weights, means, covariances)
            resp = np.asarray(_call(fn, Xs, weights, means, covariances), dtype=float)
            if resp.shape == ref.shape and not np.isfinite(resp).all():
                raise CheckError("On data far from every mean your responsibilities contain NaN: π_k N(x | μ_k, Σ_k) "
                                 "underflows to 0 for every k, and 0/0 follows. Compute log π_k + log N(...) and "
                                 "normalise with logsumexp (subtract the row maximum before exp).")
            resp = _array(resp, ref.shape, "The responsibilities")
            if not _close(resp.sum(axis=1), 1.0):
                raise CheckError("Each row of responsibilities must sum to 1 over the components (Bayes' rule divides by p(x_n)).")
            unweighted = _resp(Xs, np.full(len(weights), 1 / len(weights)), means, covariances)
            if _close(resp, unweighted) and not _close(resp, ref):
                raise CheckError("Your responsibilities ignore the weights: multiply each N(x | μ_k, Σ_k) by π_k.")
            if not _close(resp, ref, rtol=1e-5, atol=1e-8):
                raise CheckError("Your responsibilities differ from π_k N(x_n | μ_k, Σ_k) / Σ_j π_j N(x_n | μ_j, Σ_j).")
    _passed("check_e_step", "the E-step")


def check_m_step(fn):
    """fn(X, resp) -> (weights, means, covariances), full covariances with no regulariser."""
    for seed in range(N_PROBLEMS):
        rng, X, weights, means, covariances = _problem(seed)
        resp = _resp(X, weights, means, covariances)
        out = _call(fn, X, resp)
        if not (isinstance(out, tuple) and len(out) == 3):
            raise CheckError("Return a triple (weights, means, covariances).")
        K, D = means.shape
        w = _array(out[0], (K,), "weights")
        mu = _array(out[1], (K, D), "means")
        cov = _array(out[2], (K, D, D), "covariances")
        ref = gmm.m_step(X, resp, "full", reg_covar=0.0)
        nk = resp.sum(axis=0)
        if _close(w, nk):
            raise CheckError("Your weights are N_k; they must be N_k / N (the Lagrange multiplier is λ = N).")
        if not _close(w.sum(), 1.0):
            raise CheckError(f"Your weights sum to {w.sum():.4g}; mixture weights must sum to 1.")
        if not _close(w, ref.weights):
            raise CheckError("Your weights differ from π_k = N_k / N with N_k = Σ_n r_nk.")
        if _close(mu, ref.means * nk[:, None]):
            raise CheckError("Your means are Σ_n r_nk x_n; divide by N_k.")
        if not _close(mu, ref.means):
            raise CheckError("Your means differ from μ_k = Σ_n r_nk x_n / N_k.")
        for k in range(K):
            diff = cov[k] - ref.covariances[k]
            if _close(cov[k], ref.covariances[k]):
                continue
            values = np.linalg.eigvalsh(diff)
            if values[-1] > 1e-8 and np.abs(values[:-1]).max(initial=0) < 1e-8 * max(1.0, values[-1]):
                raise CheckError(f"Covariance {k} equals the right one plus a rank-one term (μ_k − m)(μ_k − m)ᵀ: you "
                                 "computed it around some other point m (the old mean? the mean of all data?) instead "
                                 "of the NEW mean μ_k = Σ_n r_nk x_n / N_k.")
            if _close(cov[k] * nk[k], ref.covariances[k] * len(X)):
                raise CheckError(f"Covariance {k} is divided by N; divide by N_k.")
            raise CheckError(f"Covariance {k} differs from Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ / N_k.")
    _passed("check_m_step", "the M-step")


def check_elbo(fn):
    """fn(X, weights, means, covariances, resp) -> L(q, θ) = Σ_nk r_nk (log π_k N(x_n | θ_k) − log r_nk)."""
    for seed in range(N_PROBLEMS):
        rng, X, weights, means, covariances = _problem(seed)
        params = gmm.make_params(weights, means, covariances)
        log_joint = gmm.log_joint(X, params)
        resp = rng.dirichlet(np.ones(len(weights)), size=len(X))
        resp[0] = np.eye(len(weights))[0]  # a row with zeros: 0 log 0 counts as 0
        value = _call(fn, X, weights, means, covariances, resp)
        try:
            nan = bool(np.isnan(value))
        except TypeError:
            nan = False
        if nan:
            raise CheckError("Your ELBO is nan: in numpy 0 · log 0 = 0 · (−inf) = nan, and resp has zeros. "
                             "Take the log only where r_nk > 0, e.g. np.log(np.where(resp > 0, resp, 1.0)).")
        value = _number(value, "The ELBO")
        ref = _elbo(log_joint, resp, np.log(np.where(resp > 0, resp, 1.0)))
        q_only = float(np.sum(resp * log_joint))
        if _close(value, q_only):
            raise CheckError("You returned Q = Σ r_nk log p(x_n, z_n = k | θ) only; add the entropy term −Σ r_nk log r_nk.")
        if not _close(value, ref):
            raise CheckError(f"Your ELBO is {value:.6g}; the right value here is {ref:.6g}. Remember 0 · log 0 = 0.")
        if value > float(logsumexp(log_joint, axis=1).sum()) + 1e-8:  # log p(X | θ) = Σ_n log Σ_k p(x_n, k)
            raise CheckError("Your ELBO exceeds the log-likelihood, which a lower bound never does.")
    _passed("check_elbo", "the ELBO")


def check_n_parameters(fn):
    """fn(n_components, n_features, covariance_type) -> the number of free parameters of a GMM."""
    for K, D in [(1, 1), (2, 3), (3, 2), (5, 4)]:
        for kind in gmm.COVARIANCE_TYPES:
            ref = gmm.n_parameters(K, D, kind)
            value = _call(fn, K, D, kind)
            if value != ref:
                raise CheckError(f"For covariance_type={kind!r}, K={K}, D={D} you count {value}, the right count is {ref}; "
                                 "recount: K − 1 weights (they sum to 1), K·D means, and the covariance entries — a "
                                 "symmetric D×D matrix has D(D+1)/2 of them, and 'tied' has only one matrix.")
    print("✓ check_n_parameters: your counts match emlib for every covariance type.")


# ---- Bernoulli mixtures ----------------------------------------------------------------------

def _bernoulli_problem(seed, K=3, D=40, N=80):
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.uniform(0.05, 0.95, size=(K, D))
    z = rng.choice(K, size=N, p=weights)
    X = (rng.uniform(size=(N, D)) < means[z]).astype(float)
    return rng, X, weights, means


def check_bernoulli_e_step(fn):
    """fn(X, weights, means) -> responsibilities (N, K) for a Bernoulli mixture."""
    for seed in range(N_PROBLEMS):
        for D in (40, 2000):  # with 2000 pixels the product of probabilities underflows
            rng, X, weights, means = _bernoulli_problem(seed, D=D)
            ref = np.exp(bernoulli.e_step(X, bernoulli.BernoulliParams(weights, means))[0])
            resp = np.asarray(_call(fn, X, weights, means), dtype=float)
            if resp.shape == ref.shape and not np.isfinite(resp).all():
                raise CheckError(f"With {D} pixels your responsibilities contain NaN: the product of {D} probabilities "
                                 "underflows to 0. Sum log-probabilities instead and normalise with logsumexp.")
            resp = _array(resp, ref.shape, "The responsibilities")
            if not _close(resp.sum(axis=1), 1.0):
                raise CheckError("Each row of responsibilities must sum to 1 over the components.")
            if not _close(resp, ref, rtol=1e-5, atol=1e-8):
                raise CheckError("Your responsibilities differ from π_k Π_d μ_kd^x_d (1 − μ_kd)^(1 − x_d), normalised over k.")
    _passed("check_bernoulli_e_step", "the Bernoulli E-step")


def check_bernoulli_m_step(fn):
    """fn(X, resp) -> (weights, means) by maximum likelihood."""
    for seed in range(N_PROBLEMS):
        rng, X, weights, means = _bernoulli_problem(seed)
        resp = np.exp(bernoulli.e_step(X, bernoulli.BernoulliParams(weights, means))[0])
        out = _call(fn, X, resp)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise CheckError("Return a pair (weights, means).")
        w = _array(out[0], weights.shape, "weights")
        mu = _array(out[1], means.shape, "means")
        ref = bernoulli.m_step(X, resp)
        if not _close(w.sum(), 1.0):
            raise CheckError(f"Your weights sum to {w.sum():.4g}; divide N_k by N.")
        if not _close(w, ref.weights):
            raise CheckError("Your weights differ from π_k = N_k / N.")
        if not _close(mu, ref.means):
            raise CheckError("Your pixel probabilities differ from μ_kd = Σ_n r_nk x_nd / N_k.")
    _passed("check_bernoulli_m_step", "the Bernoulli M-step")
