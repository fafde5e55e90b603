"""Bad input gets a clear ValueError naming the parameter and what to do (one test per case)."""


import numpy as np
import pytest

import emlib
from emlib import kmeans

X = np.random.default_rng(0).normal(size=(30, 2))
B = (np.random.default_rng(0).uniform(size=(30, 4)) < 0.5).astype(float)


def fit_error(model, data=X):
    with pytest.raises(ValueError) as info:
        model.fit(data)
    return str(info.value)


def test_nan_in_X():
    bad = X.copy()
    bad[3, 1] = np.nan
    assert "NaN" in fit_error(emlib.GaussianMixture(2), bad) and "X[3, 1]" in fit_error(emlib.GaussianMixture(2), bad)


def test_inf_in_X():
    bad = X.copy()
    bad[0, 0] = np.inf
    assert "infinity" in fit_error(emlib.KMeans(2), bad)


def test_one_dimensional_X_says_how_to_reshape():
    assert "reshape(-1, 1)" in fit_error(emlib.GaussianMixture(2), X[:, 0])


def test_empty_X():
    assert "empty" in fit_error(emlib.GaussianMixture(2), np.empty((0, 2)))


def test_fewer_samples_than_components():
    message = fit_error(emlib.GaussianMixture(5), X[:3])
    assert "3 samples" in message and "n_components" in message


def test_n_components_below_one():
    assert "n_components must be an integer >= 1" in fit_error(emlib.GaussianMixture(0))


def test_unknown_covariance_type():
    assert "covariance_type must be one of" in fit_error(emlib.GaussianMixture(2, covariance_type="ful"))


def test_unknown_init_params():
    assert "init_params must be one of" in fit_error(emlib.GaussianMixture(2, init_params="kmeans+"))


def test_weights_init_wrong_shape():
    assert "weights_init must have shape (2,)" in fit_error(emlib.GaussianMixture(2, weights_init=[1.0]))


def test_weights_init_negative():
    assert "non-negative" in fit_error(emlib.GaussianMixture(2, weights_init=[1.5, -0.5]))


def test_weights_init_not_summing_to_one():
    assert "must sum to 1" in fit_error(emlib.GaussianMixture(2, weights_init=[0.5, 0.6]))


def test_means_init_wrong_shape():
    assert "means_init must have shape (2, 2)" in fit_error(emlib.GaussianMixture(2, means_init=np.zeros((3, 2))))


def test_precisions_init_wrong_shape():
    message = fit_error(emlib.GaussianMixture(2, precisions_init=np.ones((2, 2))))
    assert "precisions_init must have shape (2, 2, 2)" in message


def test_precisions_init_not_symmetric():
    P = np.stack([np.eye(2), [[1.0, 0.5], [0.0, 1.0]]])
    assert "precisions_init[1] must be symmetric" in fit_error(emlib.GaussianMixture(2, precisions_init=P))


def test_precisions_init_not_positive_definite():
    P = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])
    assert "precisions_init[1] must be positive definite" in fit_error(emlib.GaussianMixture(2, precisions_init=P))


def test_non_binary_data_for_bernoulli_names_the_first_value():
    bad = B.copy()
    bad[2, 3] = 0.5
    message = fit_error(emlib.BernoulliMixture(2), bad)
    assert "binary" in message and "0.5" in message and "X[2, 3]" in message


def test_predict_with_another_number_of_features():
    model = emlib.GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but GaussianMixture is expecting 2 features"):
        model.predict(np.zeros((4, 3)))


def test_score_with_another_number_of_features():
    model = emlib.BernoulliMixture(2, random_state=0).fit(B)
    with pytest.raises(ValueError, match="X has 2 features, but BernoulliMixture is expecting 4 features"):
        model.score(B[:, :2])


@pytest.mark.parametrize("model", [emlib.GaussianMixture(2), emlib.BernoulliMixture(2), emlib.KMeans(2)])
def test_predict_before_fit(model):
    with pytest.raises(emlib.NotFittedError, match="not fitted yet; call fit"):
        model.predict(B)


@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_integer_and_float32_input_work_and_float32_is_preserved(dtype):
    # emlib computes in float64 and returns fitted attributes in X's dtype when it is float32
    data = (X * 10).astype(dtype)
    ref = emlib.GaussianMixture(2, random_state=0).fit(data.astype(np.float64))
    model = emlib.GaussianMixture(2, random_state=0).fit(data)
    expected = np.float32 if dtype == np.float32 else np.float64
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_", "precisions_"):
        assert getattr(model, name).dtype == expected, name
    assert np.allclose(model.means_, ref.means_, rtol=1e-6)
    km = emlib.KMeans(2, random_state=0).fit(data)
    assert km.cluster_centers_.dtype == expected and km.transform(data).dtype == expected
    bm = emlib.BernoulliMixture(2, random_state=0).fit(B.astype(dtype))
    assert bm.means_.dtype == expected and bm.weights_.dtype == expected


def test_singular_covariance_says_what_to_do():
    data = np.repeat(X[:2], 10, axis=0)  # two distinct points, three components
    message = fit_error(emlib.GaussianMixture(3, reg_covar=0.0, random_state=0), data)
    assert "Increase reg_covar, use fewer components, or scale the input data" in message


def test_covariance_singular_up_to_rounding_is_caught():
    # five identical points: their component's covariance is rank one with entries ~1e-30, which
    # Cholesky factorises without complaint; the likelihood would be a meaningless +240
    rng = np.random.default_rng(0)
    data = np.vstack([rng.normal(size=(60, 2)), np.full((5, 2), 4.0)])
    message = fit_error(emlib.GaussianMixture(2, reg_covar=0.0, random_state=0), data)
    assert "not positive definite even after adding reg_covar" in message
    emlib.GaussianMixture(2, random_state=0).fit(data)  # the default reg_covar copes


def test_not_converging_is_a_warning():
    with pytest.warns(emlib.ConvergenceWarning, match="did not converge within max_iter=2"):
        emlib.GaussianMixture(3, max_iter=2, tol=0, random_state=0).fit(X)


def test_kmeans_init_array_of_wrong_shape():
    assert "init must have shape (2, 2)" in fit_error(emlib.KMeans(2, init=np.zeros((3, 2))))


def test_kmeans_n_init_neither_a_count_nor_auto():
    assert "n_init must be an integer >= 1 or 'auto', got 'best'" in fit_error(emlib.KMeans(2, n_init="best"))


def test_kmeans_unknown_algorithm():
    assert "algorithm must be one of 'lloyd', 'elkan'" in fit_error(emlib.KMeans(2, algorithm="hamerly"))


def test_kmeans_copy_x_not_a_bool():
    assert "copy_x must be one of True, False; got 'yes'" in fit_error(emlib.KMeans(2, copy_x="yes"))


def test_kmeans_unknown_init():
    assert "init must be 'k-means++', 'random', a callable or an array" in fit_error(emlib.KMeans(2, init="kmeans"))


def test_bernoulli_means_init_outside_unit_interval():
    assert "probabilities in [0, 1]" in fit_error(emlib.BernoulliMixture(2, means_init=np.full((2, 4), 1.5)), B)


def test_bernoulli_beta_prior_below_one():
    assert "a >= 1 and b >= 1" in fit_error(emlib.BernoulliMixture(2, beta_prior=(0.5, 2)), B)


def test_soft_responsibilities_need_positive_epsilon():
    with pytest.raises(ValueError, match="epsilon must be a positive number"):
        kmeans.soft_responsibilities(X, X[:2], 0.0)


def test_negative_reg_covar_and_tol():
    assert "reg_covar must be a non-negative number" in fit_error(emlib.GaussianMixture(2, reg_covar=-1))
    assert "tol must be a non-negative number" in fit_error(emlib.GaussianMixture(2, tol=-1e-3))


def test_complex_X_is_rejected():
    message = fit_error(emlib.GaussianMixture(2), X + 1j * X)
    assert "Complex data not supported" in message and "X.real" in message


@pytest.mark.parametrize("model", [emlib.GaussianMixture(2), emlib.BernoulliMixture(2), emlib.KMeans(2)])
def test_sparse_X_says_how_to_densify(model):
    from scipy import sparse

    with pytest.raises(TypeError, match=r"sparse input is not supported.*X.toarray\(\)"):
        model.fit(sparse.csr_matrix(B))


def test_too_few_samples_for_kmeans_names_n_clusters():
    message = fit_error(emlib.KMeans(5), X[:3])
    assert "3 samples but n_clusters = 5" in message and "n_components" not in message


def test_a_string_in_X_names_X():
    with pytest.raises(ValueError, match="X must be a numeric array"):
        emlib.KMeans(2).fit([["a", "b"], ["c", "d"]])


def test_random_state_of_the_wrong_kind():
    message = fit_error(emlib.GaussianMixture(2, random_state="seed"))
    assert "random_state must be None, an int, a numpy.random.Generator or a numpy.random.RandomState" in message
