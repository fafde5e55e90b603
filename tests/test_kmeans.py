"""KMeans: parity with scikit-learn's Lloyd, the E-step's shortcut, the empty-cluster rule and the
soft-to-hard limit."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans

import emlib
from emlib import kmeans
from emlib._fast import kmeans as fast_kmeans


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


def test_long_run_on_uniform_data_matches_scikit_learn():
    # Uniform data keeps Lloyd's algorithm moving in small steps for dozens of iterations: the
    # E-step's shortcut then skips most points, and the fit must still follow scikit-learn's.
    rng = np.random.default_rng(7)
    X = rng.uniform(size=(4000, 2))
    init = X[rng.choice(len(X), 8, replace=False)]
    ours = emlib.KMeans(8, init=init, tol=0.0).fit(X)
    theirs = SKKMeans(8, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
    assert ours.n_iter_ == theirs.n_iter_ > 30
    assert np.allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-10, atol=1e-12)
    assert np.array_equal(ours.labels_, theirs.labels_)


def test_data_far_from_the_origin():
    # |x|² − 2 xᵀμ + |μ|² on data around 10⁸ would cancel every digit of the distances
    rng = np.random.default_rng(8)
    X = 1e8 + rng.uniform(size=(3000, 2))
    init = X[:5]
    ours = emlib.KMeans(5, init=init, tol=0.0).fit(X)
    theirs = SKKMeans(5, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
    assert ours.n_iter_ == theirs.n_iter_
    assert np.allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-14, atol=0)
    assert np.array_equal(ours.labels_, theirs.labels_)
    assert np.array_equal(ours.predict(X), theirs.labels_)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-6)


def _hard_e_steps(X, init, n_steps, keep_empty=False):
    """The assignments q of ``n_steps`` iterations of the engine KMeans.fit runs (with
    ``keep_empty``, an empty cluster keeps its centre, as in ``kmeans.m_step``)."""
    engine = fast_kmeans.KMeansEngine(X)
    params, q = kmeans.KMeansParams(np.array(init, dtype=float)), None
    for _ in range(n_steps):
        q, _ = engine.e_step(params, q)
        yield q
        params = kmeans.KMeansParams(kmeans.m_step(X, q.labels, q.centers)) if keep_empty else engine.m_step(q)


def _grid():
    """The integer points of [−4, 2] × [−3, 3]: their mean is (−1, 0), and many distances tie."""
    return np.stack(np.meshgrid(np.arange(-4.0, 3), np.arange(-3.0, 4)), axis=-1).reshape(-1, 2)


@pytest.mark.parametrize("case", ["uniform", "emptied", "ties"])
def test_every_e_step_is_exact_and_its_margins_are_lower_bounds(case, monkeypatch):
    if case in ("uniform", "emptied"):
        rng = np.random.default_rng(3)
        X = rng.uniform(-1, 3, size=(3000, 3))
        init = X[:6]
        if case == "emptied":  # two centres far away get no point: the M-step moves them onto samples
            init = np.vstack([init, [[40.0, 40.0, 40.0], [-40.0, 40.0, 40.0]]])
    else:
        # centres 0 and 2 coincide at the grid's mean and never move (2 gets no point, 1 is far away
        # and gets none either, and empty clusters keep their centres): every point ties between 0
        # and 2 in every E-step.
        X = _grid()
        init = [[-1.0, 0.0], [50.0, 50.0], [-1.0, 0.0]]
    examined = []
    measure = fast_kmeans._nearest_with_margins
    monkeypatch.setattr(fast_kmeans, "_nearest_with_margins",
                        lambda data, centered, idx: examined.append(len(idx)) or measure(data, centered, idx))
    previous = None
    counts = []
    for q in _hard_e_steps(X, init, 25, keep_empty=case == "ties"):
        counts.append(q.counts)
        # the textbook E-step: distances as differences, argmin takes the first of tied centres
        d2 = ((X[:, None, :] - q.centers[None, :, :]) ** 2).sum(axis=2)
        assert np.array_equal(q.labels, d2.argmin(axis=1))
        nearest_two = np.sqrt(np.sort(d2, axis=1)[:, :2])
        assert np.all(q.margins <= nearest_two[:, 1] - nearest_two[:, 0])
        assert np.array_equal(q.counts, np.bincount(q.labels, minlength=len(init)))
        sums = np.stack([np.bincount(q.labels, weights=x, minlength=len(init)) for x in (X - X.mean(0)).T], 1)
        assert np.allclose(q.sums, sums, rtol=0, atol=1e-12 * np.abs(X).max() * len(X))
        assert q.changed == (len(X) if previous is None else np.count_nonzero(q.labels != previous.labels))
        previous = q
    if case != "ties":
        assert min(examined) < len(X) / 4  # the shortcut did skip most points
    else:
        assert examined == [len(X)] * len(examined)  # tied points have no margin: always examined
        assert np.all(previous.labels == 0)
    if case == "emptied":  # emptied at first, then every cluster has points
        assert np.count_nonzero(counts[0] == 0) == 2 and np.all(counts[-1] > 0)


def test_distortion_never_rises(make_blobs):
    X, _ = make_blobs(1, n_samples=400, n_components=6)
    history = emlib.KMeans(6, init="random", random_state=1).fit(X).history_
    J = history.series("distortion")[1:]
    assert np.all(np.diff(J) <= 1e-9 * J[0])
    assert history[0].distortion is None and history[0].phase == "init"


def test_the_update_step_keeps_an_empty_clusters_centre():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    centers = np.array([[0.0, 0.0], [5.0, 5.0], [100.0, 100.0]])  # the third centre attracts no point
    labels = kmeans.e_step(X, centers)
    assert 2 not in labels
    new = kmeans.m_step(X, labels, centers)
    assert np.array_equal(new[2], centers[2])
    assert np.allclose(new[:2], [[0.05, 0.0], [5.05, 5.0]])


def test_the_fit_moves_an_emptied_centre_to_the_farthest_point_and_j_never_rises():
    # cluster 2 starts empty; the fit's M-step places its centre on the sample farthest from its
    # own (new) centre, (9, 0), without changing q, so J(q, θ) still never rises half-step by half-step
    X = np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 0.0], [20.0, 0.0], [21.0, 0.0]])
    centers = np.array([[0.0, 0.0], [20.0, 0.0], [100.0, 0.0]])
    model = emlib.KMeans(3, init=centers).fit(X)
    h = model.history_
    assert h[1].phase == "E" and 2 not in h.responsibilities(X, 1).argmax(axis=1)
    assert np.array_equal(h[2].params.centers[2], [9.0, 0.0])
    assert h[2].params.centers[0, 0] == pytest.approx(10 / 3)  # the mean of 0, 1, 9: q did not change
    J = h.series("distortion")[1:]
    assert np.all(np.diff(J) <= 0)
    assert np.array_equal(model.labels_, [0, 0, 2, 1, 1]) and model.inertia_ == pytest.approx(1.0)


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


def test_statistics_combine_and_give_the_update():
    rng = np.random.default_rng(4)
    X = 1e6 + rng.normal(size=(150, 2))
    labels = rng.integers(0, 3, size=150)
    labels[labels == 2] = 1  # cluster 2 is empty: it keeps its old centre
    old = rng.normal(size=(3, 2))
    stats = kmeans.statistics(X, labels, 3)
    assert np.array_equal(stats.n, [np.sum(labels == k) for k in range(3)])
    merged = kmeans.combine(kmeans.statistics(X[:40], labels[:40], 3), kmeans.statistics(X[40:], labels[40:], 3))
    assert np.array_equal(merged.n, stats.n) and np.allclose(merged.sum_x, stats.sum_x, rtol=1e-15)
    new = kmeans.params_from_statistics(merged, old)
    for k in (0, 1):
        assert np.allclose(new[k], X[labels == k].mean(axis=0), rtol=1e-14)
    assert np.array_equal(new[2], old[2])
    assert np.allclose(kmeans.m_step(X, labels, old), new, rtol=1e-14)
