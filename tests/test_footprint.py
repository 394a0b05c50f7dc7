"""The footprint model: the report's factors, ranges, linearity and equivalents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.model.footprint import (
    WHOLE_EQUIVALENTS,
    Counts,
    equivalents,
    impact_of,
    summarize,
    unit_impact,
)


def test_one_prompt_is_4_wh_1_g_16_ml_in_the_default_profile(factors):
    prompt = unit_impact(factors, "prompt")
    assert prompt.energy_wh.central == 4
    assert prompt.co2_g.central == pytest.approx(1)
    assert prompt.water_ml.central == pytest.approx(16)


def test_one_image_is_8_5_wh_2_125_g_34_ml_in_the_default_profile(factors):
    image = unit_impact(factors, "image")
    assert image.energy_wh.central == 8.5
    assert image.co2_g.central == pytest.approx(2.125)  # the report prints 2.1
    assert image.water_ml.central == pytest.approx(34)


@pytest.mark.parametrize("location", ["FR", "US", "EU", "WORLD"])
def test_location_changes_co2_and_water_but_not_energy(factors, location):
    counts = Counts(prompts=10, images=3)
    home = impact_of(factors, counts, location="NL")
    away = impact_of(factors, counts, location=location)
    assert away.energy_wh == home.energy_wh
    assert away.co2_g.central != home.co2_g.central
    assert away.water_ml.central != home.water_ml.central


def test_france_and_us_follow_their_grid_intensity(factors):
    assert unit_impact(factors, "prompt", location="FR").co2_g.central == pytest.approx(0.228)
    assert unit_impact(factors, "prompt", location="US").co2_g.central == pytest.approx(1.716)


@pytest.mark.parametrize("profile", ["report", "google-2025", "openai-2025", "epoch-2025"])
@pytest.mark.parametrize("location", ["NL", "FR", "US", "EU", "WORLD"])
def test_low_central_high_are_ordered_for_every_profile_and_location(factors, profile, location):
    impact = impact_of(factors, Counts(prompts=7, images=2), profile, location)
    for estimate in (impact.energy_wh, impact.co2_g, impact.water_ml):
        assert 0 < estimate.low <= estimate.central <= estimate.high


def test_newer_profiles_are_an_order_of_magnitude_lower_per_prompt(factors):
    report = unit_impact(factors, "prompt", "report").energy_wh.central
    google = unit_impact(factors, "prompt", "google-2025").energy_wh.central
    assert google == 0.24 and report / google > 10


counts = st.integers(min_value=0, max_value=100_000)


@given(a=counts, b=counts, c=counts, d=counts)
def test_impacts_are_additive_in_the_counts(factors, a, b, c, d):
    together = impact_of(factors, Counts(a + c, b + d))
    apart = impact_of(factors, Counts(a, b)) + impact_of(factors, Counts(c, d))
    for name in ("energy_wh", "co2_g", "water_ml"):
        assert getattr(together, name).central == pytest.approx(getattr(apart, name).central)
        assert getattr(together, name).high == pytest.approx(getattr(apart, name).high)


@given(n=counts, k=st.integers(min_value=0, max_value=1000))
def test_impacts_scale_with_the_counts(factors, n, k):
    one = impact_of(factors, Counts(n, n))
    many = impact_of(factors, Counts(n * k, n * k))
    assert many.co2_g.central == pytest.approx(one.co2_g.central * k)
    assert many.water_ml.low == pytest.approx(one.water_ml.low * k)


def test_no_use_is_no_footprint(factors):
    summary = summarize(factors, Counts())
    assert summary["energy_wh"] == summary["co2_g"] == summary["water_ml"] == 0


def _texts(factors, counts, lang):
    return [e.text(lang) for e in equivalents(factors, impact_of(factors, counts))]


def test_po_teacher_day_equivalents_match_the_report(factors):
    # 10 prompts: 3 iPhone charges, 67 m by car, a small glass of water, as the report
    # 'De milieu-impact van generatieve AI in het po en vo' (2024) prints
    assert _texts(factors, Counts(prompts=10), "en") == [
        "3.1 phone charges", "67 m by petrol car", "1 small glass of water"]
    assert _texts(factors, Counts(prompts=10), "nl") == [
        "3,1 keer een telefoon opladen", "67 m met een benzineauto", "1 klein glas water"]


def test_vo_class_day_equivalents_match_the_report(factors):
    # almost 15 h of digibord, 3.5 km by car, drinking water for four people
    assert _texts(factors, Counts(prompts=260, images=125), "en") == [
        "15 hours of a digital whiteboard", "3.5 km by petrol car",
        "drinking water for 4 people for a day"]


def test_national_scale_uses_households_cars_and_yearly_water(factors):
    found = equivalents(factors, impact_of(factors, Counts(prompts=10**9)))
    assert [e.key for e in found] == ["household_years", "car_years", "household_water_years"]
    # whole households, cars and people; the exact amount stays in the JSON
    assert [e.text("en") for e in found] == [
        "the electricity of 1,600 Dutch households for a year",
        "the CO2 of 610 petrol cars for a year", "the household water of 337 people for a year"]
    assert found[2].as_dict()["amount"] == pytest.approx(16e9 / (130 * 1000 * 365))


def test_people_households_and_cars_are_whole_in_both_footprint_files():
    """footprint.py's WHOLE_EQUIVALENTS is extension/format.js's list (the popup's numbers)."""
    source = (Path(__file__).parent.parent / "extension" / "format.js").read_text("utf-8")
    listed = re.search(r"WHOLE_EQUIVALENTS = new Set\(\[([^\]]*)\]\)", source).group(1)
    assert set(re.findall(r"'(\w+)'", listed)) == WHOLE_EQUIVALENTS


def test_one_person_household_or_car_is_singular(factors):
    eq = factors.equivalents
    one_person = Counts(prompts=round(eq.drinking_water_l_per_person_day.value * 1000 / 16))
    water = equivalents(factors, impact_of(factors, one_person))[2]
    assert (water.key, water.text("nl"), water.text("en")) == (
        "drinking_water_people", "drinkwater voor 1 persoon voor een dag",
        "drinking water for 1 person for a day")


def test_summary_has_the_api_fields(factors):
    summary = summarize(factors, Counts(prompts=2, images=1))
    assert summary["prompts"] == 2 and summary["images"] == 1
    assert summary["energy_wh"] == pytest.approx(16.5)
    assert set(summary["range"]) == {"energy_wh", "co2_g", "water_ml"}
    assert summary["range"]["energy_wh"]["low"] < 16.5 <= summary["range"]["energy_wh"]["high"]
    assert len(summary["equivalents"]) == 3


@pytest.mark.parametrize("profile", ["report", "google-2025", "openai-2025", "epoch-2025"])
def test_footprint_a_video_is_its_own_kind_with_the_tables_cited_factor(factors, profile):
    impact = impact_of(factors, Counts(videos=2), profile)
    assert impact.energy_wh.central == 2 * factors.video.central == 830
    assert (impact.energy_wh.low, impact.energy_wh.high) == (180, 1888)
    assert impact_of(factors, Counts(images=2), profile).energy_wh.central < 30  # not an image
    assert set(factors.video.sources) == {"video-energy-budget", "mit-tr-2025"}
    assert "Not the report's" in factors.video.note
