"""The e-mail a patient gets: templates rendered, addresses checked, the message built."""

from __future__ import annotations

import datetime as dt
import email.errors
import email.utils
import re
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.content.templating import render_template
from handouts.errors import HandoutsError

if TYPE_CHECKING:
    from handouts.content.models import Brand, Patient

TEMPLATE_NAMES = ("subject.txt.j2", "body.txt.j2", "body.html.j2")


def render_message(dirs: Path | Sequence[Path], context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Render (subject, plain text, HTML) from the first folder in ``dirs`` holding each template.

    Pass a clinic's override folder before the built-in one. The two bodies are a
    pair from one folder (see :func:`_html_beside_text`); the HTML is "" when that
    folder has none. Templates run sandboxed with StrictUndefined: a typo is an
    error naming file and line, not a blank in a patient's e-mail.
    """
    folders = [dirs] if isinstance(dirs, Path) else list(dirs)
    subject, text = (render_template(folders, name, context) for name in TEMPLATE_NAMES[:2])
    html = (
        render_template(folders, TEMPLATE_NAMES[2], context) if _html_beside_text(folders) else ""
    )
    return " ".join(subject.split()), text, html  # a header is one line: no injected headers


def _html_beside_text(folders: Sequence[Path]) -> bool:
    """Whether the folder the plain-text body comes from has an HTML body too.

    Mail programs show the HTML part, so a clinic's own body.txt.j2 next to the
    built-in body.html.j2 would never be read: that message is plain text only.
    """
    text_name, html_name = TEMPLATE_NAMES[1:]
    for folder in folders:
        has_text, has_html = (folder / text_name).is_file(), (folder / html_name).is_file()
        if has_html and not has_text:
            raise HandoutsError(
                f"{folder / html_name}: add a {text_name} beside it "
                "(every message has a plain-text part; the two bodies go together)"
            )
        if has_text:
            return has_html
    return False


def message_context(
    clinic: Brand,
    patient: Patient,
    title: str,
    weeks: int | None = None,
    sessions: str | None = None,
    protected: bool = False,
) -> dict[str, Any]:
    """The template variables, from a Brand, a Patient and the handout's title and schedule."""
    start = patient.start
    return {
        "clinic": {
            "name": clinic.name,
            "contact": list(clinic.contact),
            "website": clinic.website,
            "roles": clinic.roles.model_dump(),
        },
        "patient": {
            "name": patient.name,
            "first_name": patient.first_name,
            "clinician": patient.clinician,
            "start": _long_date(start) if isinstance(start, dt.date) else (start or ""),
            "note": patient.note,
        },
        "programme": {"title": title, "weeks": weeks, "sessions": sessions},
        "protected": protected,
    }


def _long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"  # "Monday 3 March 2025": no 03/04 ambiguity


def check_address(address: str, what: str = "address") -> str:
    """Exactly one plausible address (``a@b.c`` or ``Name <a@b.c>``); returns ``a@b.c``.

    A list (``a@b.c; d@e.f``) is refused: smtplib would send to only some of it
    while the To: header shows all, and a row or ``--to`` is one recipient.
    The address must read the same to the ``email`` header parser, which the
    message goes through: it turns ``a@b.c.`` or ``a@b..c`` into the empty
    recipient ``<>``.
    """
    found = email.utils.getaddresses([address])
    if len([addr for _, addr in found if addr]) > 1:
        raise HandoutsError(f"{what}: {address!r} is more than one address; give exactly one")
    addr = found[0][1] if len(found) == 1 else ""
    if "\n" in address or "\r" in address or not ADDRESS.fullmatch(addr):
        raise HandoutsError(f"{what}: {address!r} is not an e-mail address")
    if header_addresses(address) != [addr]:
        raise HandoutsError(f"{what}: {address!r} is not an e-mail address")
    return addr


ADDRESS = re.compile(r"[^@\s.]+(?:\.[^@\s.]+)*@[^@\s.]+(?:\.[^@\s.]+)+")  # no "..", no end dot


def header_addresses(value: str) -> list[str]:
    """The bare addresses the ``email`` package reads in a To: header, as SMTP will get them."""
    from email.headerregistry import HeaderRegistry

    header = HeaderRegistry()("To", value)
    if any(isinstance(d, email.errors.InvalidHeaderDefect) for d in header.defects):
        return []
    return [a.addr_spec for a in header.addresses]


def build_message(
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    attachment: bytes,
    filename: str,
) -> EmailMessage:
    """multipart/mixed: (plain text | HTML alternative) + the PDF as application/pdf."""
    check_address(sender, "sender")
    check_address(to, "recipient")
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain=_domain(sender))
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    safe_name = Path(" ".join(filename.split())).name or "handout.pdf"
    msg.add_attachment(attachment, maintype="application", subtype="pdf", filename=safe_name)
    return msg


def test_message(sender: str, to: str) -> EmailMessage:
    """The one message ``handouts mail-check --to`` sends: plain text, no patient data."""
    check_address(sender, "sender")
    check_address(to, "--to")
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = "handouts: test message"
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain=_domain(sender))
    msg.set_content(
        "This test message from handouts shows that its e-mail settings work:\n"
        "handouts can now e-mail handouts from this address.\n"
    )
    return msg


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
MAX_ATTACHMENT_NAME = 100  # characters before ".pdf"


def attachment_name(title: str, patient: str) -> str:
    """What the patient sees as the PDF's name: "<programme title> - <patient>.pdf".

    Not the batch's file name, whose "-2" only tells two "Sam Lee" rows apart.
    Characters no file system takes are spaces; nothing left gives "handout.pdf".
    """
    parts = [" ".join(_UNSAFE_IN_NAMES.sub(" ", part).split()) for part in (title, patient)]
    stem = " - ".join(part for part in parts if part)[:MAX_ATTACHMENT_NAME].strip(" .-")
    return f"{stem or 'handout'}.pdf"


def _domain(address: str) -> str:
    # make_msgid would otherwise look up this machine's name, which leaks and can be slow.
    return email.utils.parseaddr(address)[1].rpartition("@")[2] or "handouts.invalid"
