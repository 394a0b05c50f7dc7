"""Replica AI sites served under their real host names. Each site is one module with HOSTS,
PAGE and create_app(state); SITES below is the one place they are registered."""

from __future__ import annotations

from . import chatgpt, claude, copilot, gemini, midjourney

SITES = {"chatgpt": chatgpt, "claude": claude, "gemini": gemini, "copilot": copilot,
         "midjourney": midjourney}
