"""emlib's estimators as scikit-learn estimators: scikit-learn's own estimator checks, and its
tools (clone, GridSearchCV, cross_val_score, Pipeline, pickle) used on them."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import KMeans as SKKMeans
from sklearn.exceptions import ConvergenceWarning as SKConvergenceWarning
from sklearn.exceptions import NotFittedError as SKNotFittedError
from sklearn.mixture import GaussianMixture as SKGaussianMixture
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Binarizer, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import emlib

# scikit-learn's checks fit every estimator to continuous data (negative, large, fractional), which
# a BernoulliMixture refuses with a ValueError that names the first non-binary value. These checks
# fail for that reason alone; the same checks run on Binarizer → BernoulliMixture below.
BINARY_ONLY = (
    "the check fits continuous data; BernoulliMixture takes binary data only and says so with a ValueError"
)
BERNOULLI_EXPECTED_FAILURES = [
    "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
    "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_n_features_in_after_fitting",
    "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_dtype_object",
    "check_pipeline_consistency", "check_estimators_nan_inf", "check_estimators_pickle",
    "check_f_contiguous_array_estimator", "check_methods_sample_order_invariance",
    "check_methods_subset_invariance", "check_fit2d_1sample", "check_fit2d_1feature", "check_dict_unchanged",
    "check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in", "check_fit2d_predict1d",
]


# A Pipeline fits its steps in place, which these two checks see as a changed parameter ("steps");
# scikit-learn's Pipeline fails them in the same way with its own GaussianMixture as the last step.
PIPELINE_EXPECTED_FAILURES = {
    name: "a Pipeline fits its steps in place (scikit-learn's own estimators fail this check in a Pipeline too)"
    for name in ("check_estimators_overwrite_params", "check_dont_overwrite_parameters")
}


def expected_failures(estimator):
    if isinstance(estimator, emlib.BernoulliMixture):
        return dict.fromkeys(BERNOULLI_EXPECTED_FAILURES, BINARY_ONLY)
    if isinstance(estimator, Pipeline):
        return PIPELINE_EXPECTED_FAILURES
    return {}


ESTIMATORS = [emlib.GaussianMixture(), emlib.KMeans(), emlib.BernoulliMixture(),
              make_pipeline(Binarizer(threshold=0.5), emlib.BernoulliMixture())]

# emlib's estimators do not inherit from scikit-learn's BaseEstimator (scikit-learn is optional for
# emlib), which scikit-learn notes with a warning when it collects the checks.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Estimator .* does not inherit from", UserWarning)
    _marker = parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures, xfail_strict=True)


def _check_name(param):
    check = (param.values if hasattr(param, "values") else param)[1]
    return getattr(check, "func", check).__name__


# check_array_api_input would only skip itself here: it needs the interpreter started with
# SCIPY_ARRAY_API=1, so it is left out of this list and the next test runs it in such an interpreter.
_argnames, _params = _marker.args
all_checks = pytest.mark.parametrize(
    _argnames, [p for p in _params if _check_name(p) != "check_array_api_input"], **_marker.kwargs)


@all_checks
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_array_api_check_with_numpy_inputs():
    import os
    import subprocess
    import sys

    code = (
        "import warnings; warnings.simplefilter('ignore'); import emlib\n"
        "from sklearn.utils.estimator_checks import check_array_api_input\n"
        "for est in (emlib.GaussianMixture(), emlib.KMeans()):\n"
        "    check_array_api_input(type(est).__name__, est, array_namespace='numpy', expect_only_array_outputs=False)\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "SCIPY_ARRAY_API": "1"})
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def blobs(seed=0, n=300):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    return centres[rng.integers(3, size=n)] + rng.normal(size=(n, 2))


def test_repr_shows_the_changed_parameters_as_scikit_learn_does():
    kw = dict(random_state=0, max_iter=7, tol=1e-5)
    assert repr(emlib.GaussianMixture(3, **kw)) == repr(SKGaussianMixture(3, **kw))
    assert repr(emlib.GaussianMixture(3, **kw)) == "GaussianMixture(max_iter=7, n_components=3, random_state=0, tol=1e-05)"
    assert repr(emlib.KMeans(4, init="random")) == repr(SKKMeans(4, init="random"))
    assert repr(emlib.BernoulliMixture()) == "BernoulliMixture()"


def test_get_set_params_and_clone():
    model = emlib.GaussianMixture(3, covariance_type="diag", random_state=0).fit(blobs())
    params = model.get_params()
    assert params["n_components"] == 3 and params["covariance_type"] == "diag" and params["warm_start"] is False
    copy = clone(model)
    assert copy.get_params() == params and not hasattr(copy, "means_")
    assert copy.set_params(n_components=2, tol=1e-4) is copy and copy.n_components == 2 and copy.tol == 1e-4
    with pytest.raises(ValueError, match="Invalid parameter 'n_clusters' for estimator GaussianMixture"):
        copy.set_params(n_clusters=2)


def test_grid_search_over_n_components_scores_held_out_log_likelihood():
    X = blobs(1)
    cv = KFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(emlib.GaussianMixture(random_state=0), {"n_components": [1, 2, 3]}, cv=cv).fit(X)
    assert search.best_params_ == {"n_components": 3}
    # the scores are the held-out mean log-likelihoods of models fitted on the other folds
    for i, K in enumerate([1, 2, 3]):
        folds = [emlib.GaussianMixture(K, random_state=0).fit(X[train]).score(X[test]) for train, test in cv.split(X)]
        assert search.cv_results_["mean_test_score"][i] == pytest.approx(np.mean(folds), rel=1e-12)
    assert search.best_estimator_.means_.shape == (3, 2)


def test_cross_val_score_of_kmeans_is_the_held_out_negative_distortion():
    X = blobs(2)
    cv = KFold(4, shuffle=True, random_state=1)
    scores = cross_val_score(emlib.KMeans(3, random_state=0), X, cv=cv)
    expected = []
    for train, test in cv.split(X):
        centres = emlib.KMeans(3, random_state=0).fit(X[train]).cluster_centers_
        expected.append(-((X[test, None, :] - centres[None]) ** 2).sum(axis=2).min(axis=1).sum())
    assert np.allclose(scores, expected, rtol=1e-12)


def test_pipelines_ending_in_emlib_models():
    X = blobs(3) * [1.0, 50.0]
    scaled = StandardScaler().fit_transform(X)
    pipe = make_pipeline(StandardScaler(), emlib.GaussianMixture(3, random_state=0)).fit(X)
    alone = emlib.GaussianMixture(3, random_state=0).fit(scaled)
    assert np.array_equal(pipe.predict(X), alone.predict(scaled))
    assert np.allclose(pipe.predict_proba(X), alone.predict_proba(scaled))
    assert pipe.score(X) == pytest.approx(alone.score(scaled))
    km = make_pipeline(StandardScaler(), emlib.KMeans(3, random_state=0))
    distances = km.fit_transform(X)
    assert distances.shape == (len(X), 3)
    assert np.array_equal(distances.argmin(axis=1), km.predict(X))
    assert list(km.get_feature_names_out()) == ["kmeans0", "kmeans1", "kmeans2"]


@pytest.mark.parametrize("model", [emlib.GaussianMixture(3, random_state=0), emlib.KMeans(3, random_state=0),
                                   emlib.BernoulliMixture(2, random_state=0)])
def test_a_pickled_model_predicts_and_reads_its_history_as_before(model):
    X = blobs(4)
    if isinstance(model, emlib.BernoulliMixture):
        X = (X > 1).astype(float)
    model.fit(X)
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict(X), model.predict(X))
    assert repr(again.history_) == repr(model.history_)
    assert np.array_equal(again.history_.responsibilities(X, 3), model.history_.responsibilities(X, 3))
    assert again.history_.phases == model.history_.phases


@pytest.mark.parametrize("model", [emlib.GaussianMixture(2), emlib.KMeans(2), emlib.BernoulliMixture(2)])
def test_not_fitted_error_is_caught_as_scikit_learns(model):
    with pytest.raises(SKNotFittedError):
        model.predict(np.zeros((3, 2)))
    try:
        model.score(np.zeros((3, 2)))
    except SKNotFittedError as err:
        assert isinstance(err, emlib.NotFittedError) and isinstance(err, ValueError)


def test_convergence_warning_is_filtered_as_scikit_learns():
    assert issubclass(emlib.ConvergenceWarning, SKConvergenceWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", SKConvergenceWarning)  # a filter written for scikit-learn
        emlib.GaussianMixture(3, max_iter=2, tol=0, random_state=0).fit(blobs())
    with pytest.warns(SKConvergenceWarning, match="did not converge within max_iter=2"):
        emlib.GaussianMixture(3, max_iter=2, tol=0, random_state=0).fit(blobs())


def test_emlib_imports_without_loading_scikit_learn():
    import subprocess
    import sys

    # nor scipy: emlib's models, plotting, widgets and live steppers need neither
    code = ("import sys, numpy as np, emlib, emlib.live, emlib.widgets; "
            "emlib.GaussianMixture(2, random_state=0).fit(np.random.default_rng(0).normal(size=(50, 2))); "
            "print('sklearn' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_emlib_works_without_scikit_learn():
    import subprocess
    import sys

    code = (
        "import sys, warnings, numpy as np; sys.modules['sklearn'] = None  # import sklearn now fails\n"
        "import emlib\n"
        "X = np.random.default_rng(0).normal(size=(50, 2))\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    emlib.GaussianMixture(2, max_iter=1, tol=0, random_state=0).fit(X)\n"
        "assert issubclass(caught[0].category, emlib.ConvergenceWarning)\n"
        "assert issubclass(emlib.ConvergenceWarning, UserWarning)\n"
        "try:\n"
        "    emlib.KMeans(2).predict(X)\n"
        "    raise SystemExit('predict before fit did not raise')\n"
        "except ValueError as err:\n"
        "    assert isinstance(err, emlib.NotFittedError) and isinstance(err, AttributeError)\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


@pytest.mark.parametrize("cls", [emlib.GaussianMixture, emlib.KMeans])
def test_a_random_state_object_is_accepted_and_advances(cls):
    X = blobs(5)
    kw = {"init_params": "random"} if cls is emlib.GaussianMixture else {"init": "random"}
    a = cls(3, random_state=np.random.RandomState(7), **kw).fit(X)
    b = cls(3, random_state=np.random.RandomState(7), **kw).fit(X)
    attribute = "means_" if cls is emlib.GaussianMixture else "cluster_centers_"
    assert np.array_equal(getattr(a, attribute), getattr(b, attribute))
    shared = np.random.RandomState(7)
    first, second = cls(3, random_state=shared, **kw), cls(3, random_state=shared, **kw)
    assert not np.array_equal(first.fit(X).history_[0].params[0], second.fit(X).history_[0].params[0])


@pytest.mark.parametrize("cls", [emlib.GaussianMixture, emlib.BernoulliMixture])
def test_warm_start_continues_from_the_fitted_parameters(cls):
    X = blobs(6)
    if cls is emlib.BernoulliMixture:
        X = (X > 1).astype(float)
    model = cls(3, warm_start=True, max_iter=3, tol=0, n_init=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        model.fit(X)
        first = model.history_
        model.fit(X)
    assert model.history_[0].params is first[-1].params  # one start: where the last fit ended
    assert model.final_log_likelihoods_.shape == (1,)
    assert model.history_[0].log_likelihood == pytest.approx(first[-1].log_likelihood, rel=1e-12)
    with pytest.raises(ValueError, match="warm_start=True continues a fit with 2 features"):
        model.fit(np.hstack([X, X]))
    with pytest.raises(ValueError, match="n_components is 4, but warm_start=True continues a fit with 3"):
        model.set_params(n_components=4).fit(X)


def test_a_warm_start_converges_as_scikit_learns_does():
    # one iteration per fit: the change is measured against the last E-step of the fit continued,
    # so the fits stop being flagged as not converged at the same refit as scikit-learn's
    X = blobs(14)
    kw = dict(n_components=3, warm_start=True, max_iter=1, tol=1e-6, weights_init=np.full(3, 1 / 3),
              means_init=X[:3], precisions_init=np.stack([np.eye(2)] * 3))
    ours, theirs = emlib.GaussianMixture(**kw), SKGaussianMixture(**kw)
    flags = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(60):
            flags.append((ours.fit(X).converged_, theirs.fit(X).converged_))
    assert any(a for a, _ in flags) and [a for a, _ in flags] == [b for _, b in flags]


def test_max_iter_zero_returns_the_initialisation_as_scikit_learn_does():
    X = blobs(7)
    rng = np.random.default_rng(0)
    kw = dict(n_components=3, max_iter=0, means_init=X[rng.choice(len(X), 3, replace=False)],
              weights_init=[0.2, 0.3, 0.5], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning: the initialisation was asked for
        ours = emlib.GaussianMixture(**kw).fit(X)
    theirs = SKGaussianMixture(**kw).fit(X)
    assert len(ours.history_) == 1 and ours.n_iter_ == theirs.n_iter_ == 0
    assert np.array_equal(ours.means_, kw["means_init"]) and np.array_equal(theirs.means_, kw["means_init"])
    assert np.array_equal(ours.weights_, kw["weights_init"])
    precisions = np.stack([np.eye(2)] * 3)  # all three given: exactly what was given
    given = emlib.GaussianMixture(**kw, precisions_init=precisions).fit(X)
    assert np.allclose(given.precisions_, precisions, rtol=1e-14)
    assert ours.lower_bound_ == theirs.lower_bound_ == -np.inf and len(ours.lower_bounds_) == 0
    km = emlib.KMeans(3, init=kw["means_init"], max_iter=0).fit(X)
    assert np.array_equal(km.cluster_centers_, kw["means_init"]) and km.n_iter_ == 0
    assert km.history_.phases == ["init", "E"] and km.inertia_ == pytest.approx(km.history_[-1].distortion)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_lower_bounds_match_scikit_learn(covariance_type):
    X = blobs(8)
    precisions = {"full": np.stack([np.eye(2)] * 3), "tied": np.eye(2), "diag": np.ones((3, 2)),
                  "spherical": np.ones(3)}[covariance_type]
    kw = dict(n_components=3, covariance_type=covariance_type, tol=0, max_iter=12,
              means_init=X[:3], weights_init=np.full(3, 1 / 3), precisions_init=precisions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = emlib.GaussianMixture(**kw).fit(X), SKGaussianMixture(**kw).fit(X)
    assert np.allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-10, atol=0)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-10)


def test_all_three_inits_given_skip_the_recipe_as_scikit_learn_fits():
    # a far outlier gets a k-means cluster of its own; with reg_covar = 0 that cluster's covariance is
    # singular, so an M-step on the recipe's responsibilities would raise. With weights, means and
    # precisions all given, there is no recipe to run, and the fit follows scikit-learn's.
    X = np.vstack([blobs(9), [[500.0, 500.0]]])
    kw = dict(n_components=3, reg_covar=0.0, random_state=0, weights_init=np.full(3, 1 / 3),
              means_init=[[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]], precisions_init=np.stack([np.eye(2)] * 3))
    with pytest.raises(ValueError, match="not positive definite"):  # the recipe alone
        emlib.GaussianMixture(3, reg_covar=0.0, random_state=0).fit(X)
    ours, theirs = emlib.GaussianMixture(**kw).fit(X), SKGaussianMixture(**kw).fit(X)
    assert np.allclose(ours.means_, theirs.means_, rtol=1e-8) and ours.n_iter_ == theirs.n_iter_


def test_more_starts_never_report_a_lower_bound_below_fewer_starts():
    X = blobs(10, n=200)
    bounds = []
    for n_init in range(1, 7):
        model = emlib.GaussianMixture(4, init_params="random", n_init=n_init, random_state=3).fit(X)
        # the kept run is the one with the largest reported bound, which is the last E-step's
        assert model.lower_bound_ * len(X) == pytest.approx(model.final_log_likelihoods_.max(), rel=1e-14)
        assert model.lower_bound_ * len(X) == pytest.approx(model.history_[-2].log_likelihood, rel=1e-14)
        bounds.append(model.lower_bound_)
    assert np.all(np.diff(bounds) >= 0) and bounds[-1] > bounds[0]


def test_kmeans_transform_callable_init_auto_starts_and_algorithms():
    X = blobs(11)
    init = X[[0, 1, 2]]
    ours = emlib.KMeans(3, init=init).fit(X)
    theirs = SKKMeans(3, init=init, n_init=1).fit(X)
    assert np.allclose(ours.transform(X), theirs.transform(X), rtol=1e-10)
    assert np.allclose(ours.fit_transform(X), theirs.transform(X), rtol=1e-10)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    with pytest.raises(ValueError, match="input_features should be the 2 features seen in fit"):
        ours.get_feature_names_out(["a", "b", "c"])
    calls = []

    def chosen(X, n_clusters, random_state):
        calls.append(n_clusters)
        return X[random_state.choice(len(X), n_clusters, replace=False)]

    auto = emlib.KMeans(3, init=chosen, n_init="auto", random_state=0).fit(X)
    assert calls == [3] * 10 and auto.final_distortions_.shape == (10,)
    assert emlib.KMeans(3, init="random", n_init="auto", random_state=0).fit(X).final_distortions_.shape == (10,)
    assert emlib.KMeans(3, n_init="auto", random_state=0).fit(X).final_distortions_.shape == (1,)
    elkan = emlib.KMeans(3, init=init, algorithm="elkan").fit(X)
    assert np.array_equal(elkan.cluster_centers_, ours.cluster_centers_)
    X_before = X.copy()
    emlib.KMeans(3, init=init, copy_x=False).fit(X)
    assert np.array_equal(X, X_before)


def test_kmeans_warns_as_scikit_learn_does():
    X = blobs(12)
    with pytest.warns(RuntimeWarning, match="Explicit initial center position passed: performing only one init "
                                            "in KMeans instead of n_init=5"):
        model = emlib.KMeans(3, init=X[:3], n_init=5).fit(X)
    assert model.final_distortions_.shape == (1,)
    duplicates = np.repeat(X[:2], 10, axis=0)
    with pytest.warns(SKConvergenceWarning, match=r"Number of distinct clusters \(2\) found smaller than "
                                                  r"n_clusters \(3\)"):
        emlib.KMeans(3, random_state=0).fit(duplicates)


def test_feature_names_of_a_data_frame_like_input():
    class Frame(np.ndarray):
        """The two things scikit-learn reads from a data frame: its values and its column names."""

    X = blobs(13)
    frame = X.view(Frame)
    frame.columns = ["waiting", "duration"]
    model = emlib.KMeans(3, random_state=0).fit(frame)
    assert list(model.feature_names_in_) == ["waiting", "duration"]
    with pytest.warns(UserWarning, match="X does not have valid feature names, but KMeans was fitted with"):
        model.predict(X)
    renamed = X.view(Frame)
    renamed.columns = ["duration", "waiting"]
    with pytest.raises(ValueError, match="The feature names should match those that were passed during fit"):
        model.predict(renamed)
    assert not hasattr(emlib.KMeans(3, random_state=0).fit(X), "feature_names_in_")


@pytest.mark.parametrize("cls", [emlib.GaussianMixture, emlib.BernoulliMixture, emlib.KMeans])
def test_every_parameter_and_public_method_is_documented_numpydoc_style(cls):
    import inspect
    import re

    doc = inspect.getdoc(cls)
    section = doc.split("Parameters\n----------\n")[1].split("\n\n")[0]
    documented = re.findall(r"^(\w+) : ", section, flags=re.MULTILINE)
    assert documented == list(inspect.signature(cls.__init__).parameters)[1:]  # every one, in order
    assert "Attributes\n----------\n" in doc
    for name in ("fit", "predict", "score", "get_params", "set_params"):
        method_doc = inspect.getdoc(getattr(cls, name))
        assert "Returns\n-------\n" in method_doc, name
        parameters = [p for p in inspect.signature(getattr(cls, name)).parameters if p != "self"]
        for parameter in parameters:
            assert re.search(rf"^\**{parameter} :", method_doc, flags=re.MULTILINE), (name, parameter)
