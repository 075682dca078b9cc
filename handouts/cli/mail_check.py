"""``handouts mail-check``, and the same check of settings and templates before e-mail goes out."""

from __future__ import annotations

import os

import click

from handouts.cli.options import address_option


@click.command("mail-check")
@click.option(
    "--to", "to", default=None, metavar="ADDRESS", help="Also send one test message here."
)
@click.pass_obj
def mail_check(app, to: str | None) -> None:  # noqa: ANN001
    """Check the e-mail settings: connect and log in, and send nothing.

    With --to, also send one short test message (no handout, no patient data) to
    ADDRESS. Settings come from handouts.yaml (smtp:) or HANDOUTS_SMTP_* variables.
    """
    from handouts.deliver.mail import Mailer
    from handouts.deliver.mail_message import test_message
    from handouts.deliver.mail_plan import mail_settings

    if to:
        address_option(to)
    settings = mail_settings(app.workspace().smtp, dict(os.environ), False, None)
    with Mailer(settings) as mailer:
        done = mailer.check()
        if to:
            mailer.send(test_message(settings.sender, to), "mail-check")
    click.echo(f"ok: {done}; " + (f"sent a test message to {to}" if to else "nothing sent"))


def mail_plan(app, dry_run: bool, rate: float | None):  # noqa: ANN001, ANN202 - batch.MailPlan
    """What e-mail a batch or ``send`` needs, checked once up front: settings, templates, server."""
    from handouts.deliver.mail import Mailer
    from handouts.deliver.mail_plan import (
        MailPlan,
        check_templates,
        email_template_dirs,
        mail_settings,
    )

    settings = mail_settings(app.workspace().smtp, dict(os.environ), dry_run, rate)
    dirs = email_template_dirs(app.workspace_dir)
    check_templates(dirs)
    if not dry_run:  # a wrong setting stops the run here, once, before anything is built
        with Mailer(settings) as mailer:
            mailer.check()
    return MailPlan(settings, dirs, dry_run)
