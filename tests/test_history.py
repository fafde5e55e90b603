"""The history's invariants, over many data sets, K and covariance types (property-based)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emlib
from emlib import bernoulli, gmm

SETTINGS = settings(max_examples=40, deadline=None)


def check_invariants(history, X, log_posterior):
    """KL = 0 after every E-step, the ELBO rises at every M-step, the log-likelihood never falls,
    and log p(X|θ) = ELBO + KL with the KL recomputed independently from the responsibilities."""
    assert history[0].phase == "init" and history[0].elbo is None and history[0].kl is None
    assert history.phases[1:] == ["E", "M"] * (len(history) // 2)
    ll = history.series("log_likelihood")
    scale = max(1.0, np.abs(ll).max())
    assert np.all(np.diff(ll) >= -1e-9 * scale), "the log-likelihood fell"
    for t in range(1, len(history)):
        step = history[t]
        q = history.responsibilities(X, t)
        log_q = np.log(np.where(q > 0, q, 1.0))
        kl = float(np.sum(q * (log_q - log_posterior(X, step.params))))
        assert step.log_likelihood == pytest.approx(step.elbo + kl, rel=1e-9, abs=1e-9)
        assert step.kl == pytest.approx(kl, rel=1e-7, abs=1e-9 * scale)  # the recorded KL is the same sum
        assert step.log_likelihood == pytest.approx(step.elbo + step.kl, rel=1e-12, abs=1e-9)
        assert kl >= -1e-9 * scale
        if step.phase == "E":
            assert abs(step.kl) <= 1e-10 * scale
            assert step.params is history[t - 1].params  # the E-step changes q, not θ
        else:
            assert step.elbo >= history[t - 1].elbo - 1e-9 * scale, "the M-step lowered the ELBO"


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n_components=st.integers(1, 4),
    n_features=st.integers(1, 3),
    covariance_type=st.sampled_from(["full", "tied", "diag", "spherical"]),
    init_params=st.sampled_from(["kmeans", "random", "random_from_data", "k-means++"]),
)
def test_gaussian_history_invariants(seed, n_components, n_features, covariance_type, init_params):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, n_features)) + rng.integers(0, 4, size=(60, 1)) * 3.0
    model = emlib.GaussianMixture(n_components, covariance_type=covariance_type, init_params=init_params,
                                  max_iter=15, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        model.fit(X)
    check_invariants(model.history_, X, lambda X, p: gmm.e_step(X, p)[0])
    assert model.history_[-1].params.means is model.means_


@SETTINGS
@given(seed=st.integers(0, 10_000), n_components=st.integers(1, 4), prior=st.sampled_from([None, (2.0, 2.0)]))
def test_bernoulli_history_invariants(seed, n_components, prior):
    rng = np.random.default_rng(seed)
    X = (rng.uniform(size=(50, 15)) < rng.uniform(0.1, 0.9, size=15)).astype(float)
    model = emlib.BernoulliMixture(n_components, max_iter=15, random_state=seed, beta_prior=prior)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        model.fit(X)
    check_invariants(model.history_, X, lambda X, p: bernoulli.e_step(X, p)[0])


@SETTINGS
@given(seed=st.integers(0, 10_000), n_clusters=st.integers(1, 5))
def test_kmeans_history_records_falling_distortion(seed, n_clusters):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 2)) * rng.uniform(0.5, 3)
    model = emlib.KMeans(n_clusters, random_state=seed, init="random").fit(X)
    history = model.history_
    J = history.series("distortion")
    assert np.isnan(J[0]) and np.all(np.diff(J[1:]) <= 1e-9 * J[1])
    for t in range(1, len(history)):
        labels = history.responsibilities(X, t).argmax(axis=1)
        centers = history[t].params.centers
        assert history[t].distortion == pytest.approx(((X - centers[labels]) ** 2).sum(), rel=1e-10, abs=1e-12)
    # the history ends with the E-step that gave labels_: its J is inertia_
    assert model.inertia_ == pytest.approx(J[-1], rel=1e-10, abs=1e-12)
    assert np.array_equal(history.responsibilities(X, -1).argmax(axis=1), model.labels_)
    if history.phases[-1] == "M":  # the last E-step changed no label, so this M-step moved no centre
        assert np.array_equal(history[-1].params.centers, history[-2].params.centers)
    assert model.n_iter_ == history.phases.count("M")


def test_kmeans_stopped_by_tol_ends_with_the_e_step_of_its_final_centres():
    # a loose tol stops the fit while the centres still move: the last M-step's centres then assign
    # some points differently from the E-step before it, and one more E-step ends the history
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(2000, 2))
    model = emlib.KMeans(8, init=X[:8], tol=1e-2).fit(X)
    h = model.history_
    assert model.converged_ and h.phases[-3:] == ["E", "M", "E"]
    assert h[-1].iteration == model.n_iter_ + 1 and h[-1].params is h[-2].params
    before = h.responsibilities(X, -2).argmax(axis=1)  # the E-step the last M-step used
    assert np.any(before != model.labels_)
    assert np.array_equal(h.responsibilities(X, -1).argmax(axis=1), model.labels_)
    direct = ((X - model.cluster_centers_[model.labels_]) ** 2).sum()
    assert h[-1].distortion == pytest.approx(direct, rel=1e-12) and model.inertia_ == pytest.approx(direct, rel=1e-14)
    assert h[-2].distortion > h[-1].distortion


def test_history_memory_does_not_grow_with_n_samples(make_blobs):
    def history_bytes(n):
        X, _ = make_blobs(0, n_samples=n)
        h = emlib.GaussianMixture(3, tol=0, max_iter=10, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", emlib.ConvergenceWarning)
            h = h.fit(X).history_
        return sum(a.nbytes for step in h for a in step.params if isinstance(a, np.ndarray)), len(h)

    assert history_bytes(200) == history_bytes(5000)


def test_responsibilities_at_the_end_are_the_last_e_step(make_blobs):
    X, _ = make_blobs(1)
    model = emlib.GaussianMixture(3, random_state=0).fit(X)
    h = model.history_
    assert h.responsibilities(X, 0) is None
    last_e = max(t for t in range(len(h)) if h[t].phase == "E")
    expected = np.exp(gmm.e_step(X, h[last_e].params)[0])
    assert np.allclose(h.responsibilities(X, -1), expected)
    with pytest.raises(IndexError):
        h.responsibilities(X, len(h))


@pytest.mark.parametrize("make", [lambda: emlib.GaussianMixture(2, random_state=0), lambda: emlib.KMeans(2, random_state=0),
                                  lambda: emlib.BernoulliMixture(2, random_state=0)])
def test_the_history_keeps_no_reference_to_its_model(make):
    # data → pure steps → history: the history recomputes q with the model module's pure E-step, so
    # it does not keep the model alive (no model ↔ history cycle: the model is freed at once)
    import gc
    import weakref

    rng = np.random.default_rng(0)
    model = make()
    X = (rng.random((60, 3)) < 0.5).astype(float)  # binary, for the Bernoulli mixture
    if not isinstance(model, emlib.BernoulliMixture):
        X += 0.01 * rng.normal(size=X.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)
    history, alive = model.history_, weakref.ref(model)
    gc.disable()
    try:
        del model
        assert alive() is None
    finally:
        gc.enable()
    assert history.responsibilities(X, 1).shape == (60, 2)
