"""Safe file names from patients' names: accents folded, Cyrillic and Greek spelt out, unique."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_NAME = 60  # characters before "-2" and ".pdf": short enough for every file system
FALLBACK_NAME = "handout"
_WINDOWS_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
}  # fmt: skip
# Letters NFKD does not split into base letter + accent.
_LATIN = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŋ": "ng", "ĸ": "k", "ſ": "s",
}  # fmt: skip
# Cyrillic (Russian, Ukrainian, Belarusian, Bulgarian, Serbian) and Greek, letter by letter;
# the hard and soft signs have no sound of their own.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "є": "ye", "ї": "yi", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj",
    "ћ": "c", "џ": "dz",
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
_FOLD = {**_LATIN, **_CYRILLIC, **_GREEK}
# Greek letter pairs ELOT 743 / ISO 843 spell as one sound: ου is "ou"; αυ, ευ, ηυ are
# "av", "ev", "iv" before a vowel or a voiced consonant and "af", "ef", "if" otherwise
# (Ευάγγελος → evangelos, Αυτός → aftos); γ before γ, ξ, χ is "n".
_GREEK_PAIRS = re.compile(r"ο[υύ]|([αεη])[υύ](?=([αεηιουωάέήίόύώϊϋΐΰβγδζλμνρ])?)|γ(?=[γξχ])")


def safe_name(text: str) -> str:
    """A file name stem that is safe on every file system, from a patient's name.

    Accents are folded to ASCII ("Zoë Łukasiewicz" → "zoe-lukasiewicz"),
    Cyrillic and Greek transliterated ("Ярослава" → "yaroslava", "Παπαδοπούλου" →
    "papadopoulou"); only
    ``a-z 0-9 - _`` remain, runs of anything else become one "-", and the
    result never starts with a dot or "-", never names a Windows device (CON,
    NUL, COM1…) and is at most :data:`MAX_NAME` characters. Nothing left gives
    :data:`FALLBACK_NAME`.
    """
    # Map whole letters first (й is "y", not и + breve), then strip accents, then map the
    # base letters that stripping revealed (Greek ά → α → "a").
    folded = _fold(_greek_pairs(unicodedata.normalize("NFC", text.lower())))
    decomposed = unicodedata.normalize("NFKD", folded)
    ascii_text = _fold("".join(c for c in decomposed if not unicodedata.combining(c)))
    # An apostrophe, or any mark with no ASCII spelling, splits words as a space does:
    # O'Brien → o-brien, O’Brien the same, never obrien.
    ascii_text = re.sub(r"[^\x00-\x7f]", " ", ascii_text).lower()
    name = re.sub(r"[^a-z0-9_]+", "-", ascii_text)
    name = re.sub(r"[-_]{2,}", lambda m: "-" if "-" in m.group() else "_", name)
    name = name.strip("-_.")[:MAX_NAME].rstrip("-_.")
    if not name:
        return FALLBACK_NAME
    if name.split(".")[0] in _WINDOWS_RESERVED:
        name = f"{FALLBACK_NAME}-{name}"
    return name


def _greek_pairs(text: str) -> str:
    def spell(match: re.Match[str]) -> str:
        if match.group().startswith("ο"):
            return "ou"
        if match.group() == "γ":
            return "n"
        return _GREEK[match.group(1)] + ("v" if match.group(2) else "f")

    return _GREEK_PAIRS.sub(spell, text)


def _fold(text: str) -> str:
    return "".join(_FOLD.get(char, char) for char in text)


def unique_names(names: Iterable[str], suffix: str = ".pdf") -> list[str]:
    """File names from ``names`` (via :func:`safe_name`), made unique in order: a, a-2, a-3…

    Deterministic: the same roster always gives the same names, whatever fails.
    """
    used: set[str] = set()
    result = []
    for text in names:
        stem = safe_name(text)
        candidate, number = stem, 1
        while candidate in used:
            number += 1
            candidate = f"{stem}-{number}"
        used.add(candidate)
        result.append(candidate + suffix)
    return result
