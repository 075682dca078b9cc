"""``handouts send``: one handout PDF e-mailed, its subject and text from the templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from handouts.cli.mail_check import mail_plan
from handouts.cli.options import PathType, address_option, check_brand_option, handout_option
from handouts.errors import HandoutsError, UsageProblem
from handouts.wording import unknown_item

if TYPE_CHECKING:
    from pathlib import Path


@click.command()
@click.argument("pdf", metavar="PDF", type=PathType(exists=True, dir_okay=False))
@click.option("--to", "to", required=True, metavar="ADDRESS", help="Recipient's e-mail address.")
@click.option("--patient", default="", metavar="NAME", help="Patient's name, for the greeting.")
@click.option(
    "--programme", default=None, metavar="ID", help="Programme, for the subject and schedule."
)
@handout_option("brand", "Brand YAML file or brand id (the clinic's name and contact).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write the message to outbox/ next to the PDF instead of sending.",
)
@click.pass_obj
def send(
    app,
    pdf: Path,
    to: str,
    patient: str,
    programme: str | None,
    brand: Path | None,
    dry_run: bool,
) -> None:  # noqa: ANN001
    """E-mail one handout PDF.

    The subject and text come from the e-mail templates (templates/email/ in
    the clinic folder first, then the built-in ones).
    SMTP settings come from handouts.yaml (smtp:) or HANDOUTS_SMTP_* variables;
    the password only from HANDOUTS_SMTP_PASSWORD.
    """
    from handouts.content.demo import refuse_demo_brand
    from handouts.content.models import Patient
    from handouts.deliver.file_names import safe_name
    from handouts.deliver.mail import Mailer
    from handouts.deliver.mail_message import message_context
    from handouts.deliver.mail_plan import compose_message
    from handouts.post.merge import is_valid_pdf
    from handouts.post.outside import reading

    address_option(to)
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise HandoutsError(f"{pdf}: not a PDF file")
    with reading(str(pdf)):  # the file goes out as it is: its problems are said, not raised
        if not is_valid_pdf(pdf):
            raise HandoutsError(f"{pdf}: the PDF is incomplete or damaged; build it again")
    check_brand_option(app, brand, lenient=False)
    brand, _ = app.builder().brand(brand or app.workspace().brand)  # a file or an id
    if not dry_run:
        refuse_demo_brand(brand, "send")
    plan = mail_plan(app, dry_run, None)
    title, weeks, sessions = _programme_info(app, programme, data, patient)
    context = message_context(
        brand, Patient(name=patient), title, weeks, sessions, protected=_is_encrypted(data)
    )
    message = compose_message(plan, to, context, data, pdf.name)
    outbox = pdf.parent / "outbox"
    key = f"{safe_name(pdf.stem)}.{_short_hash(to)}"
    with Mailer(plan.settings, dry_run_dir=outbox if dry_run else None) as mailer:
        outcome = mailer.send(message, key)
    click.echo(
        f"wrote {outbox / (key + '.eml')}" if outcome == "written" else f"sent {pdf.name} to {to}"
    )


def _programme_info(app, programme: str | None, pdf: bytes, patient: str) -> tuple[str, Any, Any]:  # noqa: ANN001
    """Title, weeks and sessions of --programme, else of the programme in the PDF's keywords."""
    library = app.library()
    if programme and programme not in library.programmes:
        unknown = unknown_item("programme", programme, library.programmes)
        raise UsageProblem(f"--programme: {unknown}")
    metadata = _metadata(pdf)
    if not programme:  # handouts writes "exercise handout, <programme id>" as keywords
        keywords = [k.strip() for k in str(metadata.get("/Keywords") or "").split(",")]
        programme = next((k for k in keywords if k in library.programmes), None)
    if programme:
        item = library.programmes[programme]
        return item.title, item.weeks, item.sessions_label
    title = str(metadata.get("/Title") or "")
    if patient:
        from handouts.post.protect import scrub_text

        title = scrub_text(title, patient)
    return title, None, None  # "" when unknown (encrypted): the templates leave it out


def _metadata(pdf: bytes) -> dict[str, Any]:
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        return {} if reader.is_encrypted else dict(reader.metadata or {})
    except Exception:  # noqa: BLE001 - the metadata is only a nicety
        return {}


def _is_encrypted(pdf: bytes) -> bool:
    import io

    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(pdf)).is_encrypted
    except Exception:  # noqa: BLE001
        return False


def _short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
