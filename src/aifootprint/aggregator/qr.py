"""The join link as a QR code, for create-class's files and the teacher page after a reset.

segno (the aggregator extra) is pure Python and writes SVG and PNG itself
(https://segno.readthedocs.io/en/latest/api.html#segno.QRCode.save); imported on use, so
the server starts without touching it.
"""

from __future__ import annotations

from pathlib import Path


def qr_code(link: str):
    import segno

    return segno.make(link, error="m")  # medium error correction: survives a smudged print


def write_qr(link: str, folder: Path, stem: str) -> tuple[Path, Path]:
    """SVG (to print sharp) and PNG (for slides) of the link."""
    folder.mkdir(parents=True, exist_ok=True)
    code = qr_code(link)
    svg, png = folder / f"{stem}.svg", folder / f"{stem}.png"
    code.save(str(svg), scale=4, border=4)
    code.save(str(png), scale=8, border=4)
    return svg, png


def qr_data_uri(link: str) -> str:
    """An SVG data: URI of the link, for an <img> on the teacher page."""
    return qr_code(link).svg_data_uri(scale=4, border=4)
