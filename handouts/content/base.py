"""The base of every content model: strict, frozen, with clean text."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

Text = Annotated[str, Field(min_length=1)]


def clean_text(text: str) -> str:
    """NFC, without invisible format characters (zero-width space, BOM, direction marks).

    Text pasted from macOS or a records system often spells "é" as "e" plus a combining
    accent, which prints as two marks; format characters print as missing-glyph boxes.
    """
    if text.isascii():
        return text  # already NFC, and every format character is beyond ASCII
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return NON_ASCII.sub(_drop_format_char, text)


NON_ASCII = re.compile(r"[^\x00-\x7f]")  # only these are looked up: content is mostly ASCII


def _drop_format_char(match: re.Match) -> str:
    return "" if unicodedata.category(match[0]) == "Cf" else match[0]


class Model(BaseModel):
    # coerce_numbers_to_str: ``reps: 15`` or ``rest: 60`` in YAML is a number, but the
    # field is text; accept it rather than make authors quote every number.
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True
    )

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: object) -> object:
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, list):
            return [clean_text(item) if isinstance(item, str) else item for item in value]
        return value
