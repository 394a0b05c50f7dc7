"""Opening the dashboard's one-time login link without putting it on a command line.

`webbrowser.open(url)` starts the browser with the URL as an argument, and other accounts
can read other processes' arguments (Linux /proc/<pid>/cmdline, `ps` on macOS). Like
Jupyter's server (serverapp.py, write_browser_open_file), the link goes into a small page
only this user can read, which refreshes to it; the browser is given only the file.
"""

from __future__ import annotations

import webbrowser
from html import escape
from pathlib import Path

from ..daemon.config import Config

PAGE = ('<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n'
        '<meta http-equiv="refresh" content="0; url={url}">\n<a href="{url}">AI Footprint</a>\n')


def open_page_path(config: Config) -> Path:
    return config.data_dir / "open-dashboard.html"


def open_dashboard(config: Config, link: str) -> bool:
    """Open `link` in the default browser through the private page; False if no browser."""
    path = open_page_path(config)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(PAGE.format(url=escape(link, quote=True)), encoding="utf-8")
    path.chmod(0o600)
    return webbrowser.open(path.as_uri())
