"""The website's animations (emlib.widgets.animate) in chromium, on a phone and on a laptop.

Every animation on every chapter page: the player is no wider than its column, its frame is
drawn for a narrow screen (stacked panels), its buttons step and play, and each frame's label
names its true half-step, which the slider announces as its value text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
PAGES = sorted(p.name for p in (SITE / "chapters").glob("*.html") if "emlib-animation" in p.read_text())
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
LAPTOP = {"viewport": {"width": 1280, "height": 900}}


def test_the_book_has_animations():
    assert len(PAGES) >= 4, f"chapter pages with an animation: {PAGES}"


@pytest.mark.parametrize("device", [PHONE, LAPTOP], ids=["phone", "laptop"])
@pytest.mark.parametrize("name", PAGES)
def test_players_fit_step_and_label_their_half_steps(http_root, browser, name, device):
    context = browser.new_context(**device)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{http_root}chapters/{name}")
    players = page.locator("figure.emlib-animation")
    assert players.count() >= 1
    for i in range(players.count()):
        player = players.nth(i)
        player.scroll_into_view_if_needed()
        label = f"{name}: animation {i + 1}"
        box = player.bounding_box()
        column = player.evaluate("el => el.parentElement.getBoundingClientRect().width")
        assert box["width"] <= column + 1, f"{label} is wider ({box['width']}) than its column ({column})"
        assert box["x"] >= 0 and box["x"] + box["width"] <= device["viewport"]["width"], f"{label} runs off screen"
        img = player.locator("img")
        # the frame loads lazily, once scrolled to: wait until it has
        img.evaluate("el => el.complete && el.naturalWidth > 0"
                     " || new Promise(done => el.addEventListener('load', done, {once: true}))")
        shown = img.bounding_box()
        natural = img.evaluate("el => [el.naturalWidth, el.naturalHeight]")
        assert natural[1] > 0.8 * natural[0], f"{label}: frames are a wide strip, not stacked panels"
        if device is PHONE:  # the frame is shown at >= 75 % of its pixels: text stays legible
            assert shown["width"] >= 0.75 * natural[0] or shown["width"] >= 340, f"{label}: frame shrunk to {shown}"
        slider = player.locator("input[type=range]")
        caption = player.locator("figcaption")
        last = int(slider.get_attribute("max"))
        assert last >= 1
        labels = []
        for _ in range(min(last, 3) + 1):
            labels.append(caption.inner_text())
            assert slider.get_attribute("aria-valuetext") == labels[-1]
            before = img.get_attribute("src")
            player.get_by_role("button", name="next ›").click()
            if len(labels) <= last:
                assert img.get_attribute("src") != before, f"{label}: 'next' did not change the frame"
        player.get_by_role("button", name="« first").click()
        assert slider.input_value() == "0"
        slider.fill(str(last))  # the slider reaches the last frame
        labels.append(caption.inner_text())
        steps = [int(re.match(r"half-step (\d+) of (\d+)", text).group(1)) for text in labels
                 if text.startswith("half-step")]
        totals = {int(re.match(r"half-step \d+ of (\d+)", text).group(1)) for text in labels
                  if text.startswith("half-step")}
        if steps:  # an EM animation (the annealing one counts ε steps)
            assert steps[0] == 0 and steps[-1] == totals.pop(), f"{label}: the last frame is not the last half-step"
            assert steps[:-1] == sorted(steps[:-1])
        player.get_by_role("button", name="play").click()
        page.wait_for_timeout(50)
        assert player.get_by_role("button", name="pause").count() == 1 or slider.input_value() == str(last)
    assert not errors, errors
    context.close()
