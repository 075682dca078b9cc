"""``handouts check``: every problem a build would meet, found before a patient's build does.

Beyond what loading the library finds (``content.loader``): brand fonts and logos,
Markdown and pictures a page cannot show, the clinic's templates rendered with
sample values, and the clinic's own exercises and programmes laid out in both
print sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.content.library import Library
from handouts.errors import ContentError, HandoutsError, Problem
from handouts.session import Session


@dataclass
class CheckResult:
    """The library (``None`` when it cannot load), its problems, and warnings that stop nothing."""

    library: Library | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check_library(session: Session, extra: Sequence[Path] = ()) -> CheckResult:
    """Every problem in the library, handouts.yaml's brand and ``extra`` content folders."""
    from handouts.content.loader import load_brand_file

    brand = session.workspace().brand  # a broken handouts.yaml stops here, with its problems
    problems = []
    library = None
    try:
        library = session.library(extra)
    except ContentError as error:
        problems += error.problems
    brands = []  # (file, brand, logo file)
    if library:
        brands += [
            (library.origin("brands", key), item, library.logo_path(key))
            for key, item in library.brands.items()
        ]
    if brand:
        try:
            brands.append((brand, *load_brand_file(brand)))
        except ContentError as error:
            problems += error.problems
    problems += _brand_problems(brands, session.font_dirs(extra))
    problems += _mail_problems(session)
    problems += _markdown_problems(library) if library else []
    problems += _image_problems(library) if library else []
    if library and not problems:
        brand_file = brands[-1][0] if brand else None
        problems += _template_problems(session, library, brand_file, extra)
        problems += [] if problems else _figure_problems(library)
        problems += [] if problems else _layout_problems(session, library, brand_file, extra)
    problems = list(dict.fromkeys(problems))  # the brand may be in a content folder
    warnings = []
    if library and not problems:
        warnings += _yaml_traps(library)
        keys = [key for key in library.brands if library.is_builtin("brands", key)]
        builtin = {library.origin("brands", key) for key in keys}
        mine = [item for item in brands if item[0] not in builtin]
        warnings += _brand_warnings(mine, session.font_dirs(extra))
    return CheckResult(library, problems, list(dict.fromkeys(warnings)))


def _brand_warnings(brands: list, dirs: list[Path]) -> list[Problem]:
    """What a brand does to the page that a clinic should know: a colour too light for
    lines and tick boxes (printed darker), white text unreadable on the band, a name that
    had to shrink to the floor size or be cut; on the brand's paper and on a booklet's."""
    from handouts.content.files import display_path
    from handouts.errors import Problem
    from handouts.render.fonts import load_fonts
    from handouts.render.header import name_warning
    from handouts.render.theme import make_theme

    warnings = []
    for path, brand, logo in brands:
        fonts = load_fonts(brand.font, dirs)
        for booklet in (False, True):
            theme = make_theme(brand, fonts, booklet=booklet)
            found = list(theme.warnings)
            where = " on a booklet's pages (A5 or half letter)" if booklet else ""
            if message := name_warning(theme, brand, logo, where):
                found.append(message)
            warnings += [Problem(display_path(path), 0, "", message) for message in found]
    return warnings


def _yaml_traps(library: Library) -> list[Problem]:
    """Valid YAML that likely says something else (a sentence split at a comma in [ ])."""
    from handouts.content.files import display_path
    from handouts.content.yaml_traps import split_sentences

    warnings = []
    for kind in ("exercises", "programmes"):
        for item_id in library.items(kind):
            if not library.is_builtin(kind, item_id):
                path = library.origin(kind, item_id)
                warnings += split_sentences(path, display_path(path))
    return warnings


def _mail_problems(session: Session) -> list[Problem]:
    """The smtp: settings of handouts.yaml, as e-mail would read them (a stored password,
    a timeout of .nan): check finds them before a batch does."""
    import os

    from handouts.content.files import display_path
    from handouts.deliver.mail_settings import smtp_settings
    from handouts.errors import Problem

    workspace = session.workspace()
    if not workspace.smtp or workspace.file is None:
        return []
    try:
        smtp_settings(workspace.smtp, dict(os.environ))
    except HandoutsError as error:
        return [Problem(display_path(workspace.file), 0, "", error.format_message())]
    return []


def _brand_problems(brands: list, dirs: list[Path]) -> list[Problem]:
    """What a build would find wrong with each brand that its file cannot show.

    The font family must be installed, and the logo must be an image the build can draw.
    """
    from handouts.content.files import display_path
    from handouts.errors import BrandError, Problem
    from handouts.render.font_files import UNREADABLE_FONT, resolve_family, unreadable_fonts
    from handouts.render.logo import logo_problem

    problems = [
        Problem(display_path(path), 0, "", UNREADABLE_FONT) for path in unreadable_fonts(dirs)
    ]
    for path, brand, logo in brands:
        where = display_path(path)
        try:
            resolve_family(brand.font, dirs)
        except BrandError as error:
            problems.append(Problem(where, 0, "font", error.format_message()))
        if logo and (message := logo_problem(logo)):
            problems.append(Problem(where, 0, "", message))  # it names the logo file
    return problems


def _markdown_problems(library: Library) -> list[Problem]:
    """Markdown a printed handout cannot show (an image, say), found before a build is."""
    from handouts.build import markdown_problems

    return markdown_problems(library, library.sections)


def _image_problems(library: Library) -> list[Problem]:
    """Exercise pictures the build could not draw (not an image, or damaged)."""
    from handouts.content.files import display_path
    from handouts.errors import Problem
    from handouts.render.raster import image_problem

    problems = []
    for exercise_id in library.exercises:
        path = library.image_path(exercise_id)
        if path and (message := image_problem(path)):
            where = display_path(library.origin("exercises", exercise_id))
            problems.append(Problem(where, 0, "", message))
    return problems


def _template_problems(
    session: Session, library: Library, brand_file: Path | None, extra: Sequence[Path]
) -> list[Problem]:
    """Render the clinic's templates once with sample values, as every build would.

    A typo in ``templates/intro.txt.j2`` (``{{ patient.nmae }}``) stops every handout;
    check is where a clinic should meet it. Every patient field is filled, so each
    ``{% if %}`` branch that prints one runs.
    """
    import datetime as dt

    from handouts.build import DEFAULT_BRAND, DEFAULT_PROGRAMME, Request
    from handouts.compose import Selection
    from handouts.content.models import Patient
    from handouts.content.templating import TemplateError
    from handouts.deliver.mail_plan import check_templates, email_template_dirs
    from handouts.errors import Problem

    if not library.programmes or (brand_file is None and DEFAULT_BRAND not in library.brands):
        return []
    builder = session.builder(extra=extra)
    programme = (
        DEFAULT_PROGRAMME if DEFAULT_PROGRAMME in library.programmes else min(library.programmes)
    )
    patient = Patient(name="Sam Lee", clinician="Alex Moore", start=dt.date(2026, 3, 2), note="Hi")
    selection = Selection(programme=programme)
    try:
        builder.intro(builder.compose(Request(selection, patient, brand_file=brand_file)))
        check_templates(email_template_dirs(session.workspace_dir))
    except TemplateError as error:
        where, line, message = error.where
        return [Problem(where, line, "", message)]
    return []


def _layout_problems(
    session: Session, library: Library, brand_file: Path | None, extra: Sequence[Path]
) -> list[Problem]:
    """Lay out the clinic's programmes and exercises as a build would, in both print sizes.

    An exercise card or a tracking sheet too tall for a page only shows when laid out;
    check is where a clinic should meet it, not a patient's build. Built-in content is
    laid out by the project's own tests.
    """
    from handouts.build import DEFAULT_BRAND
    from handouts.content.files import display_path
    from handouts.errors import Problem

    if brand_file is None and DEFAULT_BRAND not in library.brands:
        return []
    builder = session.builder(extra=extra)
    problems = []
    failed: set[str] = set()  # exercises whose own layout failed: their programmes would too
    for kind, item_id, selection, uses in _layout_jobs(library):
        if failed & uses:
            continue
        try:
            message = _layout_problem(builder, selection, brand_file)
        except ContentError as error:  # found before layout, at its own file and line
            problems += error.problems
            continue
        if message:
            problems.append(Problem(display_path(library.origin(kind, item_id)), 0, "", message))
            failed |= {item_id} if kind == "exercises" else set()
    return problems


def _figure_problems(library: Library) -> list[Problem]:
    """Each clinic figure whose contacts cannot be met (built-in ones are tested)."""
    from handouts.content.files import display_path
    from handouts.render.figures.check import exercise_figures, figure_problems

    problems = []
    for item_id, exercise in library.exercises.items():
        if not library.is_builtin("exercises", item_id):
            path = library.origin("exercises", item_id)
            found = exercise_figures(exercise)
            problems += figure_problems(item_id, found, path, display_path(path))
    return problems


def _layout_jobs(library: Library) -> list[tuple[str, str, Any, set[str]]]:
    """(kind, id, selection, exercises used): each clinic exercise and section, then each
    clinic programme."""
    from handouts.compose import Selection

    def mine(kind: str) -> list[str]:
        return [i for i in library.items(kind) if not library.is_builtin(kind, i)]

    jobs = [("exercises", i, Selection(exercises=[(i, None)]), set()) for i in mine("exercises")]
    # A section alone: a character no font has, or a block taller than a page, shows here.
    jobs += [("sections", i, Selection(sections=[i]), set()) for i in mine("sections")]
    for programme in mine("programmes"):
        phases = library.programmes[programme].phases
        uses = {entry.exercise for phase in phases for entry in phase.exercises}
        jobs.append(("programmes", programme, Selection(programme=programme), uses))
    return jobs


def _layout_problem(builder: Any, selection: Any, brand_file: Path | None) -> str | None:
    """What stops this selection's handout (the brand's paper), in large print or in both.

    Large print is laid out first: what fits in it fits in normal print, so a clean
    library costs one layout per item.
    """
    from handouts.build import Request
    from handouts.compose import Options

    def problem(large_print: bool) -> str | None:
        options = Options(paper="", large_print=large_print)  # "": the brand's paper
        try:
            builder.build(Request(selection, brand_file=brand_file, options=options))
        except ContentError:
            raise
        except HandoutsError as error:
            return error.format_message()
        return None

    large = problem(large_print=True)
    if large is None:
        return None
    return problem(large_print=False) or f"{large} (in large print)"
