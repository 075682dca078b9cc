"""What an SVG logo may hold: one self-contained drawing of sane numbers.

A logo comes from a clinic's folder, or from whoever sent the clinic the file. It
must not read other files (``<use href="../x.svg#g">``, ``<image href="/etc/x.png">``,
CSS ``url(...)`` or ``@import``), nor hold numbers the PDF cannot write
(``width="1e308"``), transforms that squash it flat, or markup deep or large
enough to exhaust the build. ``svg_problem`` finds all of these on the markup
with the standard library, so ``check`` and ``build`` refuse the same files.
"""

from __future__ import annotations

import math
import re
from xml.etree import ElementTree

MAX_BYTES = 4_000_000  # a logo with an embedded photo is a few hundred kilobytes
MAX_ELEMENTS = 20_000
MAX_DEPTH = 60
MAX_NUMBER = 1e6  # points: a kilometre; anything larger is a mistake or an attack
MIN_SIZE = 0.01  # the smallest width or height scaled up to the logo's box

# The only things an SVG logo may point at: its own elements, and images inside it.
_FRAGMENT = re.compile(r"#[^\s#]*")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpe?g);base64,", re.I)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]+\b")
_LENGTH = re.compile(rf"\s*({_NUMBER.pattern})\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")
_TRANSFORM = re.compile(r"\s*,?\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^()]*)\)\s*")
_ARGUMENTS = {  # how many numbers each transform takes
    "matrix": {6},
    "translate": {1, 2},
    "scale": {1, 2},
    "rotate": {1, 3},
    "skewX": {1},
    "skewY": {1},
}
# Attributes that hold names or text, not numbers.
_NOT_NUMBERS = {"id", "class", "href", "lang", "space", "version", "baseProfile"}
_TRANSFORMS = {"transform", "gradientTransform", "patternTransform"}

SELF_CONTAINED = "a logo must be one self-contained file: put the drawing itself in the SVG"


class SvgProblem(Exception):  # noqa: N818 - its text is the problem, for the user
    """Why the SVG cannot be a logo, in the user's words."""


def svg_problem(data: bytes) -> tuple[ElementTree.Element | None, str | None]:
    """The parsed root, or the first thing that stops the SVG being a logo."""
    try:
        return _checked(data), None
    except SvgProblem as problem:
        return None, str(problem)


def _checked(data: bytes) -> ElementTree.Element:
    if len(data) > MAX_BYTES:
        raise SvgProblem(
            f"the SVG is {len(data) // 1_000_000} MB; a logo must be under"
            f" {MAX_BYTES // 1_000_000} MB (save it again without embedded photos)"
        )
    if b"<!ENTITY" in data:  # expat and lxml treat entities differently: neither is asked
        raise SvgProblem(
            "the SVG declares XML entities (<!ENTITY>); save it again as plain SVG"
            " (Inkscape: Save As > Plain SVG)"
        )
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, UnicodeError, ValueError) as error:
        raise SvgProblem(unreadable(error)) from None
    _walk(root)
    return root


def unreadable(reason: object) -> str:
    lines = str(reason).strip().splitlines() or ["unknown error"]
    return f"cannot read the SVG ({lines[0][:120]}); save it again as plain SVG"


def local_name(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _walk(root: ElementTree.Element) -> None:
    count = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            raise SvgProblem(f"the SVG has more than {MAX_ELEMENTS:,} elements; simplify it")
        if depth > MAX_DEPTH:
            raise SvgProblem(f"the SVG is nested more than {MAX_DEPTH} levels deep; simplify it")
        _check_element(element)
        stack.extend((child, depth + 1) for child in element)


def _check_element(element: ElementTree.Element) -> None:
    name = local_name(element.tag)
    if name == "style":
        _check_css(element.text or "")
    for key, value in element.attrib.items():
        attribute = local_name(key)
        if attribute == "href":
            _check_reference(name, value)
        elif attribute == "style" or "url(" in value.lower():
            _check_css(value)
        if attribute not in _NOT_NUMBERS and not key.startswith("{"):  # svglib reads no others
            _check_numbers(attribute, value)
        if attribute in _TRANSFORMS:
            _check_transform(value)


def _check_reference(element: str, value: str) -> None:
    value = value.strip()
    if _FRAGMENT.fullmatch(value):
        return
    if element == "image" and _DATA_IMAGE.match(value):
        return
    if value.lower().startswith("data:"):
        raise SvgProblem(
            f"<{element}> holds data the build cannot draw; only PNG and JPEG images"
            " can be embedded in a logo"
        )
    raise SvgProblem(f'<{element}> refers to "{_shorten(value)}"; {SELF_CONTAINED}')


def _check_css(css: str) -> None:
    if "@import" in css.lower():
        raise SvgProblem(f"the SVG's style imports another file (@import); {SELF_CONTAINED}")
    for _quote, target in _URL.findall(css):
        if not _FRAGMENT.fullmatch(target.strip()):
            raise SvgProblem(f'the SVG\'s style refers to "{_shorten(target)}"; {SELF_CONTAINED}')
    _check_numbers("style", _URL.sub("", css))


def _check_numbers(attribute: str, value: str) -> None:
    for text in _NUMBER.findall(_HEX_COLOUR.sub("", value)):
        number = float(text)
        if not math.isfinite(number) or abs(number) > MAX_NUMBER:
            raise SvgProblem(
                f'{attribute}="{_shorten(value, 40)}" holds the number {text},'
                f" too large to print; save the SVG again at a normal size"
            )


def _check_transform(value: str) -> None:
    """A transform the build reads as the SVG means it, that leaves the drawing a shape."""
    position = 0
    while position < len(value):
        match = _TRANSFORM.match(value, position)
        if not match or match.end() == position:
            if value[position:].strip(" ,"):
                _bad_transform(value, "is not a transform the build can read")
            return
        position = match.end()
        kind, arguments = match[1], match[2]
        numbers = [float(n) for n in _NUMBER.findall(arguments)]
        if len(numbers) not in _ARGUMENTS[kind] or _NUMBER.sub("", arguments).strip(" ,\t\n"):
            _bad_transform(value, "is not a transform the build can read")
        if kind == "matrix":
            flat = numbers[0] * numbers[3] - numbers[1] * numbers[2] == 0
        elif kind == "scale":
            flat = 0 in numbers
        elif kind.startswith("skew"):
            flat = abs(math.cos(math.radians(numbers[0]))) < 1e-6
        else:
            flat = False
        if flat:
            _bad_transform(value, "squashes the drawing flat; remove it, or save the SVG again")


def _bad_transform(value: str, what: str) -> None:
    raise SvgProblem(f'transform="{_shorten(value, 40)}" {what}')


def length(value: str | None) -> float | None:
    """A width or height as a positive number of its units; None if absent or a share (%)."""
    if value is None or not value.strip():
        return None
    match = _LENGTH.fullmatch(value)
    if not match:
        raise SvgProblem(f'the <svg> size "{_shorten(value, 40)}" is not a length such as "120"')
    if match[2] == "%":
        return None
    number = float(match[1])
    if not number >= MIN_SIZE:
        raise SvgProblem(f'the <svg> size "{_shorten(value, 40)}" is not above {MIN_SIZE}')
    return number


def view_box(value: str | None) -> bool:
    """Whether the viewBox gives a size: four numbers, the last two above zero."""
    if value is None or not value.strip():
        return False
    numbers = [float(n) for n in _NUMBER.findall(value)]
    if len(numbers) != 4 or not min(numbers[2:]) >= MIN_SIZE:
        raise SvgProblem(f'viewBox="{_shorten(value, 40)}" is not four numbers with a size')
    return True


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
