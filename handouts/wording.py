"""Wording shared by every stage: kinds of content, counts, "did you mean", dose text.

Plain functions over strings, importing nothing of the project, so the content
loader, the batch and both front ends say these things the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

# The kinds of content, as a library names them: plural, in the order they are listed.
KINDS = ("exercises", "sections", "programmes", "brands", "sources")


def singular(kind: str) -> str:
    """``"exercises"`` → ``"exercise"``."""
    return kind[:-1] if kind.endswith("s") else kind


def kind_name(kind: str) -> str:
    """Normalise ``"exercise"``/``"exercises"`` to the plural kind used as dict name."""
    plural = kind if kind in KINDS else f"{kind}s"
    if plural not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return plural


def with_article(noun: str) -> str:
    """``"exercise"`` → ``"an exercise"``."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "row")`` → ``"1 row"``; ``count(3, "row")`` → ``"3 rows"``."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``name`` (a typo of it), or None."""
    import difflib  # here: --help never needs it

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """``' (did you mean "calf-raise"?)'`` for a close candidate, else ``""``."""
    close = closest(name, candidates, cutoff)
    return f' (did you mean "{close}"?)' if close else ""


def unknown_item(kind: str, wanted: str, known: Iterable[str]) -> str:
    """``unknown programme "x" (did you mean "y"?)``, or where to see the known ones."""
    close = closest(wanted, known)
    hint = f' (did you mean "{close}"?)' if close else f"; see: handouts list {kind_name(kind)}"
    return f'unknown {singular(kind_name(kind))} "{wanted}"{hint}'


def dose_parts(sets: int, reps: str, tempo: str, rest: str, load: str, per_side: bool) -> list[str]:
    """Dose parts such as ``3 × 15``, ``tempo 2 s up / 2 s down``, ``rest 45 s``."""
    says_side = any(word in reps.lower() for word in ("side", "leg", "each", "per "))
    parts = [f"{sets} × {reps}" + (" each side" if per_side and not says_side else "")]
    parts += [f"tempo {tempo}" if tempo else "", f"rest {rest}" if rest else "", load]
    return [part for part in parts if part]
