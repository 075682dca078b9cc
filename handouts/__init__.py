"""handouts: branded, print-ready PDF exercise handouts."""

__version__ = "0.1.0"
