"""The brand page's door into the engine: read, preview and save the workspace's brand.

With engine.py and engine_batch.py, the only modules of the web page that call into
the engine. A draft brand is checked by the loader's own brand reader (a file written
to a temporary folder holds no patient data), so the page refuses what `check` would.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.errors import ContentError, HandoutsError, Problem
from handouts.web.engine import Engine
from handouts.web.plan import PageOptions, PatientFields

LOGO_TYPES = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg"}
MAX_LOGO = 2 * 1024 * 1024
SAMPLE_PATIENT = PatientFields(name="Sam Example", clinician="Alex Moore")


@dataclass
class BrandFields:
    """The brand as the page's form holds it."""

    name: str = ""
    primary: str = "#1F5F8B"
    accent: str = "#E07A2F"
    font: str = "Atkinson Hyperlegible"
    contact: list[str] = field(default_factory=list)
    website: str = ""
    disclaimer: str = ""
    paper: str = "a4"
    logo: str = ""  # the current logo's file name, relative to the brand file


@dataclass(frozen=True)
class Upload:
    data: bytes
    suffix: str  # ".png", ".jpg" or ".svg", from the bytes, never from the file name


def read_logo(data: bytes) -> Upload | None:
    """An uploaded logo, or None for no upload; raises for a file that is not PNG, JPEG or SVG."""
    if not data:
        return None
    if len(data) > MAX_LOGO:
        raise HandoutsError("the logo is larger than 2 MB; export a smaller PNG, JPEG or SVG")
    for magic, suffix in LOGO_TYPES.items():
        if data.startswith(magic):
            return Upload(data, suffix)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return Upload(data, ".svg")
    raise HandoutsError("the logo must be a PNG, JPEG or SVG file")


def brand_file(engine: Engine) -> Path | None:
    """The workspace's own brand file (handouts.yaml ``brand:``), never a built-in one."""
    from handouts import paths

    path = engine.workspace_brand()
    if path is None:
        return None
    builtin = paths.builtin_content_dir().resolve()
    return None if path.resolve().is_relative_to(builtin) else path.resolve()


def current(engine: Engine) -> tuple[BrandFields, Path | None]:
    """The brand handouts carry now, and the logo file it names."""
    brand, logo = engine.builder().brand(engine.workspace_brand())
    fields = BrandFields(
        name=brand.name,
        primary=brand.primary,
        accent=brand.accent,
        font=brand.font,
        contact=list(brand.contact),
        website=brand.website,
        disclaimer=brand.disclaimer,
        paper=brand.paper,
        logo=brand.logo or "",
    )
    return fields, logo


def font_families(engine: Engine) -> list[str]:
    """The font families handouts can use here: installed packages and the fonts/ folders."""
    import fontpkg

    from handouts.render.font_files import folder_families

    names = {family.name for family in fontpkg.families().values()}
    names |= folder_families(engine.session.font_dirs())
    return sorted(names, key=str.casefold)


def _yaml(fields: BrandFields, logo: str) -> str:
    import yaml

    data: dict[str, Any] = {"name": fields.name}
    if logo:
        data["logo"] = logo
    data |= {"primary": fields.primary, "accent": fields.accent, "font": fields.font}
    data["contact"] = [line for line in fields.contact if line.strip()]
    if fields.website:
        data["website"] = fields.website
    if fields.disclaimer:
        data["disclaimer"] = fields.disclaimer
    data["paper"] = fields.paper
    return "# Your clinic's look, saved from the handouts web page.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True
    )


def _draft(folder: Path, fields: BrandFields, upload: Upload | None, old_logo: Path | None) -> Path:
    """Write the draft brand (and its logo) into ``folder``; check it as the loader does."""
    from handouts.content.loader import load_brand_file

    logo = ""
    if upload is not None:
        logo = f"logo{upload.suffix}"
        (folder / logo).write_bytes(upload.data)
    elif old_logo is not None and old_logo.is_file():
        logo = f"logo{old_logo.suffix.lower()}"
        (folder / logo).write_bytes(old_logo.read_bytes())
    path = folder / "brand.yaml"
    path.write_text(_yaml(fields, logo), encoding="utf-8")
    try:
        load_brand_file(path)  # the problems `check` would list
    except ContentError as error:  # named by the page's field, not the temporary file
        problems = [Problem("brand", 0, p.field, p.message) for p in error.problems]
        raise ContentError(problems) from None
    return path


def preview(
    engine: Engine, fields: BrandFields, upload: Upload | None
) -> tuple[bytes, tuple[str, ...]]:
    """Page one of the default programme in the draft brand, and its warnings (contrast)."""
    import io

    from pypdf import PdfReader, PdfWriter

    _fields, old_logo = current(engine)
    with tempfile.TemporaryDirectory() as tmp:
        path = _draft(Path(tmp), fields, upload, old_logo if fields.logo else None)
        plan = engine.plan_for(engine.default_programme())
        built = engine.build(plan, SAMPLE_PATIENT, PageOptions(), brand_file=path)
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(built.pdf)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), built.warnings


def save(engine: Engine, fields: BrandFields, upload: Upload | None) -> Path:
    """Check the draft, then write the workspace's brand file (and its logo) atomically."""
    from handouts.deliver.files import write_atomic

    target = brand_file(engine)
    if target is None:
        raise HandoutsError(
            "this workspace has no brand file of its own: run `handouts init clinic`, then "
            "start `handouts serve` in the clinic folder; its brands/clinic.yaml is saved here"
        )
    _fields, old_logo = current(engine)
    keep = old_logo if fields.logo and upload is None else None
    with tempfile.TemporaryDirectory() as tmp:
        _draft(Path(tmp), fields, upload, keep)  # every check before anything is written
    logo = ""
    if upload is not None:
        logo = f"logo{upload.suffix}"
        write_atomic(target.parent / logo, upload.data)
    elif keep is not None:
        logo = fields.logo
    write_atomic(target, _yaml(fields, logo).encode("utf-8"))
    engine.reload()
    return target


SHOWN = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
