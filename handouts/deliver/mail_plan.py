"""How a batch delivers: SMTP settings, the message templates, and one message composed.

Checked before anything is built (settings, templates with sample values), so a
typo stops the batch at once instead of failing every row's message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

DRY_RUN_SENDER = "handouts-dry-run@example.invalid"


@dataclass
class MailPlan:
    """How to deliver: SMTP settings, template folders, dry run into the outbox."""

    settings: Any  # handouts.deliver.mail_settings.SmtpSettings
    template_dirs: list[Path]
    dry_run: bool = False
    resend: bool = False  # send again what sent.log holds as "maybe sent" (checked first)


def mail_settings(config: Any, env: dict[str, str], dry_run: bool, rate: float | None) -> Any:
    """``smtp:`` from handouts.yaml + ``HANDOUTS_SMTP_*``; a dry run needs no sender or server."""
    from handouts.deliver.mail_settings import ENV_KEYS, smtp_settings

    config = dict(config or {})
    if dry_run and not config.get("from") and not env.get(ENV_KEYS["from"], "").strip():
        config["from"] = DRY_RUN_SENDER
    settings = smtp_settings(config, env)
    return replace(settings, rate_per_minute=rate) if rate else settings


def email_template_dirs(workspace_dir: Path) -> list[Path]:
    """The clinic's ``templates/email`` (next to handouts.yaml) first, then the built-in ones."""
    from handouts import paths

    clinic = workspace_dir / "templates" / "email"
    builtin = paths.templates_dir() / "email"
    return [clinic, builtin] if clinic.is_dir() else [builtin]


def check_templates(template_dirs: list[Path]) -> None:
    """Render the templates once with sample values: a typo stops the batch before it builds."""
    from handouts.deliver.mail_message import render_message

    render_message(
        template_dirs,
        {
            "clinic": {
                "name": "Clinic",
                "contact": ["01234 567890"],
                "website": "",
                "roles": {"clinician": "clinician", "patient": "patient"},
            },
            "patient": {
                "name": "Sam Lee",
                "first_name": "Sam",
                "clinician": "Alex",
                "start": "Monday 2 March 2026",
                "note": "",
            },
            "programme": {"title": "Programme", "weeks": 6, "sessions": "3"},
            "protected": False,
        },
    )


def compose_message(plan: MailPlan, to: str, context: dict[str, Any], pdf: bytes, filename: str):  # noqa: ANN201
    from handouts.deliver.mail_message import build_message, render_message

    subject, text, html = render_message(plan.template_dirs, context)
    return build_message(plan.settings.sender, to, subject, text, html, pdf, filename)
