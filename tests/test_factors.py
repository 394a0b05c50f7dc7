"""The factor table: the report's numbers, their sources, and clear errors when broken."""

from __future__ import annotations

import json

import pytest

from aifootprint.core.errors import FactorTableError
from aifootprint.model.factors import KINDS, default_factors_path, load_factors


def test_default_table_is_the_repository_file(factors):
    assert default_factors_path().resolve().name == "shared_factors.json"
    assert factors.defaults.profile == "report"
    assert factors.defaults.location == "NL"
    assert factors.version and factors.date


def test_every_profile_location_and_figure_has_a_known_source(factors):
    used = set()
    for name, profile in factors.profiles.items():
        assert profile.label.nl and profile.label.en and profile.scope.nl and profile.scope.en
        for kind in KINDS:
            assert factors.energy_wh(kind, name).sources, f"{name}.{kind} has no source"
            used.update(factors.energy_wh(kind, name).sources)
    for location in factors.locations.values():
        assert location.sources
        used.update(location.sources)
    assert used <= set(factors.sources)
    for source in factors.sources.values():
        assert source.title and source.covers and 1990 <= source.year <= 2100


@pytest.mark.parametrize("name", ["report", "google-2025", "openai-2025", "epoch-2025"])
def test_profile_ranges_are_ordered(factors, name):
    for kind in KINDS:
        energy = factors.energy_wh(kind, name)
        assert 0 < energy.low <= energy.central <= energy.high


def test_locations_include_the_required_grids(factors):
    grids = {name: loc.grid_g_per_kwh for name, loc in factors.locations.items()}
    assert grids["NL"] == 250 and grids["FR"] == 57 and grids["US"] == 429
    assert {"EU", "WORLD"} <= set(grids)
    assert factors.location("nl") is factors.location("NL")


def test_unknown_profile_or_location_is_one_clear_sentence(factors):
    with pytest.raises(FactorTableError, match="Unknown figures 'gpt-9'; choose one of"):
        factors.profile("gpt-9")
    with pytest.raises(FactorTableError, match="Unknown data centre location 'MARS'"):
        factors.location("mars")


def _broken(tmp_path, change):
    raw = json.loads(default_factors_path().read_text())
    change(raw)
    path = tmp_path / "factors.json"
    path.write_text(json.dumps(raw))
    return path


def _delete(mapping, key):
    del mapping[key]


BREAKAGES = [
    ("missing field", lambda r: _delete(r["profiles"]["report"], "prompt"),
     "profiles.report.prompt: Field required"),
    ("negative value", lambda r: r["profiles"]["report"]["image"].update(low=-1),
     "profiles.report.image.low: Input should be greater than 0"),
    ("non-numeric value", lambda r: r["locations"]["NL"].update(grid_g_per_kwh="lots"),
     "locations.NL.grid_g_per_kwh: Input should be a valid number"),
    ("unknown default profile", lambda r: r["defaults"].update(profile="nope"),
     "defaults.profile names unknown profile 'nope'"),
    ("unknown default location", lambda r: r["defaults"].update(location="XX"),
     "defaults.location names unknown location 'XX'"),
    ("unknown source", lambda r: r["locations"]["FR"].update(sources=["rumour"]),
     "locations.FR.sources names unknown source 'rumour'"),
    ("low above central", lambda r: r["profiles"]["report"]["prompt"].update(low=5),
     "profiles.report.prompt: needs low <= central <= high"),
    ("zero equivalent", lambda r: r["equivalents"]["glass_ml"].update(value=0),
     "equivalents.glass_ml.value: Input should be greater than 0"),
    ("missing sources", lambda r: _delete(r["locations"]["US"], "sources"),
     "locations.US.sources: Field required"),
]


@pytest.mark.parametrize("label, change, expected", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_broken_table_fails_with_one_line_naming_the_field(tmp_path, label, change, expected):
    with pytest.raises(FactorTableError) as raised:
        load_factors(_broken(tmp_path, change))
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


def test_unreadable_table_fails_clearly(tmp_path):
    path = tmp_path / "factors.json"
    path.write_text("{not json")
    with pytest.raises(FactorTableError, match="is not valid JSON"):
        load_factors(path)
    with pytest.raises(FactorTableError, match="does not exist"):
        load_factors(tmp_path / "missing.json")
