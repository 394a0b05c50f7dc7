"""Replica AI sites served under their real host names. Each site is one module with HOSTS,
PAGE and create_app(state); SITES below is the one place they are registered, one per
adapter in extension/adapters/ (the key is the adapter id)."""

from __future__ import annotations

from . import (
    bing,
    chatgpt,
    claude,
    copilot,
    deepseek,
    firefly,
    gemini,
    ideogram,
    leonardo,
    midjourney,
    mistral,
    perplexity,
    sora,
)

SITES = {"chatgpt": chatgpt, "claude": claude, "gemini": gemini, "copilot": copilot,
         "midjourney": midjourney, "bing": bing, "leonardo": leonardo, "ideogram": ideogram,
         "firefly": firefly, "sora": sora, "mistral": mistral, "deepseek": deepseek,
         "perplexity": perplexity}
