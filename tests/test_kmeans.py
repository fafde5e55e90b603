"""KMeans: parity with scikit-learn's Lloyd, the empty-cluster rule and the soft-to-hard limit."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans

import emlib
from emlib import kmeans


@pytest.mark.parametrize("seed", range(4))
def test_parity_with_scikit_learn_lloyd(make_blobs, seed):
    X, _ = make_blobs(seed, n_samples=500, n_components=5)
    init = X[np.random.default_rng(seed).choice(len(X), 5, replace=False)]
    ours = emlib.KMeans(5, init=init).fit(X)
    theirs = SKKMeans(5, init=init, n_init=1, algorithm="lloyd").fit(X)
    assert np.allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-10, atol=1e-12)
    assert np.array_equal(ours.labels_, theirs.labels_)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-10)
    assert ours.n_iter_ == theirs.n_iter_
    assert np.array_equal(ours.predict(X), theirs.predict(X))


def test_distortion_never_rises(make_blobs):
    X, _ = make_blobs(1, n_samples=400, n_components=6)
    history = emlib.KMeans(6, init="random", random_state=1).fit(X).history_
    J = history.series("distortion")[1:]
    assert np.all(np.diff(J) <= 1e-9 * J[0])
    assert history[0].distortion is None and history[0].phase == "init"


def test_empty_cluster_keeps_its_centre():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    centers = np.array([[0.0, 0.0], [5.0, 5.0], [100.0, 100.0]])  # the third centre attracts no point
    labels = kmeans.e_step(X, centers)
    assert 2 not in labels
    new = kmeans.m_step(X, labels, centers)
    assert np.array_equal(new[2], centers[2])
    assert np.allclose(new[:2], [[0.05, 0.0], [5.05, 5.0]])
    model = emlib.KMeans(3, init=centers).fit(X)  # the fit runs through it and J still falls
    assert np.array_equal(model.cluster_centers_[2], centers[2])
    assert np.all(np.diff(model.history_.series("distortion")[1:]) <= 0)


def test_soft_responsibilities_tend_to_hard_assignments(make_blobs):
    X, _ = make_blobs(2)
    centers = X[:3]
    hard = np.eye(3)[kmeans.e_step(X, centers)]
    # a point whose two nearest centres differ by a margin m has a gap of about exp(−m / 2ε)
    margins = np.diff(np.sort(kmeans.squared_distances(X, centers), axis=1)[:, :2], axis=1)
    assert margins.min() > 1e-6
    epsilons = (10, 1, 0.1, 1e-3, margins.min() / 100)
    gaps = [np.abs(kmeans.soft_responsibilities(X, centers, eps) - hard).max() for eps in epsilons]
    assert gaps[0] > 0.1
    assert all(a >= b for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] < 1e-20
    assert np.allclose(kmeans.soft_responsibilities(X, centers, 1e-12), hard)  # no NaN in the limit


def test_kmeans_plusplus_picks_distinct_data_points(make_blobs):
    X, _ = make_blobs(3)
    centers, indices = kmeans.kmeans_plusplus(X, 5, random_state=0)
    assert len(set(indices)) == 5 and np.array_equal(centers, X[indices])


def test_kmeans_plusplus_beats_random_on_average(make_blobs):
    X, _ = make_blobs(4, n_samples=600, n_components=8, spread=10)
    pp = np.mean([emlib.KMeans(8, max_iter=1, random_state=s).fit(X).history_[1].distortion for s in range(10)])
    rnd = np.mean([emlib.KMeans(8, init="random", max_iter=1, random_state=s).fit(X).history_[1].distortion
                   for s in range(10)])
    assert pp < rnd


def test_restarts_keep_the_lowest_distortion(make_blobs):
    X, _ = make_blobs(5, n_components=5)
    model = emlib.KMeans(5, init="random", n_init=5, random_state=0).fit(X)
    assert model.final_distortions_.shape == (5,)
    assert model.inertia_ == pytest.approx(model.final_distortions_.min())
