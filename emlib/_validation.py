"""Input checks shared by every model: each failure names the parameter and says what to do.

The two exception classes are made on first use: where scikit-learn is installed they subclass
its ``NotFittedError`` and ``ConvergenceWarning``, so ``except`` clauses and warning filters
written for scikit-learn catch emlib's too; without it they subclass Python's own. emlib's core
never imports scikit-learn before that.
"""

import numbers
from functools import cache

import numpy as np


@cache
def _exception_classes():
    try:
        from sklearn.exceptions import ConvergenceWarning as BaseWarning
        from sklearn.exceptions import NotFittedError as BaseError
        error_bases, warning_bases = (BaseError,), (BaseWarning,)
    except ImportError:
        error_bases, warning_bases = (ValueError, AttributeError), (UserWarning,)

    class NotFittedError(*error_bases):
        """Raised when a model is used for prediction before ``fit`` (as in scikit-learn)."""

    class ConvergenceWarning(*warning_bases):
        """EM stopped at ``max_iter`` before the change in the bound fell below ``tol``."""

    for cls in (NotFittedError, ConvergenceWarning):
        cls.__module__, cls.__qualname__ = "emlib._validation", cls.__name__
    return {"NotFittedError": NotFittedError, "ConvergenceWarning": ConvergenceWarning}


def __getattr__(name):
    # module attributes made on first access (PEP 562): emlib.NotFittedError, emlib.ConvergenceWarning
    if name in ("NotFittedError", "ConvergenceWarning"):
        return _exception_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _is_sparse(X):
    """A scipy.sparse matrix or array (or any object that converts itself with ``toarray``)."""
    return hasattr(X, "toarray") and not isinstance(X, np.ndarray)


def check_array(X, name="X", *, n_features=None, min_samples=1, count_name="n_components", owner="the model"):
    """Return X as a 2-D float64 array, or raise an error that says how to fix it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data. Sparse matrices and complex numbers are refused.
    name : str, default="X"
        The name the messages give X.
    n_features : int, optional
        The number of features a fitted model expects.
    min_samples : int, default=1
        The fewest samples allowed (the number of components or clusters when fitting).
    count_name : str, default="n_components"
        The parameter that sets ``min_samples``, named in the message.
    owner : str, default="the model"
        What expects ``n_features`` (a class name), named in the message.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), dtype float64
    """
    if _is_sparse(X):
        raise TypeError(
            f"{name} is a sparse matrix, and sparse input is not supported; emlib's steps work on "
            f"dense arrays. Convert it with {name}.toarray() (it has to fit in memory)."
        )
    raw = np.asarray(X)
    if np.iscomplexobj(raw):
        raise ValueError(
            f"Complex data not supported: {name} has complex values (dtype {raw.dtype}). Pass real "
            f"numbers, e.g. {name}.real and {name}.imag as separate features."
        )
    try:
        X = raw.astype(np.float64, copy=False)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name} must be a numeric array of shape (n_samples, n_features); {err}") from None
    if X.ndim == 1:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features), got a 1-D array of shape {X.shape}. "
            f"Reshape your data: {name}.reshape(-1, 1) if it holds a single feature, "
            f"or {name}.reshape(1, -1) if it is a single sample."
        )
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n_samples, n_features), got {X.ndim} dimensions.")
    for axis, what in enumerate(("sample", "feature")):
        if X.shape[axis] == 0:
            raise ValueError(
                f"{name} is empty: it has 0 {what}(s) (shape={X.shape}) while a minimum of 1 is required; "
                "it needs at least one sample and one feature."
            )
    if not np.isfinite(X).all():
        row, col = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(
            f"{name} contains NaN or infinity (first at {name}[{row}, {col}] = {X[row, col]}); "
            "remove or impute those values first."
        )
    if X.shape[0] < min_samples:
        raise ValueError(
            f"{name} has {X.shape[0]} samples but {count_name} = {min_samples}; use a smaller "
            f"{count_name} or more data (each {count_name.removeprefix('n_')[:-1]} needs at least one sample)."
        )
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features, but {owner} is expecting {n_features} features as "
            "input: the number it was fitted with."
        )
    return X


def check_binary(X, name="X"):
    """Raise unless every entry of X is 0 or 1, naming the first offending value."""
    bad = (X != 0) & (X != 1)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} must be binary (0/1) for a BernoulliMixture; found {X[row, col]!r} at {name}[{row}, {col}]. "
            "Threshold the data first, e.g. (X > 0.5).astype(float)."
        )
    return X


def check_count(value, name, minimum=1):
    """An integer parameter such as n_components or max_iter."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_nonnegative(value, name):
    if not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
    return float(value)


def check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def check_weights(weights, n_components, name="weights_init"):
    """Mixture weights: shape (n_components,), non-negative, summing to one."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (n_components,):
        raise ValueError(f"{name} must have shape ({n_components},), got {weights.shape}.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError(f"{name} must be finite and non-negative, got {weights}.")
    if not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"{name} must sum to 1, but they sum to {weights.sum():.6g}; divide by their sum.")
    return weights


def check_shape(array, shape, name):
    array = np.asarray(array, dtype=np.float64)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return array


def check_random_state(seed):
    """None, an int, a numpy Generator or a numpy RandomState -> a numpy Generator.

    A Generator is used as it is (its state advances); a RandomState gives the seed of a new
    Generator, drawn from it, so its state advances too and a fit repeated with the same RandomState
    object gives another result, as in scikit-learn.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.RandomState):
        return np.random.default_rng(seed.randint(np.iinfo(np.int32).max))
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise ValueError(
        f"random_state must be None, an int, a numpy.random.Generator or a numpy.random.RandomState, got {seed!r}."
    )


def check_is_fitted(model, attribute):
    if not hasattr(model, attribute):
        raise _exception_classes()["NotFittedError"](
            f"This {type(model).__name__} is not fitted yet; call fit(X) before using this method."
        )
