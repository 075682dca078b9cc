"""Build: the one API that turns a request into PDF bytes (used by CLI and batch).

A ``Builder`` keeps what is identical across handouts (brands, fonts, themes)
for the life of the process, so a batch pays for it once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handouts import paths
from handouts.compose import Handout, Options, Selection, compose
from handouts.content.models import Brand, Patient
from handouts.content.templating import render_template
from handouts.errors import ContentError, HandoutsError, Problem

DEFAULT_PROGRAMME = "soleus-strength-runners"
DEFAULT_BRAND = "demo"


@dataclass(frozen=True)
class Request:
    selection: Selection
    patient: Patient = Patient()
    brand_file: Path | None = None
    options: Options = Options()
    date: dt.date | None = None


def handout_date(explicit: dt.date | None = None) -> dt.date:
    """--date, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if explicit:
        return explicit
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        shown = epoch if len(epoch) <= 30 else epoch[:29] + "…"
        if not re.fullmatch(r"-?\d+", epoch):
            raise HandoutsError(f"SOURCE_DATE_EPOCH={shown!r} is not a whole number of seconds")
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):  # past the year 9999, or before year 1
            raise HandoutsError(
                f"SOURCE_DATE_EPOCH={shown!r} is not a date handouts can print (seconds since"
                " 1970, before the year 10000: 253402300799 at most)"
            ) from None
    return dt.date.today()


def markdown_problems(library, section_ids: Iterable[str]) -> list[Problem]:  # noqa: ANN001
    """Markdown a printed handout cannot show (an image, say), at its file and line.

    ``handouts check`` and the build both report it this way, so the line names the file.
    """
    from handouts.content.files import display_path
    from handouts.render.markdown import unsupported_markdown
    from handouts.render.markdown_parse import MAX_HEADING, markdown_limits

    problems = []
    for section_id in section_ids:
        section = library.sections[section_id]
        where = display_path(library.origin("sections", section_id))
        for offset, node in unsupported_markdown(section.body):
            message = f"unsupported Markdown: {node}; a printed handout cannot show it: remove it"
            problems.append(Problem(where, section.body_line + offset, "", message))
        for offset, message in markdown_limits(section.body):
            problems.append(Problem(where, section.body_line + offset, "", message))
        problems += _control_characters(where, section.body, section.body_line)
        if len(section.title) > MAX_HEADING:
            message = f"{len(section.title):,} characters; keep a title to {MAX_HEADING}"
            problems.append(Problem(where, 0, "title", message))
    return problems


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and line ends are text


def _control_characters(where: str, text: str, first_line: int) -> list[Problem]:
    """Control characters (a terminal's colour codes, a bell) print as nothing or a box."""
    problems = []
    for match in _CONTROL.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        message = f"control character U+{ord(match[0]):04X} cannot be printed; remove it"
        problems.append(Problem(where, line, "", message))
    return problems[:1]


def _unprintable(library, section, fonts) -> list[Problem]:  # noqa: ANN001
    """The first character of the section's title and body that no font can print."""
    from handouts.content.files import display_path

    where = display_path(library.origin("sections", section.id))
    for field_name, text, first_line in (
        ("title", section.title, 0),
        ("", section.body, section.body_line),
    ):
        if fonts.main.cmap.issuperset(map(ord, text)):
            continue
        for number, line in enumerate(text.splitlines()):
            line = _CONTROL.sub("", line)  # reported as control characters
            char = next((c for c in line if fonts.face_for(c) is None), None)
            if char is not None:
                message = (
                    f"character {char!r} (U+{ord(char):04X}) cannot be printed with the brand"
                    " font or the fallback font; remove or replace it"
                )
                line_number = first_line + number if first_line else 0
                return [Problem(where, line_number, field_name, message)]
    return []


@dataclass
class Builder:
    library: object  # handouts.content.library.Library
    font_dirs: list[Path] = field(default_factory=list)
    template_dirs: list[Path] = field(default_factory=list)
    _brands: dict = field(default_factory=dict)
    _themes: dict = field(default_factory=dict)
    _recordings: object = None  # render.pdf.Recordings: the shared pages of recent handouts
    _markdown: dict = field(default_factory=dict)  # section id -> its Markdown problems

    def brand_file(self, given: Path | None) -> Path | None:
        """``--brand``'s value as a file: a file as it is, or a brand id as `list brands` shows."""
        if given and not given.exists() and str(given) in self.library.brands:
            return self.library.origin("brands", str(given))
        return given

    def brand(self, brand_file: Path | None) -> tuple[Brand, Path | None]:
        brand_file = self.brand_file(brand_file)
        key = str(brand_file) if brand_file else None
        if key not in self._brands:
            if brand_file:
                from handouts.content.loader import load_brand_file

                self._brands[key] = load_brand_file(brand_file)
            else:
                brand = self.library.brands.get(DEFAULT_BRAND)
                if brand is None:
                    raise HandoutsError(
                        "no brand given and the demo brand is missing; give a brand file",
                        needs="brand",
                    )
                self._brands[key] = (brand, self.library.logo_path(DEFAULT_BRAND))
        return self._brands[key]

    def forget_brand(self, brand_file: Path) -> None:
        """Drop a brand file read before, and its themes: a draft (the web page's brand
        preview) lives in a temporary folder and is not asked for again."""
        loaded = self._brands.pop(str(self.brand_file(brand_file)), None)
        if loaded is not None:
            brand_json, logo = loaded[0].model_dump_json(), loaded[1]
            for key in [k for k in self._themes if k[0] == brand_json and k[1] == logo]:
                del self._themes[key]

    def theme(self, brand: Brand, logo: Path | None, options: Options):  # noqa: ANN201 - Theme
        key = (
            brand.model_dump_json(),
            logo,
            options.paper,
            options.large_print,
            options.ink_saver,
            options.booklet,
        )
        if key not in self._themes:
            from handouts.render.fonts import load_fonts
            from handouts.render.logo import check_logo
            from handouts.render.theme import make_theme

            if logo:
                check_logo(logo)
            fonts = load_fonts(brand.font, self.font_dirs)
            self._themes[key] = make_theme(
                brand,
                fonts,
                paper=options.paper,
                large_print=options.large_print,
                ink_saver=options.ink_saver,
                booklet=options.booklet,
            )
        return self._themes[key]

    def compose(self, request: Request) -> Handout:
        brand, logo = self.brand(request.brand_file)
        options = request.options
        if not options.paper:
            options = Options(**{**options.__dict__, "paper": brand.paper})
        return compose(
            self.library,
            request.selection,
            brand,
            logo,
            request.patient,
            handout_date(request.date),
            options,
        )

    def intro(self, handout: Handout) -> str:
        patient = handout.patient
        context = {
            "brand": handout.brand.model_dump(),
            "patient": {
                "name": patient.name,
                "first_name": patient.first_name,
                "clinician": patient.clinician,
                "start": patient.start.isoformat() if patient.start else "",
                "note": patient.note,
            },
            "programme": {
                "id": handout.id,
                "title": handout.title,
                "summary": handout.summary,
                "weeks": handout.weeks,
                "sessions": handout.sessions_label,
                # --sessions differs from the programme, whose intro may say otherwise.
                "sessions_set": handout.sessions_set,
                "intro": handout.intro,
                "exercise_count": len(handout.exercises),
            },
            # What the handout prints (exercises, table, cards, tracking, sections...):
            # the intro mentions only those.
            "contents": handout.contents,
        }
        return render_template(
            self.template_dirs + [paths.templates_dir()], "intro.txt.j2", context
        )

    def render(self, handout: Handout) -> bytes:
        from handouts.render.pdf import Recordings, render_pdf

        if self._recordings is None:
            self._recordings = Recordings()
        theme = self.theme(handout.brand, handout.logo, handout.options)
        self._check_markdown(handout, theme.fonts)
        return render_pdf(theme, handout, self.intro(handout), self._recordings)

    def _check_markdown(self, handout: Handout, fonts: object) -> None:
        """Stop before layout on Markdown the page cannot show, as `handouts check` words it:
        what it uses, and characters no font of the brand has, at their file and line."""
        if not handout.contents["sections"]:
            return
        problems = []
        for section in handout.sections:
            if section.id not in self._markdown:
                self._markdown[section.id] = markdown_problems(self.library, [section.id])
            problems += self._markdown[section.id]
            key = (section.id, fonts.main.names["regular"])
            if key not in self._markdown:
                self._markdown[key] = _unprintable(self.library, section, fonts)
            problems += self._markdown[key]
        if problems:
            raise ContentError(problems)

    def warnings(self, handout: Handout) -> list[str]:
        """What the brand makes of the page: colours darkened, the clinic's name shrunk."""
        from handouts.render.header import name_warning

        theme = self.theme(handout.brand, handout.logo, handout.options)
        name = name_warning(theme, handout.brand, handout.logo)
        return [*theme.warnings, *([name] if name else [])]

    def build(self, request: Request) -> tuple[Handout, bytes]:
        handout = self.compose(request)
        return handout, self.render(handout)
