"""The engine that ``fit`` runs: the same E- and M-steps as the public ones, made fast.

The public steps in :mod:`emlib.gmm`, :mod:`emlib.bernoulli` and :mod:`emlib.kmeans` are the
chapters' equations in plain numpy; read those first. A fit runs this package instead, which
computes the same numbers (tests/test_parity.py holds them equal to 1e-10) by other means:

- ``parallel``: blocks of consecutive samples, several at a time on as many threads as BLAS may use;
- ``mixture``: the soft E-step over those blocks (Bayes' rule in log space, terms below e^−50 of a
  sample's largest dropped as negligible), which also adds up, block by block, the ELBO's and KL's
  terms and the M-step's sufficient statistics;
- ``gmm``, ``bernoulli``: each model's log-joint and M-step as matrix products over feature blocks
  ([1; x] or [1; x; x²] around the data's mean), the Cholesky factor's triangle read in strips;
- ``kmeans``: the hard E-step with Hamerly's bounds, and tallies updated by the points that moved.

Each model has one engine class, built once per fit from X, with two methods the EM loop calls:
``e_step(params, before)`` and ``m_step(q)``.
"""
