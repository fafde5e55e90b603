"""emlib.live: the static twin carries its model and data, and the browser's stepper refits the same fit
and draws it with the twin's panels; the ε sweep's twin carries its data, centres and ε values, and the
browser's stepper rebuilds the same sweep, draws it as the twin does and finds new centres with KMeans.
(These tests run under Pyodide too: tests/test_pyodide.py.)"""

import base64
import io
import json
import os
import re
import subprocess
import sys

import matplotlib.colors
import numpy as np
import pytest
from PIL import Image

import emlib
from emlib import datasets, live, widgets


@pytest.fixture(scope="module")
def faithful():
    X, _ = datasets.load_faithful()
    return X


def test_the_twin_embeds_a_spec_that_refits_the_same_fit(faithful):
    model = emlib.GaussianMixture(3, random_state=2)
    html = widgets.animate(model, faithful, max_frames=4).data
    found = re.findall(r'<script type="application/json" class="emlib-model">(.*?)</script>', html, re.S)
    assert len(found) == 1
    again, X = live.from_spec(json.loads(found[0]))
    np.testing.assert_array_equal(X, faithful)  # exact: float64 in base64
    assert again.get_params() == model.get_params()
    again.fit(X)
    assert again.history_.series("log_likelihood").tolist() == model.history_.series("log_likelihood").tolist()


def test_initial_arrays_and_binary_data_survive_the_round_trip():
    X = (np.random.default_rng(0).random((37, 11)) < 0.3).astype(float)
    means_init = np.full((2, 11), 0.25)
    model = emlib.BernoulliMixture(2, means_init=means_init, weights_init=[0.4, 0.6], beta_prior=(2, 2),
                                   random_state=1)
    description = json.loads(json.dumps(live.spec(model, X)))
    assert "bits" in description["X"]  # 0/1 data travels as bits
    again, Y = live.from_spec(description)
    np.testing.assert_array_equal(Y, X)
    np.testing.assert_array_equal(again.means_init, means_init)
    assert again.beta_prior == (2, 2) and again.random_state == 1


def test_a_seed_that_is_a_generator_or_too_much_data_cannot_be_described(faithful):
    assert live.spec(emlib.GaussianMixture(2, random_state=np.random.default_rng(0)), faithful) is None
    assert live.spec(emlib.KMeans(2, random_state=4), faithful) is not None
    many = np.random.default_rng(0).normal(size=(live.MAX_DATA_BYTES // 16 + 1, 2))  # 3 base64 bytes per 4
    assert live.spec(emlib.KMeans(2, random_state=4), many) is None


def test_the_stepper_steps_and_refits(faithful):
    description = live.spec(emlib.GaussianMixture(3, random_state=0), faithful)
    stepper = live.LiveStepper(description)
    reference = emlib.GaussianMixture(3, random_state=0).fit(faithful)
    first, second = stepper.show(0), stepper.show(2)
    assert first["last"] == len(reference.history_) - 1 and first["next"] == "E"
    assert second["value"] == reference.history_[2].log_likelihood and second["next"] == "E"
    assert first["png"] != second["png"]
    assert stepper.show(0)["png"] == first["png"]  # a half-step looks the same however it is reached
    width, height = Image.open(io.BytesIO(first["png"])).size
    # the website's stacked panels, as wide as the twin's; their height follows the data's shape
    assert width == round(widgets.STACKED[0] * 115) and (width, height) == stepper.frames.view.fig.canvas.get_width_height()
    end = stepper.show(10_000)
    assert end["t"] == end["last"] and end["next"] is None and "converged" in end["status"]

    refit = stepper.refit(2, "diag", "random", 5)
    expected = emlib.GaussianMixture(2, covariance_type="diag", init_params="random", random_state=5).fit(faithful)
    assert refit["t"] == 0 and refit["last"] == len(expected.history_) - 1
    assert stepper.model.means_.tolist() == expected.means_.tolist()
    assert refit["message"].startswith("GaussianMixture with 2 components")
    # an iteration is an E-step and an M-step; θ₀ is no half-step
    assert f": {expected.n_iter_} iterations, {2 * expected.n_iter_} half-steps after θ₀." in refit["message"]
    refused = stepper.refit(0, "diag", "random", 5)
    assert refused["message"].startswith("Refit failed: n_components must be")
    assert stepper.model.n_components == 2  # the fit shown stays


def test_kmeans_shows_its_distortion(faithful):
    stepper = live.LiveStepper(live.spec(emlib.KMeans(3, random_state=0), faithful))
    reference = emlib.KMeans(3, random_state=0).fit(faithful)
    shown = stepper.show(1)
    assert shown["quantity"] == "distortion J" and shown["value"] == reference.history_[1].distortion
    assert stepper.settings() == {"K": 3, "covariance_type": None, "covariance_types": [], "init": "k-means++",
                                  "inits": ["k-means++", "random"], "seed": 0}


def test_the_page_stepper_needs_neither_scipy_nor_scikit_learn():
    # The website's "Run live" loads numpy, matplotlib and emlib only (scripts/fetch_pyodide.py):
    # with scipy and scikit-learn made unimportable, a stepper (and the ε sweep's) still fits, steps and draws.
    code = """
import sys
sys.modules["scipy"] = sys.modules["sklearn"] = None  # "import scipy" now raises ImportError
import numpy as np
import emlib
from emlib import live
X = np.random.default_rng(0).normal(size=(60, 2)) + np.repeat([[0, 0], [4, 4]], 30, axis=0)
stepper = live.LiveStepper(live.spec(emlib.GaussianMixture(2, random_state=0), X))
frame = stepper.show(3)
assert bytes(frame["png"])[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
assert stepper.refit(3, "diag", "kmeans", 1)["message"].startswith("GaussianMixture with 3")
sweep = live.stepper(live.annealing_spec(X, [[0, 0], [4, 4]], np.geomspace(8, 0.01, 5)))  # the ε sweep's
assert bytes(sweep.show(2)["png"])[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
assert sweep.refit(K=3, seed=1)["message"].startswith("3 centres from emlib's KMeans")
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-3000:]


# ---- the ε sweep ------------------------------------------------------------------------------------
CENTERS = np.array([[0.0, 0.0], [5.0, 0.0], [2.0, 5.0]])
EPSILONS = np.geomspace(12.0, 0.02, 9)
# the book's palette, written out here rather than read from emlib
RGB = np.array([matplotlib.colors.to_rgb(c) for c in ["#0072B2", "#E69F00", "#009E73"]])


@pytest.fixture(scope="module")
def X():
    return datasets.blobs([[0, 0], [5, 0], [2, 5]], [1.0, 0.4, 0.8], 240, random_state=3)[0]


@pytest.fixture(scope="module")
def twin(X):
    return widgets.animate_annealing(X, CENTERS, EPSILONS).data


def embedded(html):
    found = re.findall(r'<script type="application/json" class="emlib-model">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def mean_certainty(X, centers, eps):
    """Mean over the points of max_k r_nk, r_nk ∝ exp(−|x_n − μ_k|² / 2ε), written out with numpy."""
    logits = -((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2) / (2 * eps)
    r = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (r / r.sum(axis=1, keepdims=True)).max(axis=1).mean()


def test_the_twin_embeds_its_data_centres_and_epsilons_exactly(X, twin):
    description = embedded(twin)
    assert description["kind"] == "annealing"
    Y, centers, epsilons = live.from_annealing_spec(json.loads(json.dumps(description)))
    np.testing.assert_array_equal(Y, X)  # exact: float64 in base64, as for a model's data
    np.testing.assert_array_equal(centers, CENTERS)
    np.testing.assert_array_equal(epsilons, EPSILONS)
    assert isinstance(live.stepper(description), live.LiveAnnealing)
    assert isinstance(live.stepper(live.spec(emlib.KMeans(2, random_state=0), X)), live.LiveStepper)


def test_too_much_data_gives_no_description_and_no_run_live():
    many = np.random.default_rng(0).normal(size=(live.MAX_DATA_BYTES // 16 + 1, 2))
    assert live.annealing_spec(many, CENTERS[:, :2], EPSILONS) is None
    assert live.annealing_spec(many[:100], CENTERS, EPSILONS) is not None


def test_frames_are_the_twins_pictures(X, twin):
    """The live frame of an ε and the twin's frame of the same ε are one picture (the twin's is
    reduced to a 128-colour palette, which keeps the centres' pure colours); the drawing is the
    twin's class, the size the twin's."""
    frames = live.AnnealingFrames(X, CENTERS, EPSILONS)
    assert isinstance(frames.view, widgets._Annealing)
    sources = json.loads(re.findall(r'class="emlib-frames">(.*?)</script>', twin, re.S)[0])["src"]
    sources[0] = re.search(r'<img src="([^"]+)"', twin).group(1)
    assert len(sources) == len(EPSILONS)
    for i in (0, 4, 8):
        shown = pixels(frames.png(i))
        movie = pixels(base64.b64decode(sources[i].split(",", 1)[1]))
        assert shown.shape == movie.shape == (round(widgets.STACKED[1] * 115), round(widgets.STACKED[0] * 115), 3)
        # the palette moves colours a little; the next ε's frame differs by more in hundreds of pixels
        differ = (np.abs(shown - movie).max(axis=2) > 32).sum()
        assert differ == 0, f"ε step {i}: {differ} pixels differ from the twin's frame"
    assert np.abs(pixels(frames.png(0)) - pixels(frames.png(-1))).max() > 100  # the colours did change


def test_the_points_go_from_blends_to_their_nearest_centres_colour(X):
    frames = live.AnnealingFrames(X, CENTERS, EPSILONS)
    nearest = ((X[:, None, :] - CENTERS[None]) ** 2).sum(axis=2).argmin(axis=1)
    frames.png(-1)
    hard = frames.view.points.get_facecolors()[:, :3]
    np.testing.assert_allclose(np.median(np.abs(hard - RGB[nearest]), axis=0), 0, atol=1e-3)
    frames.png(0)
    soft = frames.view.points.get_facecolors()[:, :3]
    assert np.median(np.abs(soft - RGB[nearest]).sum(axis=1)) > 0.1


def test_the_stepper_steps_through_the_sweep(X, twin):
    stepper = live.stepper(embedded(twin))
    assert stepper.settings() == {"K": 3, "seed": 0}
    first = stepper.show(0)
    assert (first["t"], first["last"]) == (0, len(EPSILONS) - 1)
    assert first["status"].startswith("ε = 12 (step 0 of 8")
    assert first["value"] == pytest.approx(mean_certainty(X, CENTERS, EPSILONS[0]), rel=1e-12)
    later = stepper.show(5)
    assert later["status"].startswith(f"ε = {EPSILONS[5]:.3g} (step 5 of 8")
    assert later["value"] == pytest.approx(mean_certainty(X, CENTERS, EPSILONS[5]), rel=1e-12)
    assert later["png"] != first["png"] and stepper.show(0)["png"] == first["png"]
    assert stepper.show(-4)["t"] == 0 and stepper.show(99)["t"] == 8  # clipped to the sweep
    assert "The page's 3 centres" in first["message"]


def test_a_refit_finds_new_centres_with_kmeans_and_restarts_the_sweep(X, twin):
    stepper = live.stepper(embedded(twin))
    before = stepper.show(6)["png"]
    refit = stepper.refit(K=2, seed=5)
    expected = emlib.KMeans(2, random_state=5).fit(X).cluster_centers_
    np.testing.assert_array_equal(stepper.frames.view.centers, expected)
    np.testing.assert_array_equal(stepper.epsilons, EPSILONS)  # the same sweep over ε
    assert refit["t"] == 0 and stepper.settings() == {"K": 2, "seed": 5}
    assert refit["value"] == pytest.approx(mean_certainty(X, expected, EPSILONS[0]), rel=1e-12)
    assert refit["message"].startswith("2 centres from emlib's KMeans (k-means++, seed 5)")
    assert stepper.show(6)["png"] != before
    assert stepper.refit(seed=1)["message"].startswith("2 centres")  # None keeps K

    refused = stepper.refit(K=0, seed=5)
    assert refused["message"].startswith("Refit failed: n_clusters must be")
    assert stepper.settings()["K"] == 2  # the sweep shown stays
