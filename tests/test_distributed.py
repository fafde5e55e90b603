"""emlib on a Dask cluster: the same fit as in memory, lazy predictions, and clear errors for bad chunks.

The module starts a LocalCluster of two worker processes (one thread each) and closes it at the end.
"""

import subprocess
import sys
import warnings

import dask.array as da
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster

import emlib
from emlib import distributed


@pytest.fixture(scope="module", autouse=True)
def client():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def blobs(seed=0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(size=(300, 3)) @ rng.normal(size=(3, 3)) + centre
                        for centre in ([0, 0, 0], [5, 4, 0], [0, 6, 5])])
    return X[rng.permutation(len(X))]


X = blobs()
# 9 chunks of 100 rows: more than SPLIT_EVERY (8), so the tree has two levels
DX = da.from_array(X, chunks=(100, -1))


def assert_same_fit(memory, dask_fit):
    """Every entry of the histories (phase, iteration, parameters, log-likelihood, ELBO, KL or J)
    and the fitted parameters agree to 1e-10 (relative to the log-likelihood's or J's size for the
    KL, which is a difference of sums of that size)."""
    a, b = memory.history_, dask_fit.history_
    assert a.phases == b.phases
    assert [s.iteration for s in a] == [s.iteration for s in b]
    for name in ("log_likelihood", "elbo", "kl", "distortion"):
        x, y = a.series(name), b.series(name)
        assert np.array_equal(np.isnan(x), np.isnan(y)), name
        scale = np.nanmax(np.abs(a.series("distortion" if name == "distortion" else "log_likelihood")), initial=1.0)
        np.testing.assert_allclose(y[~np.isnan(y)], x[~np.isnan(x)], rtol=1e-10, atol=1e-10 * scale, err_msg=name)
    for step_a, step_b in zip(a, b):
        for value_a, value_b in zip(step_a.params, step_b.params):
            if isinstance(value_a, np.ndarray):
                np.testing.assert_allclose(value_b, value_a, rtol=1e-10, atol=1e-12)
            else:
                assert value_a == value_b
    assert memory.converged_ == dask_fit.converged_ and memory.n_iter_ == dask_fit.n_iter_


def fit_both(model_class, data, chunks, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        memory = model_class(**params).fit(data)
        dask_fit = model_class(**params).fit(da.from_array(data, chunks=(chunks, -1)))
    return memory, dask_fit


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_gaussian_mixture_matches_the_in_memory_fit(covariance_type):
    memory, dask_fit = fit_both(emlib.GaussianMixture, X, 100, n_components=3, covariance_type=covariance_type,
                                random_state=1, max_iter=8, tol=0)
    assert_same_fit(memory, dask_fit)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_", "precisions_"):
        np.testing.assert_allclose(getattr(dask_fit, name), getattr(memory, name), rtol=1e-10, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(dask_fit.lower_bounds_, memory.lower_bounds_, rtol=1e-10)
    assert len(memory.history_) == 17  # 8 iterations ran: tol = 0 never stops the fit


def test_gaussian_mixture_converges_where_the_in_memory_fit_does():
    memory, dask_fit = fit_both(emlib.GaussianMixture, X, 100, n_components=3, random_state=0,
                                init_params="random_from_data", tol=1e-3)
    assert memory.converged_ and memory.n_iter_ < 100
    assert_same_fit(memory, dask_fit)


@pytest.mark.parametrize("beta_prior", [None, (2.0, 3.0)])
def test_bernoulli_mixture_matches_the_in_memory_fit(beta_prior):
    rng = np.random.default_rng(2)
    prototypes = rng.uniform(0.05, 0.95, size=(3, 16))
    B = (rng.uniform(size=(600, 16)) < prototypes[rng.integers(3, size=600)]).astype(float)
    memory, dask_fit = fit_both(emlib.BernoulliMixture, B, 64, n_components=3, random_state=0, max_iter=15, tol=0,
                                beta_prior=beta_prior)
    assert_same_fit(memory, dask_fit)
    np.testing.assert_allclose(dask_fit.means_, memory.means_, rtol=1e-10)
    np.testing.assert_allclose(dask_fit.weights_, memory.weights_, rtol=1e-10)


def test_kmeans_matches_the_in_memory_fit():
    memory, dask_fit = fit_both(emlib.KMeans, X, 100, n_clusters=4, random_state=0, max_iter=100)
    assert memory.converged_
    assert_same_fit(memory, dask_fit)
    np.testing.assert_allclose(dask_fit.cluster_centers_, memory.cluster_centers_, rtol=1e-10)
    np.testing.assert_allclose(dask_fit.inertia_, memory.inertia_, rtol=1e-10)
    assert isinstance(dask_fit.labels_, da.Array)
    np.testing.assert_array_equal(dask_fit.labels_.compute(), memory.labels_)


def test_a_chunk_without_rows_changes_nothing():
    # chunks of 450, 0 and 450 rows: the empty one adds nothing to the sums
    for model_class, params in [(emlib.GaussianMixture, dict(n_components=3)), (emlib.KMeans, dict(n_clusters=3))]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", emlib.ConvergenceWarning)
            memory = model_class(random_state=0, max_iter=4, tol=0, **params).fit(X)
            dask_fit = model_class(random_state=0, max_iter=4, tol=0, **params).fit(
                da.from_array(X, chunks=((450, 0, 450), (3,))))
        assert_same_fit(memory, dask_fit)


def test_kmeans_moves_an_emptied_cluster_as_in_memory():
    # the fourth centre is far from every sample: its cluster is empty after the first E-step, and
    # the M-step moves it to the sample farthest from its new centre (which needs its own pass)
    init = np.vstack([X[:3], [[100.0, 100.0, 100.0]]])
    memory, dask_fit = fit_both(emlib.KMeans, X, 100, n_clusters=4, init=init, max_iter=3, tol=0)
    assert not np.allclose(memory.history_[2].params.centers[3], init[3])  # it moved
    assert_same_fit(memory, dask_fit)


def test_kmeans_keeps_the_same_one_of_several_starts():
    # three starts that end at three different distortions (starts that reach the same optimum
    # tie to rounding, and either may then be kept)
    memory, dask_fit = fit_both(emlib.KMeans, X, 100, n_clusters=6, init="random", n_init=3, random_state=1,
                                max_iter=4, tol=0)
    assert len(np.unique(memory.final_distortions_.round(6))) == 3
    assert_same_fit(memory, dask_fit)
    np.testing.assert_allclose(dask_fit.final_distortions_, memory.final_distortions_, rtol=1e-10)


def test_a_large_array_starts_from_a_sample_of_its_rows(monkeypatch):
    # with room for 100 rows of 3 doubles, the start is the in-memory recipe on 100 rows drawn by
    # the fit's generator, in row order
    monkeypatch.setattr(distributed, "SAMPLE_BYTES", 100 * 3 * 8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        dask_fit = emlib.GaussianMixture(3, random_state=5, max_iter=2, tol=0).fit(DX)
    rng = np.random.default_rng(5)
    rows = np.sort(rng.choice(len(X), size=100, replace=False))
    start = emlib.GaussianMixture(3, random_state=rng, max_iter=0).fit(X[rows]).history_[0].params
    for value, expected in zip(dask_fit.history_[0].params[:4], start[:4]):
        np.testing.assert_allclose(value, expected, rtol=1e-12)
    assert np.diff(dask_fit.history_.series("log_likelihood")[1:]).min() > -1e-6  # EM still climbs


def test_predictions_are_lazy_dask_arrays():
    model = emlib.GaussianMixture(3, random_state=0).fit(X)
    kmeans = emlib.KMeans(3, random_state=0).fit(X)
    for fitted, name, shape in [(model, "predict", (len(X),)), (model, "predict_proba", (len(X), 3)),
                                (model, "score_samples", (len(X),)), (kmeans, "predict", (len(X),)),
                                (kmeans, "transform", (len(X), 3))]:
        out = getattr(fitted, name)(DX)
        assert isinstance(out, da.Array) and out.shape == shape, name
        assert out.chunks[0] == DX.chunks[0]
        np.testing.assert_allclose(out.compute(), getattr(fitted, name)(X), rtol=1e-12, err_msg=name)


def _explode(block):
    raise RuntimeError("a chunk was computed")


def test_predicting_computes_nothing_until_asked():
    model = emlib.GaussianMixture(2, random_state=0).fit(X)
    out = model.predict_proba(DX.map_blocks(_explode, dtype=float))  # no chunk is computed here
    with pytest.raises(RuntimeError, match="a chunk was computed"):
        out.compute()


def test_bad_chunks_are_named_with_their_rows():
    model = emlib.GaussianMixture(2, max_iter=3)
    with pytest.raises(ValueError, match=r"split along its features.*X.rechunk\(\{0: 'auto', 1: -1\}\)"):
        model.fit(da.from_array(X, chunks=(100, 2)))
    with pytest.raises(ValueError, match=r"chunk sizes are unknown.*compute_chunk_sizes"):
        model.fit(DX[DX[:, 0] > 0])
    bad = X.copy()
    bad[345, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity in the chunk of rows 300 to 399"):
        model.fit(da.from_array(bad, chunks=(100, -1)))
    bad[10, 0] = np.inf
    with pytest.raises(ValueError, match=r"rows 0 to 99 \(and 1 more chunk\)"):
        model.fit(da.from_array(bad, chunks=(100, -1)))
    fitted = emlib.GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="NaN or infinity in the chunk of rows (0 to 99|300 to 399)"):  # either may fail first
        fitted.predict(da.from_array(bad, chunks=(100, -1))).compute()
    with pytest.raises(ValueError, match="X has 2 features, but GaussianMixture was fitted with 3"):
        fitted.predict(DX[:, :2])
    with pytest.raises(ValueError, match=r"values other than 0 and 1 in the chunk of rows 40 to 79.*threshold"):
        emlib.BernoulliMixture(2).fit(da.from_array(np.where(np.arange(200)[:, None] == 50, 0.5, 1.0) * np.ones((1, 4)),
                                                    chunks=(40, -1)))


def test_importing_emlib_does_not_import_dask():
    code = ("import sys, numpy as np, emlib; emlib.GaussianMixture(2, random_state=0).fit(np.arange(20.0).reshape(10, 2)); "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')], 'dask imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_max_iter_0_verbose_and_warm_start_as_in_memory(capsys):
    for model_class, params in [(emlib.KMeans, dict(n_clusters=3, max_iter=0, random_state=0)),
                                (emlib.GaussianMixture, dict(n_components=3, max_iter=0, random_state=0)),
                                (emlib.BernoulliMixture, dict(n_components=2, max_iter=2, tol=0, random_state=0, verbose=1))]:
        data = (X > 0).astype(float) if model_class is emlib.BernoulliMixture else X
        memory, dask_fit = fit_both(model_class, data, 100, **params)
        assert_same_fit(memory, dask_fit)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 4 and printed[:2] == printed[2:]  # the same two lines from both fits
    memory, dask_fit = (emlib.GaussianMixture(3, random_state=0, max_iter=3, warm_start=True) for _ in range(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        memory.fit(X).fit(X)
        dask_fit.fit(DX).fit(DX)
    assert_same_fit(memory, dask_fit)
