"""AI Footprint: what your use of generative AI costs the environment, measured locally."""

__version__ = "0.1.0"
