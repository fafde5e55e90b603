import numpy as np
import pytest


def make_blobs(seed=0, n_samples=300, n_features=2, n_components=3, spread=5.0):
    """Seeded Gaussian clusters with random shapes: the small data helper every test uses."""
    rng = np.random.default_rng(seed)
    means = rng.normal(scale=spread, size=(n_components, n_features))
    shapes = rng.normal(size=(n_components, n_features, n_features)) * 0.6
    z = rng.integers(n_components, size=n_samples)
    X = means[z] + np.einsum("nij,nj->ni", shapes[z], rng.normal(size=(n_samples, n_features)))
    X += 0.3 * rng.normal(size=X.shape)
    return X, z


@pytest.fixture
def blobs():
    return make_blobs()


@pytest.fixture(name="make_blobs")
def make_blobs_fixture():
    return make_blobs
