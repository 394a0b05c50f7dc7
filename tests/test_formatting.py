"""Numbers and units the way Dutch and English readers expect them."""

from __future__ import annotations

import pytest

from aifootprint.model.formatting import format_co2, format_energy, format_number, format_water


@pytest.mark.parametrize("value, nl, en", [
    (1440, "1.440", "1,440"),
    (2102.5, "2.103", "2,103"),
    (522.5, "523", "523"),
    (2.125, "2,1", "2.1"),
    (4.0, "4", "4"),
    (0.24, "0,24", "0.24"),
    (0.0345, "0,035", "0.035"),
    (0, "0", "0"),
    (1234567.8, "1.234.568", "1,234,568"),
])
def test_number_uses_the_language_separators(value, nl, en):
    assert format_number(value, "nl") == nl
    assert format_number(value, "en") == en


@pytest.mark.parametrize("wh, en", [
    (4, "4 Wh"), (999, "999 Wh"), (2102.5, "2.1 kWh"), (16_603_274_300, "16.6 GWh"),
    (83_000_000, "83 MWh"),
])
def test_energy_moves_up_units(wh, en):
    assert format_energy(wh, "en") == en


def test_mass_and_volume_units():
    assert format_co2(525.6, "nl") == "526 g CO2"
    assert format_co2(4_151_000, "en") == "4.2 t CO2"
    assert format_water(160, "en") == "160 ml"
    assert format_water(8410, "nl") == "8,4 L"
    assert format_water(66_413_000, "en") == "66.4 m³"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="use nl or en"):
        format_number(1, "de")
