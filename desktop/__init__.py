"""CallerCard: who is calling back, why we called, and what to say."""

__version__ = "0.1.0"
