"""Senim: Kazakhstan's Law on Artificial Intelligence and the EU AI Act, in practice."""

__version__ = "0.1.0"
