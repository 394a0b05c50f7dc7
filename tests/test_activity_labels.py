"""One label vocabulary: the daemon's list (model.events.ACTIVITY_LABELS) is what the tray
offers, what GET /settings names, and what the popup and the dashboard offer (plus "no
label" in each), and the extension's offline copy equals it."""

from __future__ import annotations

import re
from pathlib import Path

from aifootprint.desktop.tray import LABELS as TRAY_LABELS
from aifootprint.model.events import ACTIVITY_LABELS

REPO = Path(__file__).resolve().parent.parent


def options(html: Path, select_id: str) -> list[str]:
    page = html.read_text(encoding="utf-8")
    select = re.search(rf'<select id="{select_id}">(.*?)</select>', page, re.S)[1]
    return re.findall(r'<option value="([^"]*)"', select)


def test_every_client_offers_the_daemons_labels_and_no_label():
    expected = ["", *ACTIVITY_LABELS]
    assert options(REPO / "extension" / "popup.html", "label") == expected
    dashboard = REPO / "src" / "aifootprint" / "daemon" / "server" / "static" / "index.html"
    assert options(dashboard, "label-select") == expected
    assert TRAY_LABELS == ACTIVITY_LABELS
    settings_js = (REPO / "extension" / "settings.js").read_text(encoding="utf-8")
    copy = re.search(r"export const LABELS = \[(.*?)\]", settings_js)[1]
    assert re.findall(r"'([^']+)'", copy) == list(ACTIVITY_LABELS)


async def test_the_settings_name_the_labels_and_refuse_others(client, auth):
    settings = await (await client.get("/api/v1/settings", headers=auth)).json()
    assert settings["labels"] == list(ACTIVITY_LABELS)
    refused = await client.put("/api/v1/settings", json={"label": "huiswerk"}, headers=auth)
    assert refused.status == 422 and (await refused.json())["error"]["field"] == "label"
