"""Input checks shared by every model: each failure names the parameter and says what to do."""

import numbers

import numpy as np


class NotFittedError(ValueError, AttributeError):
    """Raised when a model is used for prediction before ``fit`` (as in scikit-learn)."""


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the change in the bound fell below ``tol``."""


def check_array(X, name="X", *, n_features=None, min_samples=1):
    """Return X as a 2-D float64 array, or raise a ValueError that says how to fix it."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numeric array of shape (n_samples, n_features); {err}") from None
    if X.ndim == 1:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features), got a 1-D array of shape {X.shape}. "
            f"Use {name}.reshape(-1, 1) if it holds a single feature, "
            f"or {name}.reshape(1, -1) if it is a single sample."
        )
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n_samples, n_features), got {X.ndim} dimensions.")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}); it needs at least one sample and one feature.")
    if not np.isfinite(X).all():
        row, col = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(
            f"{name} contains NaN or infinity (first at {name}[{row}, {col}] = {X[row, col]}); "
            "remove or impute those values first."
        )
    if X.shape[0] < min_samples:
        raise ValueError(
            f"{name} has {X.shape[0]} samples but n_components = {min_samples}; "
            "use fewer components or more data (each component needs at least one sample)."
        )
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features, but the model was fitted with {n_features} features."
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
    """None, an int or a numpy Generator -> a numpy Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise ValueError(f"random_state must be None, an int or a numpy.random.Generator, got {seed!r}.")


def check_is_fitted(model, attribute):
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"This {type(model).__name__} is not fitted yet; call fit(X) before using this method."
        )
