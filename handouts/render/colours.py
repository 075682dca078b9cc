"""Colour arithmetic: WCAG contrast, and the tints and shades a brand's colours print in."""

from __future__ import annotations

from reportlab.lib import colors

WCAG_AA = 4.5


def _luminance(colour: colors.Color) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in (colour.red, colour.green, colour.blue))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: colors.Color, b: colors.Color) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tint(colour: colors.Color, amount: float) -> colors.Color:
    """Mix ``amount`` of ``colour`` into white (0.1 → a pale wash)."""
    return colors.Color(*(1 - amount * (1 - c) for c in (colour.red, colour.green, colour.blue)))


def shade(colour: colors.Color, kept: float) -> colors.Color:
    """Mix ``colour`` with black, keeping ``kept`` of it (0 → black): same hue, darker."""
    return colors.Color(*(kept * c for c in (colour.red, colour.green, colour.blue)))


def readable_on(
    colour: colors.Color, background: colors.Color, ratio: float = WCAG_AA
) -> colors.Color:
    """``colour`` as it is if it reaches ``ratio`` (text: WCAG AA) on ``background``, else
    the lightest shade of it that does."""
    if contrast(colour, background) >= ratio:
        return colour
    dark, light = 0.0, 1.0  # shares of the colour kept: reaches AA, does not
    for _ in range(16):
        middle = (dark + light) / 2
        dark, light = (
            (middle, light)
            if contrast(shade(colour, middle), background) >= ratio
            else (dark, middle)
        )
    return shade(colour, dark)
