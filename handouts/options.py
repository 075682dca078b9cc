"""The options that shape a handout, declared once.

Each option is one ``Option`` in ``OPTIONS``: its name, default, help text and
the kind of value it takes. ``handouts build`` and ``handouts batch`` make their
flags from them (``cli/options.py``), ``HandoutOptions`` holds their values for
one handout or a batch's every row, and a web form can list them the same way.
Adding an option is one line in ``OPTIONS``, plus the code that acts on it.

Named tuples rather than dataclasses: ``handouts --help`` reads these, and
``dataclasses`` (with ``inspect``) would cost it some 20 ms.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from handouts.compose import Options


# The paper sizes a handout is laid out at (render/theme.py has their dimensions).
PAPERS = ("a4", "letter", "a5", "half-letter")
PAPER_NAMES = {"a4": "A4", "letter": "US Letter", "a5": "A5", "half-letter": "Half letter"}


class Option(NamedTuple):
    """One handout option and what a front end needs to offer it.

    ``kind``: "flag" (on or off), "int" (within ``limits``), "choice" (one of
    ``choices``), "date", "text", "secret" (never shown), "file" or "files"
    (repeatable). ``batch_help``: the help where it applies to every row of a batch.
    """

    name: str
    default: Any
    help: str
    kind: str = "flag"
    batch_help: str = ""
    metavar: str = ""
    choices: tuple[str, ...] = ()
    limits: tuple[int, int] | None = None


OPTIONS: tuple[Option, ...] = (
    Option(
        "brand",
        None,
        "Brand YAML file, or the id of a brand in the library.",
        "file",
        batch_help="Brand YAML file or brand id (a row's brand column wins).",
        metavar="FILE|ID",
    ),
    Option("weeks", None, "Override the number of weeks.", "int", limits=(1, 52)),
    Option("sessions", None, "Override the sessions per week.", "int", limits=(1, 14)),
    Option(
        "paper",
        "",
        "Paper size (default: the brand's); a5 and half-letter lay the handout out at that size.",
        "choice",
        choices=PAPERS,
    ),
    Option("large_print", False, "Body text 14 pt and larger tick boxes."),
    Option("ink_saver", False, "No large filled areas."),
    Option("fillable", False, "Tick boxes and pain scores as PDF form fields."),
    Option(
        "date",
        None,
        "Handout date (default: today or SOURCE_DATE_EPOCH).",
        "date",
        metavar="YYYY-MM-DD",
    ),
    Option(
        "private",
        False,
        "Keep the patient's name out of the PDF metadata.",
        batch_help="Keep patients' names out of the PDF metadata.",
    ),
    Option(
        "booklet",
        False,
        "Lay out at A5 (half letter on letter) and impose as a booklet at full size, "
        "the tracking sheet on a sheet of its own (print duplex, short edge, fold).",
        batch_help="Also impose each handout as an A5 booklet, <name>.booklet.pdf beside it "
        "(print duplex, short edge, fold); --combine takes the booklets.",
    ),
    Option(
        "bleed",
        False,
        "For a print shop: the header band runs 3 mm past the trim, with crop marks "
        "and a TrimBox and BleedBox on every page.",
        batch_help="For a print shop: each handout with a 3 mm bleed, crop marks and "
        "TrimBox and BleedBox (not the booklets).",
    ),
    Option(
        "attach",
        (),
        "Append this PDF after the handout (repeatable).",
        "files",
        batch_help="Append this PDF to every handout (repeatable).",
        metavar="FILE.pdf",
    ),
    Option(
        "password",
        None,
        "Encrypt the PDF with this password (AES-256).",
        "secret",
        batch_help="Encrypt each PDF (AES-256); a row's password column wins.",
    ),
)

_Values = namedtuple(  # fields made from OPTIONS, so not written twice
    "_Values", [option.name for option in OPTIONS], defaults=[o.default for o in OPTIONS]
)


class HandoutOptions(_Values):
    """The values of ``OPTIONS`` for one handout (or every row of a batch); immutable.

    ``HandoutOptions(large_print=True)``; the rest keep their defaults.
    """

    __slots__ = ()

    def render_options(self, duplex: bool = False) -> Options:
        """What the renderer needs of these (paper "" means: the brand's). ``duplex``: the
        handout is printed double-sided (a booklet always is)."""
        from handouts.compose import Options

        return Options(
            paper=self.paper or "",
            large_print=self.large_print,
            ink_saver=self.ink_saver,
            fillable=self.fillable,
            private=self.private,
            duplex=duplex or self.booklet,
            booklet=self.booklet,
            bleed=self.bleed,
        )

    @property
    def post_steps(self) -> bool:
        """Whether the PDF needs post-processing (attach, scrub, impose, bleed or encrypt)."""
        return bool(self.attach or self.private or self.booklet or self.bleed or self.password)
