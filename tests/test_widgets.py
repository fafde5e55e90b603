"""Tests of emlib.widgets, headless: the stepper is driven by goto, button clicks and a refit, and
what it draws is checked against the history; the static twin is checked for size, markup and frames.
"""

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import emlib
from emlib import datasets, plotting, widgets

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RGB = np.array([matplotlib.colors.to_rgb(c) for c in OKABE_ITO])
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _quiet(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        return model.fit(X)


def _full(params):
    K, D = params.means.shape
    cov, kind = np.asarray(params.covariances), params.covariance_type
    if kind == "full":
        return cov
    if kind == "tied":
        return np.array([cov] * K)
    if kind == "diag":
        return np.array([np.diag(c) for c in cov])
    return np.array([c * np.eye(D) for c in cov])


def assert_drawn_step_matches(stepper):
    """The ellipses, the curve marker and the bound bar of the stepper show history[stepper.t]."""
    t = stepper.t
    step = stepper.history[t]
    artists = stepper.view.artists
    covs = _full(step.params)
    for k, row in enumerate(artists["gaussians"].ellipses):
        for patch, s in zip(row, (1, 2, 3)):
            np.testing.assert_allclose(patch.center, step.params.means[k, :2], atol=1e-12)
            semi = np.sort([patch.width / 2, patch.height / 2])
            np.testing.assert_allclose(semi, s * np.sqrt(np.linalg.eigvalsh(covs[k][:2, :2])), rtol=1e-9)
            points = patch.get_patch_transform().transform(patch.get_path().vertices)[::3]
            diff = points - step.params.means[k, :2]
            d2 = np.einsum("nd,nd->n", diff, np.linalg.solve(covs[k][:2, :2], diff.T).T)
            np.testing.assert_allclose(d2, s**2, rtol=1e-6)
    xs, ys = artists["curve"].marker.get_data()
    low = stepper.view.axes[1].get_ylim()[0]
    # a start far below the fit is off the curve panel's scale: the marker sits on its bottom edge
    assert xs[0] == t and (ys[0] == step.log_likelihood or (step.log_likelihood < low and ys[0] == low))
    kl_bar = artists["bound"].kl.get_height()
    if step.phase == "E":
        assert abs(kl_bar) < 1e-8 * abs(step.log_likelihood)
    elif step.phase == "M":
        assert kl_bar == pytest.approx(step.kl, abs=1e-9)
        assert artists["bound"].elbo.get_y() + artists["bound"].elbo.get_height() == pytest.approx(step.elbo)
    else:
        assert kl_bar == 0


@pytest.fixture(scope="module")
def X():
    return datasets.blobs([[0, 0], [5, 0], [2, 5]], [1.0, 0.4, 0.8], 240, random_state=3)[0]


@pytest.fixture
def stepper(X):
    model = _quiet(emlib.GaussianMixture(3, init_params="random", random_state=0, tol=1e-5), X)
    return widgets.EMStepper(model, X, dpi=40)


def test_goto_draws_the_history_entry(stepper):
    n = len(stepper.history)
    assert n > 6
    images = set()
    for t in [0, 1, 2, 3, n - 1, 5, -2]:
        stepper.goto(t)
        assert stepper.t == range(n)[t] == stepper.slider.value
        assert_drawn_step_matches(stepper)
        assert bytes(stepper.image.value).startswith(PNG_MAGIC)
        images.add(bytes(stepper.image.value))
    assert len(images) == 7  # every half-step looks different


def test_kl_after_m_steps_is_positive_somewhere(stepper):
    m_steps = [t for t, phase in enumerate(stepper.history.phases) if phase == "M"]
    heights = []
    for t in m_steps[:5]:
        stepper.goto(t)
        heights.append(stepper.view.artists["bound"].kl.get_height())
    assert max(heights) > 1e-3


def test_slider_moves_the_drawing(stepper):
    stepper.slider.value = 3
    assert stepper.t == 3
    assert_drawn_step_matches(stepper)


def test_step_buttons(stepper):
    h = stepper.history
    stepper.goto(0)
    assert stepper.buttons["M"].disabled and not stepper.buttons["E"].disabled  # θ₀ is followed by an E-step
    stepper.buttons["E"].click()
    assert stepper.t == 1 and h[1].phase == "E"
    assert_drawn_step_matches(stepper)
    assert "E-step" in stepper.status.value and "KL gap is 0" in stepper.status.value
    assert stepper.buttons["E"].disabled and not stepper.buttons["M"].disabled
    stepper.buttons["E"].click()  # an E-step cannot follow an E-step: it stays, and says what comes next
    assert stepper.t == 1 and "next half-step is an M-step" in stepper.status.value
    stepper.buttons["M"].click()
    assert stepper.t == 2 and h[2].phase == "M"
    assert_drawn_step_matches(stepper)
    assert "M-step" in stepper.status.value and "KL gap opens" in stepper.status.value
    stepper.buttons["next"].click()
    assert stepper.t == 3 and h[3].phase == "E"
    stepper.buttons["next"].click()
    assert stepper.t == 4
    stepper.buttons["previous"].click()
    assert stepper.t == 3
    stepper.buttons["start"].click()
    assert stepper.t == 0 and h[0].phase == "init"
    assert_drawn_step_matches(stepper)
    assert stepper.buttons["previous"].disabled and stepper.buttons["start"].disabled
    stepper.buttons["previous"].click()  # stays at 0
    assert stepper.t == 0


def test_the_last_half_step_says_em_converged(stepper):
    stepper.goto(-1)
    assert stepper.model.converged_
    assert "has converged" in stepper.status.value and f"after {stepper.model.n_iter_} iterations" in stepper.status.value
    for name in ("next", "E", "M"):
        assert stepper.buttons[name].disabled
        stepper.buttons[name].click()
        assert stepper.t == len(stepper.history) - 1
    stepper.goto(-3)
    assert "converged" not in stepper.status.value


def test_a_fit_that_stops_early_says_so(X):
    model = _quiet(emlib.GaussianMixture(3, random_state=0, max_iter=2, tol=0.0), X)
    stepper = widgets.EMStepper(model, X, dpi=30)
    stepper.goto(-1)
    assert "stopped without converging" in stepper.status.value


def test_the_gap_is_visible_at_every_m_step(stepper):
    """The bound panel is zoomed per half-step: every M-step's KL bar is a visible part of the panel."""
    ax = stepper.view.axes[2]
    for t, phase in enumerate(stepper.history.phases):
        if phase != "M" or t < 2:
            continue
        stepper.goto(t)
        bar = stepper.view.artists["bound"].kl
        lo, hi = ax.get_ylim()
        assert bar.get_height() == pytest.approx(stepper.history[t].kl, rel=1e-12)
        assert bar.get_height() / (hi - lo) > 0.2, f"half-step {t}: the KL bar is under a fifth of the panel"
        assert lo < stepper.history[t].elbo < stepper.history[t].log_likelihood < hi


def test_a_symmetric_refit_is_named(X):
    """Random responsibilities start every component near the data's mean; the fit "converges" in 2
    iterations there (the log-likelihood hardly moves). The stepper says so after a refit."""
    stepper = widgets.EMStepper(_quiet(emlib.GaussianMixture(3, random_state=0), X), X, dpi=30)
    assert "Degenerate" not in stepper.message.value
    model = stepper.refit(covariance_type="spherical", init="random", seed=0)
    assert model.n_iter_ <= 3
    # an iteration is an E-step and an M-step; θ₀ is no half-step
    assert f": {model.n_iter_} iterations, {2 * model.n_iter_} half-steps after θ₀." in stepper.message.value
    assert "Degenerate fit" in stepper.message.value and "symmetric point" in stepper.message.value
    stepper.refit(seed=3)  # another start separates the components
    assert "Degenerate" not in stepper.message.value


def test_refit_from_controls(stepper, X):
    original = stepper.model
    original_history = original.history_
    stepper.goto(3)
    stepper.controls["n_components"].value = 2
    stepper.controls["covariance_type"].value = "diag"
    stepper.controls["init"].value = "k-means++"
    stepper.controls["seed"].value = 7
    stepper.buttons["refit"].click()
    model = stepper.model
    assert model is not original and original.history_ is original_history  # the model passed in is kept
    assert (model.n_components, model.covariance_type, model.init_params, model.random_state) == (2, "diag", "k-means++", 7)
    assert stepper.t == 0
    assert stepper.slider.max == len(model.history_) - 1
    assert len(stepper.view.artists["gaussians"].ellipses) == 2
    for t in range(len(model.history_)):
        stepper.goto(t)
        assert_drawn_step_matches(stepper)
    # the same settings again give the same fit (seeded)
    again = stepper.refit(n_components=2, covariance_type="diag", init="k-means++", seed=7)
    np.testing.assert_allclose(again.history_.series("log_likelihood"), model.history_.series("log_likelihood"))


def test_refit_error_is_shown_not_raised(stepper):
    before = stepper.model
    assert stepper.refit(n_components=10_000) is None
    assert "Refit failed" in stepper.message.value and "n_components" in stepper.message.value
    assert stepper.model is before


def test_unfitted_model_is_fitted(X):
    model = emlib.GaussianMixture(2, random_state=0, max_iter=1)
    stepper = widgets.EMStepper(model, X, dpi=30)
    assert model.history_ is stepper.history
    assert "Note" in stepper.message.value  # 1 iteration cannot converge: the warning is shown
    assert stepper.slider.max == len(model.history_) - 1


def test_displays_as_a_widget_with_a_picture_to_fall_back_on(stepper):
    import base64
    from io import BytesIO

    from PIL import Image

    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    picture = Image.open(BytesIO(base64.b64decode(bundle["image/png"])))
    shown = Image.open(BytesIO(bytes(stepper.image.value)))
    assert picture.size == (shown.size[0] // 2, shown.size[1] // 2)  # the half-step on display, at 1x
    assert len(base64.b64decode(bundle["image/png"])) < 60_000
    assert bundle["text/plain"].startswith("EMStepper(")


def test_a_saved_notebook_keeps_the_picture_not_the_widget_reference(stepper):
    """The pre-save hook drops widget views that have a picture; other outputs are kept as they are."""
    import nbformat

    bundle = stepper._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("show_em(model, X)", outputs=[
        nbformat.v4.new_output("display_data", data=bundle)]),
        nbformat.v4.new_code_cell("slider", outputs=[nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc"}, "text/plain": "IntSlider()"})])]
    model = {"type": "notebook", "content": nb}
    widgets.pictures_on_save(model, path="x.ipynb", contents_manager=None)
    kept = nb.cells[0].outputs[0]["data"]
    assert set(kept) == {"image/png", "text/plain"}
    assert "application/vnd.jupyter.widget-view+json" in nb.cells[1].outputs[0]["data"]  # no picture: untouched
    widgets.pictures_on_save({"type": "file", "content": "text"})  # other files pass through


def test_the_image_is_sharp_on_a_2x_screen(stepper):
    from io import BytesIO

    from PIL import Image

    width = Image.open(BytesIO(bytes(stepper.image.value))).size[0]
    assert stepper.image.layout.max_width == f"{width // 2}px"  # shown at half its pixels


def test_controls_wrap_and_read_in_full(stepper):
    for row in stepper.widget.children[:2] + (stepper.widget.children[5],):
        assert row.layout.flex_flow == "row wrap"
    for button in stepper.buttons.values():
        assert button.layout.width == "auto"  # never "E-ste…"
    assert "⏮" not in "".join(b.description for b in stepper.buttons.values())


def test_show_em_is_live_in_a_notebook_server_and_the_twin_elsewhere(stepper, X, monkeypatch):
    model = stepper.model
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert _frames(widgets.show_em(model, X, max_frames=5).data) == 5
    monkeypatch.setenv("JPY_SESSION_NAME", "/tmp/chapter.ipynb")
    assert isinstance(widgets.show_em(model, X, max_frames=4), widgets.EMStepper)


@pytest.mark.parametrize("make, data", [
    (lambda: emlib.GaussianMixture(2, random_state=0), "1d"),
    (lambda: emlib.BernoulliMixture(3, random_state=0), "binary"),
    (lambda: emlib.KMeans(3, random_state=0), "2d"),
])
def test_other_models_step_and_refit(make, data, X):
    data = {
        "1d": datasets.load_faithful()[0][:, :1],
        "binary": datasets.coin_flips(n_trials=80, random_state=0)[0],
        "2d": X,
    }[data]
    model = _quiet(make(), data)
    stepper = widgets.EMStepper(model, data, dpi=30)
    h = stepper.history
    for t in (0, 1, 2, len(h) - 1):
        stepper.goto(t)
        value = h[t].distortion if isinstance(model, emlib.KMeans) else h[t].log_likelihood
        marked = stepper.view.artists["curve"].marker.get_data()[1][0]
        assert marked == value or (value is None and np.isnan(marked))
    stepper.buttons["M"].click()
    assert h[stepper.t].phase == "M"
    assert "covariance_type" in stepper.controls or not hasattr(model, "covariance_type")
    stepper.controls["n_components"].value = 2
    stepper.buttons["refit"].click()
    assert getattr(stepper.model, stepper._k_name) == 2 and stepper.model is not model


def test_kmeans_stepper_draws_centres_and_distortion(X):
    model = _quiet(emlib.KMeans(3, random_state=0), X)
    stepper = widgets.EMStepper(model, X, dpi=30)
    for t in range(1, len(model.history_)):
        stepper.goto(t)
        km = stepper.view.artists["kmeans"]
        np.testing.assert_allclose(km.centers.get_offsets(), model.history_[t].params.centers)
        assert stepper.view.artists["curve"].marker.get_data()[1][0] == model.history_[t].distortion
    assert "bound" not in stepper.view.artists


# ---- annealing -----------------------------------------------------------------------------------
def test_annealing_goes_from_soft_to_hard(X):
    centers = np.array([[0.0, 0.0], [5.0, 0.0], [2.0, 5.0]])
    stepper = widgets.AnnealingStepper(X, centers, dpi=30)
    eps = stepper.epsilons
    assert eps[0] > eps[-1]
    stepper.goto(-1)
    assert stepper.epsilon == eps[-1]
    nearest = np.argmin(((X[:, None] - centers[None]) ** 2).sum(axis=2), axis=1)
    # a boundary point may keep a trace of blend
    np.testing.assert_allclose(stepper.view.points.get_facecolors()[:, :3], RGB[nearest], atol=1e-2)
    stepper.slider.value = 0
    face = stepper.view.points.get_facecolors()[:, :3]
    distance_to_pure = np.abs(face - RGB[nearest]).sum(axis=1)
    assert np.median(distance_to_pure) > 0.1  # at large ε the colours are blends
    assert bytes(stepper.image.value).startswith(PNG_MAGIC)
    assert "application/vnd.jupyter.widget-view+json" in stepper._repr_mimebundle_()


# ---- the static twin -------------------------------------------------------------------------------
def _player(html):
    """The frames' sources and labels of an animation's markup."""
    import json

    data = re.search(r'<script type="application/json" class="emlib-frames">(.*?)</script>', html, re.S).group(1)
    return json.loads(data)


def _frames(html, fmt="png"):
    srcs = _player(html)["src"]
    first = re.search(r'<img src="([^"]+)"', html).group(1)
    assert srcs[0] is None  # the first frame is the img's own src, not repeated
    srcs = [first] + srcs[1:]
    assert all(src.startswith(f"data:image/{fmt};base64,") for src in srcs)
    return len(srcs)


def test_animate_is_small_self_contained_html(X):
    model = _quiet(emlib.GaussianMixture(3, init_params="random", random_state=0, tol=1e-5), X)
    figures_before = plt.get_fignums()
    html = widgets.animate(model, X)
    markup = html.data
    assert hasattr(html, "_repr_html_")
    assert len(markup.encode()) < 2 * 1024 * 1024
    assert "font-awesome" not in markup and "<link" not in markup and "fa fa-" not in markup
    assert not re.search(r"(src|href)=\"https?:", markup)  # nothing from the network
    assert len(model.history_) > 30 and _frames(markup) == 29  # θ₀ and 14 E/M pairs: max_frames=30
    # accessibility: the image has alt text, the slider a label and a value text, the buttons words
    assert re.search(r'<img src="data:image/png[^"]+" alt="EM on GaussianMixture', markup)
    assert re.search(r'<input type="range"[^>]*aria-label="half-step"[^>]*aria-valuetext="half-step 0 of', markup)
    for word in ("first", "previous", "play", "next"):
        assert f">{word}" in markup or f"{word} ›" in markup or f"« {word}" in markup or f"‹ {word}" in markup
    assert plt.get_fignums() == figures_before  # no stray figure for the notebook to show


def test_animate_every_half_step_when_few(X):
    model = _quiet(emlib.KMeans(3, random_state=0), X)
    markup = widgets.animate(model, X, fmt="jpeg", dpi=30).data
    assert _frames(markup, "jpeg") == len(model.history_)
    assert "Every half-step is shown" in markup
    labels = _player(markup)["label"]
    assert [int(re.match(r"half-step (\d+) of", label).group(1)) for label in labels] == list(range(len(labels)))


def test_animate_samples_whole_iterations_evenly_and_labels_true_half_steps(X):
    model = _quiet(emlib.GaussianMixture(3, init_params="random", random_state=0, tol=1e-5), X)
    n = len(model.history_)
    assert n > 14
    markup = widgets.animate(model, X, max_frames=7, dpi=30).data
    labels = _player(markup)["label"]
    parsed = [re.match(r"half-step (\d+) of (\d+) · iteration (\d+) · (.*)", label).groups() for label in labels]
    shown = [int(p[0]) for p in parsed]
    assert len(shown) == 7 and shown[0] == 0 and shown[-1] == n - 1
    assert all(int(p[1]) == n - 1 for p in parsed)
    for t, (_, _, iteration, what) in zip(shown, parsed):  # each label is its own half-step's
        step = model.history_[t]
        assert int(iteration) == step.iteration
        assert what == {"init": "initial parameters θ₀", "E": "after the E-step", "M": "after the M-step"}[step.phase]
    pairs = list(zip(shown[1::2], shown[2::2]))
    assert all(m == e + 1 and model.history_[e].phase == "E" for e, m in pairs)  # an E-step and its M-step
    iterations = [model.history_[m].iteration for _, m in pairs]
    gaps = np.diff(iterations)
    assert gaps.max() - gaps.min() <= 1  # evenly spaced, not the first few and a jump to the end
    assert f"7 of the {n} half-steps are shown" in markup and f"iterations {iterations[0]}, " in markup


def test_animate_frames_are_legible_on_a_phone(X):
    """Panels stacked in a frame about 480 px wide: on a 390 px phone the text shrinks by < 25 %."""
    import base64
    from io import BytesIO

    from PIL import Image

    model = _quiet(emlib.GaussianMixture(3, init_params="random", random_state=0, tol=1e-5), X)
    markup = widgets.animate(model, X, max_frames=3).data
    src = _player(markup)["src"][1]
    width, height = Image.open(BytesIO(base64.b64decode(src.split(",", 1)[1]))).size
    assert width <= 500 and height > 0.8 * width  # stacked, not a wide strip
    assert re.search(r'max-width:\d+px', markup) and 'style="width:100%;height:auto' in markup


def test_animate_keeps_within_budget(X, monkeypatch):
    model = _quiet(emlib.GaussianMixture(3, init_params="random", random_state=0, tol=1e-5), X)
    budget = 150_000
    monkeypatch.setattr(widgets, "MAX_HTML_BYTES", budget)
    with pytest.warns(UserWarning, match="budget"):
        markup = widgets.animate(model, X, max_frames=30, dpi=50).data
    assert len(markup.encode()) <= budget
    assert 2 <= _frames(markup) < 30


@pytest.mark.parametrize("make, data", [
    (lambda: emlib.GaussianMixture(2, random_state=0), "1d"),
    (lambda: emlib.BernoulliMixture(3, random_state=0), "binary"),
])
def test_animate_other_models(make, data):
    data = {"1d": datasets.load_faithful()[0][:, :1], "binary": datasets.coin_flips(n_trials=80, random_state=0)[0]}[data]
    model = make()  # unfitted: animate fits it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", emlib.ConvergenceWarning)
        markup = widgets.animate(model, data, max_frames=5, dpi=30).data
    assert _frames(markup) == min(5, len(model.history_))


def test_animate_annealing(X):
    centers = np.array([[0.0, 0.0], [5.0, 0.0], [2.0, 5.0]])
    markup = widgets.animate_annealing(X, centers, np.geomspace(10, 0.01, 8), dpi=30, alt="soft to hard").data
    assert _frames(markup) == 8
    assert 'alt="soft to hard Now: ε = 10' in markup
    assert "font-awesome" not in markup and len(markup.encode()) < 2 * 1024 * 1024


def test_animate_rejects_unknown_format(X):
    model = _quiet(emlib.KMeans(3, random_state=0), X)
    with pytest.raises(ValueError, match="fmt"):
        widgets.animate(model, X, fmt="gif")


@pytest.mark.parametrize("make, data", [
    (lambda: emlib.GaussianMixture(3, init_params="random", random_state=0), "2d"),
    (lambda: emlib.GaussianMixture(2, random_state=0), "1d"),
    (lambda: emlib.BernoulliMixture(4, random_state=0), "digits"),
    (lambda: emlib.KMeans(3, random_state=0), "2d"),
])
def test_blitted_frames_equal_a_full_redraw(make, data, X):
    """The stepper redraws only what changes; its image must be the one a full draw gives."""
    from io import BytesIO

    from PIL import Image

    data = {"2d": X, "1d": datasets.load_faithful()[0][:, :1],
            "digits": datasets.load_digits_binary()[0][:200]}[data]
    stepper = widgets.EMStepper(_quiet(make(), data), data, dpi=50)
    for t in (0, 1, 2, -1, 3):
        stepper.goto(t)
        blit = np.asarray(Image.open(BytesIO(bytes(stepper.image.value))).convert("RGB"), dtype=int)
        buffer = BytesIO()
        stepper.fig.savefig(buffer, format="png", dpi=stepper.fig.dpi)
        full = np.asarray(Image.open(BytesIO(buffer.getvalue())).convert("RGB"), dtype=int)
        assert blit.shape == full.shape
        assert np.abs(blit - full).max() <= 8, f"half-step {t}: the blitted frame differs from a full draw"


def test_annealing_blitted_frames_equal_a_full_redraw(X):
    from io import BytesIO

    from PIL import Image

    stepper = widgets.AnnealingStepper(X, np.array([[0.0, 0.0], [5.0, 0.0], [2.0, 5.0]]), dpi=40)
    for i in (0, 5, -1, 2):
        stepper.goto(i)
        blit = np.asarray(Image.open(BytesIO(bytes(stepper.image.value))).convert("RGB"), dtype=int)
        buffer = BytesIO()
        stepper.fig.savefig(buffer, format="png", dpi=stepper.fig.dpi)
        full = np.asarray(Image.open(BytesIO(buffer.getvalue())).convert("RGB"), dtype=int)
        assert np.abs(blit - full).max() <= 8


def test_annealing_labels_are_typeset_legible_and_inside_the_figure(X):
    """No code-style label (an underscore or caret outside $…$ math), every text at least FONT_PT
    points, and the axis labels inside the figure (the x-label was clipped at the bottom)."""
    from matplotlib.text import Text

    fig = widgets._new_figure(widgets.STACKED, 60)
    view = widgets._Annealing(fig, X, np.array([[0.0, 0.0], [5.0, 0.0], [2.0, 5.0]]), np.geomspace(10, 0.01, 5),
                              layout="stacked").draw(2)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    for text in texts:
        outside_math = text.get_text().split("$")[::2]
        assert not any(c in part for part in outside_math for c in "_^"), text.get_text()
        assert text.get_fontsize() >= plotting.FONT_PT, text.get_text()
    labels = [view.status] + [t for ax in fig.axes for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
    assert len(labels) == 3
    for label in labels:
        extent = label.get_window_extent(renderer)
        assert extent.x0 >= 0 and extent.y0 >= 0 and extent.x1 <= fig.bbox.x1 and extent.y1 <= fig.bbox.y1, label
