"""The built-in demo brand: a made-up clinic that must never reach a patient by accident.

Without a brand of its own a workspace prints the demo brand, so that the first
``handouts build`` works. A build says so in one warning line; e-mail refuses it
outright, since a message, once sent, cannot be taken back. A copy of the demo
brand (``handouts copy demo``) still carries the made-up clinic's name until it is
edited, so the brand is known by its name, not by its file.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from handouts.errors import HandoutsError

if TYPE_CHECKING:
    from handouts.content.models import Brand

DEMO_BRAND = "demo"  # its id in the built-in library
HOW_TO_SET = (
    "set brand: in handouts.yaml or give --brand FILE|ID (`handouts init DIR` makes a starter)"
)


class DemoBrandError(HandoutsError):
    """Refused: the demo brand would go out to a patient."""


@cache
def demo_brand_name() -> str:
    """The demo clinic's name, read from the built-in brand file."""
    import yaml

    from handouts import paths

    path = paths.builtin_content_dir() / "brands" / f"{DEMO_BRAND}.yaml"
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["name"]).strip()


def is_demo_brand(brand: Brand) -> bool:
    return brand.name.strip() == demo_brand_name()


def demo_warning(handouts: str = "this handout carries") -> str:
    """One line for a build that prints the demo brand."""
    return (
        f'{handouts} the demo brand ("{demo_brand_name()}", a made-up clinic); '
        f"for your own, {HOW_TO_SET}"
    )


def refuse_demo_brand(brand: Brand, what: str) -> None:
    """Raise ``DemoBrandError`` if ``brand`` is the demo brand; ``what`` names the command."""
    if is_demo_brand(brand):
        raise DemoBrandError(demo_refusal(what))


def demo_refusal(what: str) -> str:
    return (
        f'{what}: not sent: the handout carries the demo brand ("{demo_brand_name()}", '
        f"a made-up clinic); {HOW_TO_SET}"
    )
