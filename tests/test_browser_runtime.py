"""What emlib does differently in a browser (Pyodide): no threads, NaN from a failed Cholesky, 32-bit
integers. These run natively by imitating the browser, and again under Pyodide (tests/test_pyodide.py)."""

import sys

import numpy as np
import pytest

import emlib
from emlib import datasets, gmm
from emlib._fast import parallel

NATIVE_CHOLESKY = np.linalg.cholesky
INDEFINITE = np.array([[1.0, 2.0], [2.0, 1.0]])  # symmetric, eigenvalues 3 and -1


def nan_cholesky(a):
    """Pyodide's numpy: NaN where a factor does not exist, instead of an error."""
    try:
        return NATIVE_CHOLESKY(a)
    except np.linalg.LinAlgError:
        return np.full_like(np.asarray(a, dtype=float), np.nan)


def test_a_nan_cholesky_factor_is_the_clear_collapse_error(monkeypatch):
    monkeypatch.setattr(np.linalg, "cholesky", nan_cholesky)
    with pytest.raises(ValueError, match="The covariance of component 1 is not positive definite"):
        gmm.precision_cholesky(np.stack([np.eye(2), INDEFINITE]))
    with pytest.raises(ValueError, match="The covariance of component [(]shared[)] is not positive definite"):
        gmm.precision_cholesky(INDEFINITE, "tied")
    assert np.isfinite(gmm.precision_cholesky(np.stack([np.eye(2), 2 * np.eye(2)]))).all()


def test_a_nan_cholesky_of_precisions_init_names_the_parameter(monkeypatch):
    monkeypatch.setattr(np.linalg, "cholesky", nan_cholesky)
    model = emlib.GaussianMixture(2, precisions_init=np.stack([np.eye(2), INDEFINITE]))
    with pytest.raises(ValueError, match=r"precisions_init\[1\] must be positive definite"):
        model.fit(np.random.default_rng(0).normal(size=(20, 2)))


def test_without_threads_emlib_runs_on_one_and_never_asks_for_blas(monkeypatch):
    X, _ = datasets.blobs([[0.0, 0.0], [4.0, 4.0]], [1.0, 1.0], n_samples=20_000, random_state=0)
    native = emlib.GaussianMixture(2, random_state=0, max_iter=5, tol=0).fit(X)

    def no_blas_controller():
        raise AssertionError("threadpoolctl must not be asked where there are no threads")

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(parallel, "_controller", no_blas_controller)
    assert parallel.n_threads() == 1
    browser = emlib.GaussianMixture(2, random_state=0, max_iter=5, tol=0).fit(X)
    assert len(parallel.split(len(X), 4)) > 1  # several blocks, run one after the other
    np.testing.assert_array_equal(browser.means_, native.means_)
    assert browser.history_.series("log_likelihood").tolist() == native.history_.series("log_likelihood").tolist()


def test_labels_are_the_platforms_index_integers():
    X, labels = datasets.blobs([[0.0], [5.0]], [1.0, 1.0], n_samples=50, random_state=0)
    assert labels.dtype == np.intp
    sampled, drawn = emlib.GaussianMixture(2, random_state=0).fit(X).sample(30)
    assert drawn.dtype == np.intp
    km = emlib.KMeans(2, random_state=0).fit(X)
    assert km.labels_.dtype == np.intp and km.predict(X).dtype == np.intp
    np.bincount(drawn, minlength=2)  # what refused int64 labels on 32-bit WebAssembly
