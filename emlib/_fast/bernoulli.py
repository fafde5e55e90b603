"""The Bernoulli mixture's fast E- and M-steps: one matrix product each, per block of samples.

log p(x | k) = Σ_d x_d (log μ_kd − log(1 − μ_kd)) + Σ_d log(1 − μ_kd) needs a single (K, D) @ (D, B)
product for a block of B samples, and the M-step's Σ_n r_nk x_nd one (D, B) @ (B, K) product.
"""

import numpy as np

from ..bernoulli import Statistics, log_prior, params_from_statistics
from . import parallel
from .mixture import MixtureEngine, log_weights


class BernoulliEngine(MixtureEngine):
    """A Bernoulli mixture's fit: X cut into blocks once, then ``e_step(params, before)`` and ``m_step(q)``."""

    def __init__(self, X, beta_prior):
        self.blocks = [(cols, X[cols]) for cols in parallel.split(len(X), X.shape[1])]  # views, not copies
        self.n_samples, self.beta_prior = len(X), beta_prior

    @staticmethod
    def block_log_joint(params):
        log_mu, log_one_minus = np.log(params.means), np.log1p(-params.means)
        coef = log_mu - log_one_minus  # (K, D)
        const = (log_one_minus.sum(axis=1) + log_weights(params.weights))[:, None]
        return lambda piece: np.dot(coef, piece[1].T) + const  # (K, D) @ (D, B): the E-step's product

    @staticmethod
    def block_statistics(piece, resp_block):
        """One block's share of N_k and Σ_n r_nk x_nd, as a (1 + D, K) array."""
        return np.vstack([resp_block.sum(axis=1), np.dot(piece[1].T, resp_block.T)])

    def log_prior(self, params):
        return log_prior(params, self.beta_prior)

    def m_step(self, q):
        return params_from_statistics(Statistics(q.statistics[0], q.statistics[1:].T), self.beta_prior)
