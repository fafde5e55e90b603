"""The data sets are seeded, have the documented shapes, and Old Faithful ships with the package."""

import numpy as np

from emlib import datasets


def test_faithful_is_shipped_with_the_package():
    X, names = datasets.load_faithful()
    assert X.shape == (272, 2) and names == ["eruptions", "waiting"]
    assert np.allclose(X[0], [3.6, 79]) and 1.5 < X[:, 0].min() < X[:, 0].max() < 5.2


def test_generators_are_seeded():
    for make in (datasets.stretched_blobs, datasets.two_gaussians, datasets.coin_flips):
        a, b = make(random_state=3), make(random_state=3)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        assert not np.array_equal(a[0], make(random_state=4)[0])


def test_blobs_follow_their_parameters():
    X, z = datasets.blobs([[0, 0], [10, 0]], [[[1, 0.8], [0.8, 1]], [[2, 0], [0, 0.5]]], 20000,
                          weights=[0.3, 0.7], random_state=0)
    assert abs(np.mean(z == 0) - 0.3) < 0.02
    assert np.allclose(np.cov(X[z == 0].T), [[1, 0.8], [0.8, 1]], atol=0.06)


def test_coin_flips_and_digits_are_binary():
    X, z = datasets.coin_flips(50, 12, biases=(0.1, 0.9))
    assert X.shape == (50, 12) and set(np.unique(X)) <= {0.0, 1.0} and set(z) <= {0, 1}
    D, labels = datasets.load_digits_binary()
    assert D.shape == (1797, 64) and set(np.unique(D)) == {0.0, 1.0} and labels.shape == (1797,)


def test_two_gaussians_has_two_equal_halves():
    X, z = datasets.two_gaussians(500)
    assert X.shape == (1000, 2) and abs(z.mean() - 0.5) < 0.05


def test_default_stretched_blobs_defeat_kmeans_but_not_a_full_gmm():
    from sklearn.metrics import adjusted_rand_score

    import emlib

    X, z = datasets.stretched_blobs()
    kmeans = adjusted_rand_score(z, emlib.KMeans(4, n_init=10, random_state=0).fit_predict(X))
    gmm = adjusted_rand_score(z, emlib.GaussianMixture(4, n_init=5, random_state=0).fit_predict(X))
    assert kmeans < 0.7 < 0.9 < gmm


def test_two_gaussians_samples_the_covariances_the_chapter_prints():
    # x = u A for a standard normal row u has covariance AᵀA; A = [[0, -0.1], [1.7, 0.4]] gives,
    # by hand, [[0² + 1.7², 0·(-0.1) + 1.7·0.4], [., 0.1² + 0.4²]]; the round component is 0.7² I.
    expected = [np.array([[2.89, 0.68], [0.68, 0.17]]), 0.49 * np.eye(2)]
    X, z = datasets.two_gaussians(100_000, random_state=1)
    for k in range(2):
        assert np.allclose(np.cov(X[z == k].T), expected[k], rtol=0.02, atol=0.004)
    assert np.allclose(X[z == 1].mean(axis=0), [-6, 3], atol=0.01)


def test_two_gaussians_rejects_a_bad_size():
    import pytest

    with pytest.raises(ValueError, match="n_per_component"):
        datasets.two_gaussians(0)
