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

Empty clusters: if a cluster loses all its points, the M-step keeps its previous centre. J does not
depend on that centre (no point is assigned to it), so this is still an exact minimiser of J for the
fixed assignment, and J still never rises; a later E-step may give the centre points again.
(scikit-learn instead moves it onto a far-away point; from the same start both agree until a
cluster empties.)
"""

from typing import NamedTuple

import numpy as np

from ._validation import check_array, check_count, check_random_state, check_shape
from .em import EMModel, soft_posterior


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


def e_step(X, centers):
    """The hard E-step: the index of the nearest centre for every sample, shape (N,)."""
    return nearest(squared_distances(X, centers).T)[0]


def m_step(X, labels, centers):
    """The M-step: every centre moves to the mean of its points (an empty cluster keeps its centre)."""
    counts, sums = _tallies(labels, X.T, len(centers))  # N_k and Σ_n r_nk x_n
    new = np.array(centers, dtype=float, copy=True)
    full = counts > 0
    new[full] = sums[full] / counts[full, None]
    return new


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
    """K-means by Lloyd's algorithm, run by the same EM loop as the mixtures.

    ``history_`` records the centres and the distortion J after every half-step.
    """

    _n_components_name = "n_clusters"

    def __init__(self, n_clusters=8, *, init="k-means++", n_init=1, max_iter=300, tol=1e-4,
                 random_state=None, verbose=0):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    def __repr__(self):
        return f"KMeans(n_clusters={self.n_clusters})"

    def _check_parameters(self):
        super()._check_parameters()
        if isinstance(self.init, str) and self.init not in ("k-means++", "random"):
            raise ValueError(f"init must be 'k-means++', 'random' or an array of centres; got {self.init!r}.")

    def _init_params(self, X, rng):
        K = self.n_clusters
        if isinstance(self.init, str):
            if self.init == "k-means++":
                return KMeansParams(kmeans_plusplus(X, K, rng)[0])
            return KMeansParams(X[rng.choice(len(X), size=K, replace=False)].copy())
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
        # μ_k = S_k / N_k + x̄: every centre moves to the mean of its points (an empty cluster keeps
        # its centre)
        new = np.array(q.centers, dtype=float, copy=True)
        full = q.counts > 0
        new[full] = q.sums[full] / q.counts[full, None] + data.mean
        return KMeansParams(new)

    def _converged(self, history, q_prev, q, data):
        # scikit-learn's two rules: the assignment did not change, or the centres moved less than
        # tol times the mean variance of the features (summed squared shift).
        if q.changed == 0:
            return True
        shift = ((history[-1].params.centers - history[-2].params.centers) ** 2).sum()
        return shift <= self.tol * data.mean_variance

    def _final_score(self, history):
        return -history[-1].distortion

    def _print_iteration(self, history, n_samples):
        print(f"iteration {history[-1].iteration:4d}: distortion {history[-1].distortion:.6f}")

    def _set_fitted(self, params, X, finals):
        self._params = params
        self.cluster_centers_ = params.centers
        self.labels_ = e_step(X, params.centers)  # the assignment to the final centres
        self.inertia_ = distortion(X, params.centers, self.labels_)
        self.final_distortions_ = -finals

    def predict(self, X):
        """The nearest centre of every sample."""
        X = self._check_X(X)
        return e_step(X, self.cluster_centers_)

    def score(self, X, y=None):
        """−J on X (scikit-learn's convention: higher is better)."""
        X = self._check_X(X)
        return -distortion(X, self.cluster_centers_, e_step(X, self.cluster_centers_))
