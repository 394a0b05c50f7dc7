"""Every factor a reader sees can be checked: no source is 'the product brief', every grid
outside the report's names a public page, and no figure of the table is one that could
not be confirmed; where a range is not the report's, the README says so."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_no_factor_rests_on_the_product_brief_or_an_unconfirmed_figure(factors):
    texts = [f"{s.title} {s.covers}" for s in factors.sources.values()]
    assert not [text for text in texts if "brief" in text.lower()]
    images = {name: profile.image for name, profile in factors.profiles.items()}
    assert not [name for name, image in images.items() if image.low in (0.534, 1.64)]


def test_every_grid_outside_the_report_names_a_page_to_check(factors):
    for name, location in factors.locations.items():
        if "report" in location.sources:
            continue
        grid_sources = [factors.sources[key] for key in location.sources if key != "ewif"]
        assert grid_sources and all(s.url.startswith("https://") for s in grid_sources), name
        assert all(f"{location.grid_g_per_kwh:g} g" in s.covers for s in grid_sources), name


def test_readme_says_the_image_range_is_not_the_reports(factors):
    image = factors.profiles["report"].image
    row = next(line for line in README.read_text("utf-8").splitlines()
               if line.startswith("| image |"))
    assert f"range {image.low:g} - {image.high:g}, not the report's" in row
