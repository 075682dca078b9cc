"""Wording shared by the front ends: how a dose reads in plain text."""

from __future__ import annotations


def dose_parts(sets: int, reps: str, tempo: str, rest: str, load: str, per_side: bool) -> list[str]:
    """Dose parts such as ``3 × 15``, ``tempo 2 s up / 2 s down``, ``rest 45 s``."""
    says_side = any(word in reps.lower() for word in ("side", "leg", "each", "per "))
    parts = [f"{sets} × {reps}" + (" each side" if per_side and not says_side else "")]
    parts += [f"tempo {tempo}" if tempo else "", f"rest {rest}" if rest else "", load]
    return [part for part in parts if part]
