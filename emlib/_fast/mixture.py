"""The soft E-step of the mixtures, over blocks of samples: what Gaussian and Bernoulli fits run.

One pass over the data, block by block while each block is in the cache, computes at θ:
log p(x_n, k | θ) (the model's block function), Bayes' rule (r_nk and log p(x_n | θ)), the terms of
the ELBO and the KL (for the new q and for the q of the E-step before), and the M-step's sums.

Memory layout: responsibility-like arrays are (N, K) to the reader, as in scikit-learn, but they are
views of C-ordered (K, N) buffers. Sums and maxima over k then run over K contiguous rows of length
N, which is how numpy's reductions are fastest, and ``resp.T`` is a free, contiguous (K, N) array
for the M-step's matrix products and for the ELBO's dot products.
"""

import math
from typing import NamedTuple

import numpy as np

from . import parallel

# Terms that cannot change a sum of exponentials are not computed. In Σ_k exp(a_k − m), whose
# largest term is e^0 = 1, a term below e^−50 ≈ 2e−22 is lost in the sum's rounding (eps ≈ 2e−16)
# unless there are more than half a million of them, so such a term is set to exactly 0, as exp
# itself does below about −745. log p(x_n) is unchanged to rounding, and a responsibility below
# 2e−22 of the largest one becomes 0. With well-separated components most terms are that small,
# and exp is the costliest function of the E-step, so skipping them makes it about a third faster.
NEGLIGIBLE = -50.0


def log_weights(weights):
    """log π_k, where a weight of 0 gives −inf without a warning: that component takes no samples."""
    with np.errstate(divide="ignore"):
        return np.log(weights)


def _row_max(rows):
    """The maximum over k of a (K, N) array, for every n, with −inf (and NaN) replaced by 0.

    Factoring e^{m_n} out of a column whose terms are all −inf would give −inf − (−inf) = NaN;
    with m_n = 0 instead, the column's log-sum-exp stays log 0 = −inf.
    """
    top = rows.max(axis=0)
    if not math.isfinite(top.sum()):  # one cheap test in the usual case, where all are finite
        top[~np.isfinite(top)] = 0.0
    return top


def _shifted_exp(rows, top):
    """exp(rows − top) for a (K, N) array and a row maximum ``top``, in one new (K, N) buffer.

    Terms below e^−50 are 0 (see ``NEGLIGIBLE``); −inf (log 0, a component of weight 0) gives 0.
    """
    shifted = np.subtract(rows, top, out=np.empty(rows.shape))  # ≤ 0, so exp cannot overflow
    keep = ~(shifted <= NEGLIGIBLE)  # "not ≤" rather than ">": a NaN is kept, and stays NaN
    out = np.zeros(rows.shape)
    if 3 * np.count_nonzero(keep) > keep.size:  # many terms to compute: exp where they are
        return np.exp(shifted, out=out, where=keep)
    # few (sharp posteriors): gather them into one contiguous array for exp, then scatter back,
    # which is about twice as fast as exp with a scattered mask
    kept = np.flatnonzero(keep)
    out.reshape(-1)[kept] = np.exp(shifted.reshape(-1)[kept])
    return out


def normalise_rows(rows):
    """Bayes' rule on one (K, B) block of log p(x_n, z_n = k): ``(r, log p(x_n))``, r a new (K, B) array."""
    top = _row_max(rows)  # m_n = max_k log p(x_n, k)
    resp = _shifted_exp(rows, top)  # p(x_n, k) / e^{m_n}, at most 1
    total = resp.sum(axis=0)  # Σ_k p(x_n, k) / e^{m_n}, between 1 and K
    resp *= 1.0 / total  # r_nk = p(x_n, k) / Σ_j p(x_n, j) (one division per sample, not per (n, k))
    return resp, top + np.log(total)  # log p(x_n) = m_n + log Σ_k e^{log p(x_n, k) − m_n}


def _expectation(resp, values):
    """Σ r v over two arrays of one shape, as one dot product; r = 0 counts as 0 even where v = −inf."""
    total = np.vdot(resp, values)
    if not np.isfinite(total):  # only when some r_nk = 0 met v_nk = −inf: drop those terms
        total = np.sum(resp * np.where(resp > 0, values, 0.0))
    return total


class Posterior(NamedTuple):
    """q = p(Z | X, θ) from one fast E-step, with what the EM loop records and the M-step needs."""

    resp: np.ndarray  # r_nk, an (N, K) view of a (K, N) buffer
    log_norm: np.ndarray  # log p(x_n | θ), shape (N,)
    entropy: float  # H(q) = −Σ_nk r_nk log r_nk
    expected: float  # E_q[log p(X, Z | θ)] = Σ_nk r_nk log p(x_n, k | θ)
    statistics: np.ndarray  # the M-step's sums over n for this q, (S, K) (the model's engine says which)
    log_prior: float  # log p(θ) for MAP-EM, 0 for maximum likelihood


class MixtureEngine:
    """The fast E-step shared by the mixtures. A model's engine sets ``self.blocks`` (pairs ``(cols,
    data)`` of consecutive samples) and ``self.n_samples``, and defines ``block_log_joint(params)`` (a
    function from one block to its (K, B) array of log p(x_n, z_n = k | θ)), ``block_statistics(piece,
    r)`` (the block's share of the M-step's sums, an (S, K) array), ``m_step(q)`` and ``log_prior``."""

    def log_prior(self, params):
        """log p(θ) up to a constant; zero for maximum likelihood."""
        return 0.0

    @staticmethod
    def scores(q):
        """The E entry's log p(X | θ), L(q, θ) = E_q[log p(X, Z | θ)] + H(q), and KL(q ‖ p(Z | X, θ)),
        which is 0: q is that posterior, so its cross-entropy against it is its own entropy."""
        return {"log_likelihood": float(q.log_norm.sum()) + q.log_prior, "elbo": q.expected + q.entropy + q.log_prior,
                "kl": 0.0}

    def e_step(self, params, before=None):
        """q = p(Z | X, θ), and the q of the E-step ``before`` scored at θ (the M entry after it).

        Returns ``(q, scores)``: q a :class:`Posterior`; ``scores`` the previous entry's
        log p(X | θ), and for ``before``: L(before, θ) and KL(before ‖ p(Z | X, θ)), the latter from
        its definition, −Σ_nk q_nk log p(z_n = k | x_n, θ) − H(q) (cross-entropy minus entropy).
        """
        block_log_joint = self.block_log_joint(params)
        K, N = len(params.weights), self.n_samples
        resp, log_norm = np.empty((K, N)), np.empty(N)
        old = None if before is None else before.resp.T  # (K, N)

        def block(piece):
            cols = piece[0]
            rows = block_log_joint(piece)  # (K, B), contiguous
            r, log_norm[cols] = normalise_rows(rows)
            resp[:, cols] = r
            log_r = rows - log_norm[cols]  # log r_nk = log p(x_n, k) − log p(x_n), the log-posterior
            shares = [
                -_expectation(r, log_r),  # H(r)
                _expectation(r, rows),  # E_r[log p(X, Z | θ)]
                0.0 if old is None else _expectation(old[:, cols], rows),  # E_before[log p(X, Z | θ)]
                0.0 if old is None else -_expectation(old[:, cols], log_r),  # cross-entropy of before
            ]
            return np.array(shares), self.block_statistics(piece, r)

        parts = parallel.run(block, self.blocks)
        shares, statistics = parts[0][0].copy(), parts[0][1].copy()
        for block_shares, block_statistics in parts[1:]:  # added in block order
            shares += block_shares
            statistics += block_statistics
        entropy, expected, expected_before, cross_before = (float(value) for value in shares)
        q = Posterior(resp.T, log_norm, entropy, expected, statistics, self.log_prior(params))
        scores = {"log_likelihood": float(log_norm.sum()) + q.log_prior}
        if before is not None:
            scores.update(elbo=expected_before + before.entropy + q.log_prior, kl=cross_before - before.entropy)
        return q, scores
