"""K-means as hard EM: Lloyd's algorithm, written as an E-step and an M-step.

The distortion J = Σ_n Σ_k r_nk |x_n − μ_k|², with r_nk ∈ {0, 1}, is lowered in turn by

    E-step (assignment)  r_nk = 1 for the nearest centre, 0 otherwise        (μ fixed)
    M-step (update)      μ_k = Σ_n r_nk x_n / Σ_n r_nk, the mean of cluster k  (r fixed)

so J never rises. ``soft_responsibilities`` gives the soft E-step of a Gaussian mixture with one
shared covariance ε I and equal weights; as ε → 0 it becomes the hard assignment above.

The fit's E-step takes a shortcut that changes no label (Hamerly, 2010): every point keeps a lower
bound on how much nearer its nearest centre is than the second-nearest. While the centres' moves
since the point was last examined cannot have used up that margin, its label stands without a
distance computed.

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
from .em import EMModel, soft_posterior
from .history import Step


class KMeansParams(NamedTuple):
    """θ of k-means: the (K, D) cluster centres."""

    centers: np.ndarray


class KMeansData(NamedTuple):
    """What the steps need from X alone, computed once per fit."""

    XT1: np.ndarray  # (D + 1, N): columns [x_n − x̄; 1]
    squares: np.ndarray  # |x_n − x̄|², shape (N,)
    radius: float  # max_n |x_n − x̄|, the scale of the rounding errors below
    mean: np.ndarray  # x̄, shape (D,)
    total: float  # Σ_n |x_n − x̄|²
    mean_variance: float  # the features' mean variance (scikit-learn's scale for tol)


class Evaluation(NamedTuple):
    """What the hard E-step needs at one set of centres: the centres, and the assignment before."""

    centers: np.ndarray
    data: KMeansData
    previous: "Assignment | None"  # the last E-step's assignment (None before the first)


class Assignment(NamedTuple):
    """q of k-means after a hard E-step: labels z_n and their tallies, for the M-step and for J."""

    labels: np.ndarray  # z_n, shape (N,)
    margins: np.ndarray  # a lower bound on d(x_n, 2nd nearest centre) − d(x_n, nearest), shape (N,)
    counts: np.ndarray  # N_k = #{n : z_n = k}
    sums: np.ndarray  # S_k = Σ_{n : z_n = k} (x_n − x̄), shape (K, D)
    centers: np.ndarray  # the centres the assignment was made to
    changed: int  # how many labels this E-step changed (all N in the first)


def squared_distances(X, centers):
    """|x_n − μ_k|² for all n, k, shape (N, K), from one matrix product: |x|² − 2 xᵀμ + |μ|²."""
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


def nearest(distances):
    """For a (K, N) array of distances (up to a constant per sample): the index of the nearest
    centre of every sample, as ``argmin`` over k would give it (the first k among ties), and the
    minimum distance.

    numpy's ``argmin`` over the short first axis of a (K, N) array works sample by sample; here the
    work is K vectorised passes over rows of length N instead.
    """
    best = distances.min(axis=0)  # min_k d_nk, one pass over K contiguous rows
    is_best = distances == best  # (K, N): True where centre k is a nearest one
    labels = np.zeros(distances.shape[1], dtype=np.min_scalar_type(len(distances)))
    before = np.ones(distances.shape[1], dtype=bool)  # "no nearest centre among 0, …, k yet"
    for k in range(len(distances) - 1):
        np.greater(before, is_best[k], out=before)  # before and not is_best[k]
        labels += before  # the label is the number of centres before the first nearest one
    return labels.astype(np.intp), best


def _error_bound(data, centered):
    """(R, η): the numbers in the distance computations are at most R = max|x̃| + max|μ̃| in size,
    and η = 2 (D + 2) ε R bounds their rounding errors with room to spare: η R that of a squared
    distance (a dot product of length D + 1), η that of a distance or a difference of distances."""
    R = data.radius + np.sqrt((centered**2).sum(axis=1).max())
    return R, 2 * (len(data.XT1) + 1) * np.finfo(float).eps * R


def _nearest_with_margins(data, centered, examine):
    """Labels of the samples ``examine`` and a lower bound on their margins d₂ − d₁, the distance
    to the second-nearest centre minus that to the nearest, rounding errors included."""
    coef = np.hstack([-2 * centered, (centered**2).sum(axis=1)[:, None]])  # [−2 μ̃_k, |μ̃_k|²]
    # g_kn = |μ̃_k|² − 2 μ̃_kᵀ x̃_n = |x_n − μ_k|² − |x̃_n|²: the distances up to a term that does
    # not depend on k, for all k by one (K, D + 1) @ (D + 1, n) product
    g = np.dot(coef, data.XT1.take(examine, axis=1))
    labels, best = nearest(g)
    g.reshape(-1)[labels * g.shape[1] + np.arange(g.shape[1])] = np.inf  # hide each nearest centre
    second = g.min(axis=0)  # a tie for nearest leaves second = best, a margin of zero
    squares, (R, eta) = data.squares.take(examine), _error_bound(data, centered)
    # the largest d₁ and the smallest d₂ the rounding errors allow
    d1 = np.sqrt(np.maximum(best + squares, 0) + eta * R)
    d2 = np.sqrt(np.maximum(second + squares - eta * R, 0))
    return labels, d2 - d1


def _tallies(labels, XT, K):
    """N_k and S_k = Σ_{n : z_n = k} x_n for labels z and the (D, n) columns XT (bincount is a
    grouped sum: out[z_n] += w_n for every n)."""
    counts = np.bincount(labels, minlength=K).astype(float)
    return counts, np.stack([np.bincount(labels, weights=row, minlength=K) for row in XT], axis=1)


def _far_points(data, labels, centered, n):
    """The n samples farthest from their centres (centred coordinates, farthest first): where an
    empty cluster's centre goes, as in scikit-learn."""
    residual = data.XT1[:-1] - centered[labels].T  # (D, N): x̃_n − μ̃_{z_n}
    far = np.argsort(-np.einsum("dn,dn->n", residual, residual), kind="stable")[:n]
    return data.XT1[:-1, far].T


def e_step(X, centers):
    """The hard E-step: the index of the nearest centre for every sample, shape (N,)."""
    return nearest(squared_distances(X, centers).T)[0]


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
    return Statistics(*_tallies(labels, X.T, n_clusters))


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
    """J = Σ_n |x_n − μ_{z_n}|², the k-means objective (scikit-learn's ``inertia_``)."""
    return float(squared_distances(X, centers)[np.arange(len(X)), labels].sum())


def soft_responsibilities(X, centers, epsilon):
    """r_nk ∝ exp(−|x_n − μ_k|² / (2ε)): the E-step of a mixture with shared covariance ε I and
    equal weights. As ε → 0 every row tends to the one-hot vector of the nearest centre."""
    if not np.isscalar(epsilon) or not epsilon > 0:
        raise ValueError(f"epsilon must be a positive number (the shared variance), got {epsilon!r}.")
    X = check_array(X)
    log_resp, _ = soft_posterior(-squared_distances(X, np.asarray(centers, dtype=float)) / (2 * epsilon))
    return np.exp(log_resp)


def kmeans_plusplus(X, n_clusters, random_state=None, n_local_trials=None):
    """k-means++ seeding (Arthur & Vassilvitskii, 2007), greedy variant: each new centre is the best
    of a few candidates drawn with probability ∝ D(x)², the squared distance to the nearest centre
    chosen so far. Returns ``(centers, indices)``."""
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
    def _prepare(self, X):
        # Centre the data once (scikit-learn does the same): the expanded distances
        # |x|² − 2 xᵀμ + |μ|² then lose no digits to a large common offset of x and μ.
        mean = X.mean(axis=0)
        XT1 = np.empty((X.shape[1] + 1, X.shape[0]))
        np.subtract(X.T, mean[:, None], out=XT1[:-1])  # rows x̃_d = x_d − x̄_d, contiguous
        XT1[-1] = 1.0  # a row of ones carries |μ_k|² inside the matrix product
        squares = np.einsum("dn,dn->n", XT1[:-1], XT1[:-1])  # |x̃_n|²
        return KMeansData(XT1, squares, float(np.sqrt(squares.max())), mean, float(squares.sum()),
                          X.var(axis=0).mean())

    def _evaluate(self, data, params, q=None):
        # The hard E-step starts from the previous assignment q, so there is nothing to compute
        # before it: it runs in _posterior.
        return Evaluation(params.centers, data, q)

    def _posterior(self, ev):
        # The hard E-step, r_nk = 1 for the nearest centre, with Hamerly's shortcut (2010): a point
        # whose nearest centre provably did not change keeps its label, without a distance computed.
        data, previous = ev.data, ev.previous
        N = len(data.squares)
        centered = ev.centers - data.mean  # μ̃_k = μ_k − x̄
        if previous is None:  # the first E-step: every point is examined
            labels, margins = _nearest_with_margins(data, centered, np.arange(N))
            counts, sums = _tallies(labels, data.XT1[:-1], len(centered))
            return Assignment(labels, margins, counts, sums, ev.centers, N)
        # A centre that moves by δ_k changes every distance to it by at most δ_k (triangle
        # inequality), so the gap between a point's nearest and second-nearest centre shrinks by at
        # most 2 max_k δ_k; only the points whose margin may have run out are examined again.
        # (δ_k from the centred coordinates the distances are computed in, rounding included)
        shift = np.sqrt(((centered - (previous.centers - data.mean)) ** 2).sum(axis=1)).max()
        margins = previous.margins - 2 * (shift + _error_bound(data, centered)[1])
        examine = np.flatnonzero(margins <= 0)
        new_labels, margins[examine] = _nearest_with_margins(data, centered, examine)
        moved = new_labels != previous.labels[examine]
        if not moved.any():
            return previous._replace(margins=margins, centers=ev.centers, changed=0)
        moved_idx, to, away = examine[moved], new_labels[moved], previous.labels[examine[moved]]
        labels = previous.labels.copy()
        labels[moved_idx] = to
        # The tallies change only by the points that moved: added to their new cluster, taken from
        # their old one.
        K, X_moved = len(centered), data.XT1[:-1].take(moved_idx, axis=1)
        (gained_n, gained_s), (lost_n, lost_s) = _tallies(to, X_moved, K), _tallies(away, X_moved, K)
        return Assignment(labels, margins, previous.counts + gained_n - lost_n,
                          previous.sums + gained_s - lost_s, ev.centers, len(moved_idx))

    def _posterior_from_params(self, X, params):
        labels = e_step(X, params.centers)
        one_hot = np.zeros((len(params.centers), len(X)))
        one_hot[labels, np.arange(len(X))] = 1
        return one_hot.T

    def _record(self, ev, q):
        if q is None:
            return {}
        # J = Σ_k Σ_{n in k} |x̃_n − μ̃_k|² = Σ_n |x̃_n|² − 2 Σ_k μ̃_kᵀ S_k + Σ_k N_k |μ̃_k|², with the
        # tallies N_k, S_k = Σ_{n in k} x̃_n of the assignment: no pass over the data
        centered = ev.centers - ev.data.mean
        J = ev.data.total - 2 * np.vdot(centered, q.sums) + np.dot(q.counts, (centered**2).sum(axis=1))
        return {"distortion": float(max(J, 0.0))}

    def _m_step(self, data, q):
        # μ_k = S_k / N_k + x̄: every centre moves to the mean of its points
        new = np.array(q.centers, dtype=float, copy=True)
        full = q.counts > 0
        new[full] = q.sums[full] / q.counts[full, None] + data.mean
        if not full.all():  # J does not depend on an empty cluster's centre: see the module's notes
            new[~full] = _far_points(data, q.labels, new - data.mean, np.count_nonzero(~full)) + data.mean
        return KMeansParams(new)

    def _converged(self, history, q_prev, q, data):
        # scikit-learn's two rules: the assignment did not change, or the centres moved less than
        # tol times the mean variance of the features (summed squared shift).
        if q.changed == 0:
            return True
        shift = ((history[-1].params.centers - history[-2].params.centers) ** 2).sum()
        return shift <= self.tol * data.mean_variance

    def _final_e_step(self, history, ev, q, converged):
        # Unless the last E-step changed no label (then the last M-step moved no centre), the
        # centres have moved since it: one more E-step gives the assignment to the final centres,
        # and its entry ends the history, so that labels_ and inertia_ are its q and its J.
        if q is not None and q.changed == 0:
            return q
        q = self._posterior(ev)
        history._append(Step("E", history[-1].iteration + 1, history[-1].params, **self._record(ev, q)))
        return q

    def _final_score(self, history):
        return -history[-1].distortion

    def _print_iteration(self, history, n_samples):
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
