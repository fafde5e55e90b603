"""K-means as hard EM: Lloyd's algorithm, written as an E-step and an M-step.

The distortion J = Σ_n Σ_k r_nk |x_n − μ_k|² (Eq. 1.1 of the chapter "k-means"), with r_nk ∈ {0, 1},
is lowered in turn by

    E-step (assignment)  r_nk = 1 for the nearest centre, 0 otherwise                  (μ fixed)
    M-step (update)      μ_k = Σ_n r_nk x_n / Σ_n r_nk, the mean of cluster k, Eq. (1.2)  (r fixed)

so J never rises. ``soft_responsibilities`` gives the soft E-step of a Gaussian mixture with one
shared covariance ε I and equal weights; as ε → 0 it becomes the hard assignment above.

A fit runs the same steps faster (``emlib._fast.kmeans``): its E-step takes a shortcut that changes
no label (Hamerly, 2010), keeping for every point a lower bound on how much nearer its nearest
centre is than the second-nearest, and its M-step updates the clusters' tallies by the points that
moved.

Empty clusters: if a cluster loses all its points, J does not depend on its centre (no point is
assigned to it), so any position is an exact minimiser of J for the fixed assignment. The module's
``m_step`` keeps the previous centre. The fit's M-step (in ``KMeans``) moves it onto the sample
farthest from its own new centre, as scikit-learn does, so that the next E-step gives it at least
that sample and lowers J. scikit-learn also takes that sample out of its old cluster's mean in the
same step; emlib leaves the assignment to the E-step, so that every M entry of the history is
J(q, θ) for the q of the E-step before it, and J never rises half-step by half-step (taking the
sample out of its cluster's mean while it still belongs there can raise that J). From the same start
both libraries therefore agree until a cluster empties.
"""

import warnings
from typing import NamedTuple

import numpy as np

from . import _validation, distributed
from ._validation import (
    check_array,
    check_choice,
    check_count,
    check_is_fitted,
    check_nonnegative,
    check_random_state,
    check_shape,
)
from .em import EMModel, logsumexp


class KMeansParams(NamedTuple):
    """θ of k-means: the (K, D) cluster centres."""

    centers: np.ndarray


def squared_distances(X, centers):
    """|x_n − μ_k|² for all n, k, from one matrix product: |x|² − 2 xᵀμ + |μ|².

    Parameters
    ----------
    X : ndarray of shape (N, D)
    centers : ndarray of shape (K, D)

    Returns
    -------
    distances : ndarray of shape (N, K)
        Squared distances (never negative).
    """
    # Move the origin to the centres' mean first: distances do not change, and the expansion then
    # loses no digits to a large common offset (data around 10⁸ would lose all of them).
    origin = centers.mean(axis=0)
    X, centers = X - origin, centers - origin
    out = centers @ X.T  # (K, N) buffer, returned as an (N, K) view
    out *= -2
    out += (X * X).sum(axis=1)
    out += (centers * centers).sum(axis=1)[:, None]
    np.maximum(out, 0, out=out)  # rounding can make a distance of zero slightly negative
    return out.T


def e_step(X, centers):
    """The hard E-step (assignment): z_n = argmin_k |x_n − μ_k|², the nearest centre of every sample.

    Parameters
    ----------
    X : array-like of shape (N, D)
    centers : array-like of shape (K, D)
        The centres μ_k.

    Returns
    -------
    labels : ndarray of int, shape (N,)
        z_n (the first nearest centre among ties).
    """
    return squared_distances(np.asarray(X, dtype=float), np.asarray(centers, dtype=float)).argmin(axis=1)


def responsibilities(X, params):
    """The hard E-step as responsibilities: r_nk = 1 for the nearest centre, 0 otherwise.

    Parameters
    ----------
    X : array-like of shape (N, D)
    params : KMeansParams

    Returns
    -------
    resp : ndarray of shape (N, K)
        One-hot rows.
    """
    labels = e_step(X, params.centers)
    return np.eye(len(params.centers))[labels]


class Statistics(NamedTuple):
    """What the k-means update needs from X and the labels: N_k = #{n : z_n = k}, shape (K,), and
    Σ_{n : z_n = k} x_n, shape (K, D)."""

    n: np.ndarray
    sum_x: np.ndarray


def statistics(X, labels, n_clusters):
    """The statistics N_k and Σ_{n : z_n = k} x_n of data X under the hard assignment z.

    Parameters
    ----------
    X : array-like of shape (N, D)
    labels : array-like of int, shape (N,)
        z_n, the cluster of every sample.
    n_clusters : int
        K.

    Returns
    -------
    stats : Statistics
        ``n`` (K,) and ``sum_x`` (K, D).
    """
    X = check_array(X)
    labels = np.asarray(labels, dtype=np.intp)
    n = np.bincount(labels, minlength=n_clusters).astype(float)
    # summed around the data's mean x̄, where the terms keep their digits: Σ x_n = N_k x̄ + Σ (x_n − x̄)
    origin = X.mean(axis=0)
    centred = np.zeros((n_clusters, X.shape[1]))
    np.add.at(centred, labels, X - origin)  # centred[z_n] += x_n − x̄ for every n
    return Statistics(n, n[:, None] * origin + centred)


def combine(a, b):
    """The statistics of two blocks of samples together: both are sums over n, so they add.

    Parameters
    ----------
    a, b : Statistics
        The statistics of two disjoint blocks of samples.

    Returns
    -------
    stats : Statistics
    """
    return Statistics(a.n + b.n, a.sum_x + b.sum_x)


def params_from_statistics(stats, old_centers):
    """The update, Eq. (1.2): μ_k = Σ_{n : z_n = k} x_n / N_k, the mean of cluster k.

    An empty cluster (N_k = 0) keeps its old centre: J does not depend on it, so that is as good a
    minimiser as any. (``KMeans.fit`` instead moves it onto the sample farthest from its centre, as
    scikit-learn does; see the module's notes.)

    Parameters
    ----------
    stats : Statistics
        N_k and the sums, from :func:`statistics` (or :func:`combine`).
    old_centers : array-like of shape (K, D)
        The centres before the update.

    Returns
    -------
    centers : ndarray of shape (K, D)
    """
    new = np.array(old_centers, dtype=float, copy=True)
    full = stats.n > 0
    new[full] = stats.sum_x[full] / stats.n[full, None]
    return new


def m_step(X, labels, centers):
    """The M-step (update), Eq. (1.2): every centre moves to the mean of its points.

    Parameters
    ----------
    X : array-like of shape (N, D)
    labels : array-like of int, shape (N,)
        z_n, from the E-step.
    centers : array-like of shape (K, D)
        The centres before the update (an empty cluster keeps its own).

    Returns
    -------
    centers : ndarray of shape (K, D)
    """
    return params_from_statistics(statistics(X, labels, len(centers)), centers)


def distortion(X, centers, labels):
    """The k-means objective J = Σ_n |x_n − μ_{z_n}|², Eq. (1.1) (scikit-learn's ``inertia_``).

    Parameters
    ----------
    X : array-like of shape (N, D)
    centers : array-like of shape (K, D)
    labels : array-like of int, shape (N,)
        z_n.

    Returns
    -------
    J : float
    """
    X, centers = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    return float(((X - centers[np.asarray(labels)]) ** 2).sum())


def soft_responsibilities(X, centers, epsilon):
    """r_nk ∝ exp(−|x_n − μ_k|² / (2ε)), Eq. (7.1): the E-step of a mixture with shared covariance ε I
    and equal weights. As ε → 0 every row tends to the one-hot vector of the nearest centre.

    Parameters
    ----------
    X : array-like of shape (N, D)
    centers : array-like of shape (K, D)
    epsilon : float
        ε > 0, the shared variance.

    Returns
    -------
    resp : ndarray of shape (N, K)
    """
    if not np.isscalar(epsilon) or not epsilon > 0:
        raise ValueError(f"epsilon must be a positive number (the shared variance), got {epsilon!r}.")
    X = check_array(X)
    log_joint = -squared_distances(X, np.asarray(centers, dtype=float)) / (2 * epsilon)
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def kmeans_plusplus(X, n_clusters, random_state=None, n_local_trials=None):
    """k-means++ seeding (Arthur & Vassilvitskii, 2007), greedy variant: each new centre is the best
    of a few candidates drawn with probability ∝ D(x)², the squared distance to the nearest centre
    chosen so far.

    Parameters
    ----------
    X : array-like of shape (N, D)
    n_clusters : int
        K.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState, default=None
    n_local_trials : int, optional
        Candidates per new centre; 2 + ⌊log K⌋ by default.

    Returns
    -------
    centers : ndarray of shape (K, D)
    indices : ndarray of shape (K,)
        The rows of X that became the centres.
    """
    X = check_array(X, min_samples=n_clusters)
    rng = check_random_state(random_state)
    N = len(X)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    indices = [int(rng.integers(N))]
    closest = squared_distances(X, X[indices])[:, 0]
    for _ in range(1, n_clusters):
        u = rng.uniform(size=n_local_trials) * closest.sum()
        candidates = np.minimum(np.searchsorted(np.cumsum(closest), u), N - 1)
        # distance to the nearest centre if each candidate were added, shape (trials, N)
        trial = np.minimum(closest, squared_distances(X, X[candidates]).T)
        best = int(np.argmin(trial.sum(axis=1)))
        closest = trial[best]
        indices.append(int(candidates[best]))
    indices = np.array(indices)
    return X[indices].copy(), indices


class KMeans(EMModel):
    """K-means by Lloyd's algorithm, run by the same EM loop as the mixtures, with scikit-learn's
    parameters, fitted attributes and methods.

    ``history_`` records the centres and the distortion J after every half-step; it ends with
    the E-step that gave ``labels_``, so its last J is ``inertia_``. From the same initial centres
    the fit follows scikit-learn's Lloyd iterations exactly, up to an emptied cluster (see the
    module's notes). Deliberate differences: the error messages, ``n_init=1`` by default (one run,
    one history to read; scikit-learn's "auto" is accepted), and a ConvergenceWarning when
    ``max_iter`` stops the fit.

    Parameters
    ----------
    n_clusters : int, default=8
        K, the number of clusters.
    init : {"k-means++", "random"}, callable or array-like of shape (n_clusters, n_features), default="k-means++"
        The initial centres: greedy k-means++ seeding, K distinct samples drawn at random, a
        function ``init(X, n_clusters, random_state)`` returning them (``random_state`` is a
        numpy Generator), or the centres themselves.
    n_init : int or "auto", default=1
        How many starts; the run with the lowest distortion is kept. "auto" is scikit-learn's
        rule: 10 starts for "random" or a callable ``init``, 1 otherwise. Given centres allow one
        start only.
    max_iter : int, default=300
        The most iterations (an assignment and an update each) per start; 0 keeps the initial
        centres.
    tol : float, default=1e-4
        Stop when the centres' summed squared movement falls below ``tol`` times the features'
        mean variance (scikit-learn's rule), or when no assignment changes.
    verbose : int, default=0
        If positive, print the distortion after every iteration.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState, default=None
        The seed of the initialisation.
    copy_x : bool, default=True
        Accepted for scikit-learn's interface; emlib never modifies X, so both values behave alike.
    algorithm : {"lloyd", "elkan"}, default="lloyd"
        Accepted for scikit-learn's interface. Both name exact forms of Lloyd's iterations (Elkan's
        skips distances by the triangle inequality), so the result is the same; emlib's E-step
        always skips the points whose nearest centre provably did not change (Hamerly's bounds).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
        The nearest centre of every training sample: the assignment of the history's last E-step.
    inertia_ : float
        The distortion J = Σ_n |x_n − μ_{z_n}|² of ``labels_`` and ``cluster_centers_``.
    n_iter_ : int
        The M-steps (centre updates) of the kept run.
    converged_ : bool
    history_ : History
    final_distortions_ : ndarray of shape (n_runs,)
        The distortion every start reached.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X was a data frame with string column names.
    """

    _n_components_name = "n_clusters"
    _estimator_type = "clusterer"

    def __init__(self, n_clusters=8, *, init="k-means++", n_init=1, max_iter=300, tol=1e-4, verbose=0,
                 random_state=None, copy_x=True, algorithm="lloyd"):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def _check_parameters(self):
        if not (isinstance(self.n_init, str) and self.n_init == "auto"):
            try:
                check_count(self.n_init, "n_init")
            except ValueError:
                raise ValueError(f"n_init must be an integer >= 1 or 'auto', got {self.n_init!r}.") from None
        check_count(self.n_clusters, "n_clusters")
        check_count(self.max_iter, "max_iter", minimum=0)
        check_nonnegative(self.tol, "tol")
        if isinstance(self.init, str) and self.init not in ("k-means++", "random"):
            raise ValueError(
                f"init must be 'k-means++', 'random', a callable or an array of centres; got {self.init!r}."
            )
        check_choice(self.algorithm, "algorithm", ("lloyd", "elkan"))
        check_choice(self.copy_x, "copy_x", (True, False))

    def _n_runs(self):
        given = not isinstance(self.init, str) and not callable(self.init)
        if self.n_init == "auto":
            return 10 if self.init == "random" or callable(self.init) else 1
        if given and self.n_init != 1:
            warnings.warn(
                f"Explicit initial center position passed: performing only one init in {type(self).__name__} "
                f"instead of n_init={self.n_init}.", RuntimeWarning, stacklevel=3)
            return 1
        return self.n_init

    def _init_params(self, X, rng):
        K = self.n_clusters
        if isinstance(self.init, str):
            if self.init == "k-means++":
                return KMeansParams(kmeans_plusplus(X, K, rng)[0])
            return KMeansParams(X[rng.choice(len(X), size=K, replace=False)].copy())
        if callable(self.init):
            return KMeansParams(check_shape(self.init(X, K, random_state=rng), (K, X.shape[1]),
                                            "the centres returned by init").copy())
        return KMeansParams(check_shape(self.init, (K, X.shape[1]), "init").copy())

    # ---- the pieces the EM loop calls ------------------------------------------------------
    _responsibilities = staticmethod(responsibilities)
    _ends_with_e_step = True  # the history ends with the assignment reported as labels_

    def _engine(self, X):
        from ._fast.kmeans import KMeansEngine

        return KMeansEngine(X)

    def _converged(self, engine, history, q, previous, params):
        # scikit-learn's two rules: the assignment did not change, or the centres moved less than
        # tol times the mean variance of the features (summed squared shift).
        if q.changed == 0:
            return True
        return ((params.centers - previous.centers) ** 2).sum() <= self.tol * engine.mean_variance

    def _final_score(self, history):
        return -history[-1].distortion

    def _print_iteration(self, history, engine):
        print(f"iteration {history[-1].iteration:4d}: distortion {history[-1].distortion:.6f}")

    def _set_fitted(self, run, X, finals):
        self._params = run.params
        self.cluster_centers_ = self._cast(run.params.centers)
        self.labels_ = run.posterior.labels  # the history's last E-step
        self.inertia_ = distortion(X, run.params.centers, self.labels_)  # its J, summed directly
        self.final_distortions_ = -finals
        distinct = len(np.unique(self.labels_))
        if distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({self.n_clusters}). "
                "Possibly due to duplicate points in X.",
                _validation.ConvergenceWarning,
                stacklevel=3,
            )

    @distributed.rowwise
    def predict(self, X):
        """The nearest centre of every sample (the hard E-step).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        return e_step(X, self._params.centers)

    def score(self, X, y=None):
        """−J on X, the distortion with every sample at its nearest centre, negated (scikit-learn's
        convention: higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        X = self._check_X(X)
        return -distortion(X, self._params.centers, e_step(X, self._params.centers))

    @distributed.rowwise
    def transform(self, X):
        """The distance |x_n − μ_k| of every sample to every centre (scikit-learn's cluster-distance space).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
            In X's dtype when X is float32, float64 otherwise.
        """
        X32 = getattr(X, "dtype", None) == np.float32
        X = self._check_X(X)
        distances = np.sqrt(squared_distances(X, self._params.centers))
        return distances.astype(np.float32) if X32 else distances

    def fit_transform(self, X, y=None):
        """Fit, then return :meth:`transform` of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
        """
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features=None):
        """The names of :meth:`transform`'s columns: "kmeans0", "kmeans1", … (scikit-learn's).

        Parameters
        ----------
        input_features : array-like of str, optional
            Checked against the features seen in ``fit``, as scikit-learn does; not used otherwise.

        Returns
        -------
        names : ndarray of str objects, shape (n_clusters,)
        """
        check_is_fitted(self, "history_")
        if input_features is not None:
            given = np.asarray(input_features, dtype=object)
            fitted = getattr(self, "feature_names_in_", None)
            if len(given) != self.n_features_in_ or (fitted is not None and (given != fitted).any()):
                raise ValueError(
                    f"input_features should be the {self.n_features_in_} features seen in fit"
                    + ("" if fitted is None else f", {list(fitted)}") + f"; got {list(given)}."
                )
        prefix = type(self).__name__.lower()
        return np.array([f"{prefix}{k}" for k in range(len(self._params.centers))], dtype=object)
