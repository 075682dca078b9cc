"""``handouts batch``: a roster in, a handout per row out, a report of the rows that failed.

Only click is imported at module level, so ``handouts --help`` stays quick.
Everything the user can get wrong before a batch starts (roster columns,
attachments, brand, programme, SMTP settings, e-mail templates) is checked
first and reported as one line; problems with single rows are reported per row.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from handouts.cli import say
from handouts.cli.mail_check import mail_plan
from handouts.cli.options import (
    FILE_PATH,
    PathType,
    check_brand_option,
    handout_options,
    take_options,
)
from handouts.errors import UsageProblem
from handouts.wording import unknown_item

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.deliver.jobs import Settings
    from handouts.deliver.roster_model import RosterRow
    from handouts.session import Session


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- batch


@click.command()
@click.argument("roster", type=PathType(exists=True, dir_okay=False))
@click.option(
    "--out-dir",
    type=PathType(file_okay=False),
    help="Output folder (default: output/<roster name>/).",
)
@click.option("--programme", default=None, metavar="ID", help="Programme for rows without one.")
@click.option("--level", type=click.IntRange(1, 20), help="Start level for rows without one.")
@handout_options("batch")
@click.option(
    "--combine",
    "combine",
    type=FILE_PATH,
    metavar="FILE.pdf",
    help="Also write one print-ready PDF of the whole batch, in roster order.",
)
@click.option(
    "--duplex", is_flag=True, help="With --combine: start every handout on the front of a sheet."
)
@click.option(
    "--new-only",
    is_flag=True,
    help="With --combine: only the rows built in this run (not those --resume kept).",
)
@click.option(
    "--combine-unencrypted",
    is_flag=True,
    help="With --combine and a password column but no --password: write the print file "
    "without a password (it holds every handout, decrypted).",
)
@click.option(
    "--email", "email", is_flag=True, help="E-mail each handout to the row's email address."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --email: write .eml files into <out-dir>/outbox/ instead of sending.",
)
@click.option(
    "--rate",
    type=click.FloatRange(0, min_open=True),
    metavar="N",
    help="With --email: at most N messages a minute.",
)
@click.option(
    "--resend",
    is_flag=True,
    help='With --email: send again the messages sent.log marks "maybe sent" '
    "(check first that they did not arrive).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per CPU; 1 = no pool).",
)
@click.option(
    "--date-format",
    type=click.Choice(["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"], case_sensitive=False),
    default=None,
    help="How the roster writes start dates (default: handouts.yaml's date_format, "
    "else YYYY-MM-DD); 01/12/2026 is never guessed.",
)
@click.option(
    "--resume", is_flag=True, help="Keep valid PDFs from an earlier run of the same roster."
)
@click.pass_obj
def batch(
    app: Session,
    roster: Path,
    out_dir: Path | None,
    programme: str | None,
    level: int | None,
    combine: Path | None,
    duplex: bool,
    new_only: bool,
    combine_unencrypted: bool,
    email: bool,
    dry_run: bool,
    rate: float | None,
    resend: bool,
    jobs: int | None,
    date_format: str | None,
    resume: bool,
    **values: Any,
) -> None:
    """Build one handout per row of ROSTER (.csv or .yaml).

    \b
    Columns: patient (required), email (one address), programme, level,
    clinician, start, note, brand (a brand id or YAML file), password; other
    columns are ignored, with a warning naming them. Common headers are read
    as these, with a note: Name, Full name, Athlete, Attendee (patient);
    E-mail, Email address (email); Start date (start); Coach (clinician).
    Each PDF is written to <out-dir>/<patient-name>.pdf. Rows that fail are
    listed in <out-dir>/batch-report.csv (removed when a run has no failures)
    and the exit code is 1. Rerun with --resume after an interruption: valid
    PDFs are kept and no message is sent twice: sent.log records each message
    before it goes out. One whose fate is unknown (the connection broke after it
    was handed over) is reported "maybe sent" and never sent again on its own;
    check that it did not arrive, then rerun with --resend.
    """
    from dataclasses import replace
    from pathlib import Path

    from handouts import api
    from handouts.cli.build import parse_date, warn_if_demo_brand
    from handouts.deliver import batch as driver
    from handouts.deliver.roster import read_roster
    from handouts.post.merge import read_attachments

    options = take_options(values)
    if duplex and not combine:
        raise click.UsageError("--duplex works with --combine FILE")
    if new_only and not combine:
        raise click.UsageError("--new-only works with --combine FILE")
    if combine_unencrypted and not combine:
        raise click.UsageError("--combine-unencrypted works with --combine FILE")
    for flag, given in (("--dry-run", dry_run), ("--rate", rate), ("--resend", resend)):
        if given and not email:
            raise click.UsageError(f"{flag} works with --email")
    if email and options.booklet:
        # A booklet's pages are in folding order, two to a landscape side: unreadable on a phone.
        raise UsageProblem(
            "--email sends the handout to read on screen and --booklet makes a print layout; "
            "e-mail in a run without --booklet (and another --out-dir)"
        )
    check_brand_option(app, options.brand, lenient=False)
    date_format = (date_format or app.workspace().date_format or "").upper() or None
    table = read_roster(roster, date_format)
    for warning in table.warnings + (() if email else _address_warnings(roster, table.rows)):
        say.warn(warning)
    for note in table.notes:
        say.note(note)
    out_dir = out_dir or Path("output") / roster.stem
    settings = driver.Settings(
        out_dir=out_dir,
        roster_dir=roster.resolve().parent,
        content_dirs=tuple(app.content_dirs),
        include_builtin=app.include_builtin,
        cwd=app.cwd,
        config=app.workspace().file,
        brand_file=_check_brand(app, options.brand or app.workspace().brand, email and not dry_run),
        options=options.render_options(duplex),
        date=parse_date(options.date, "--date"),
        programme=programme,
        level=level,
        weeks=options.weeks,
        sessions=options.sessions,
        password=options.password or "",
        attachments=tuple(read_attachments(options.attach)),
        booklet=options.booklet,
        resume=resume,
    )
    library = app.library()  # content problems stop the batch here, all of them listed
    if programme and programme not in library.programmes:
        unknown = unknown_item("programme", programme, library.programmes)
        raise UsageProblem(f"--programme: {unknown}")
    if combine:
        inputs = {roster: "the roster", **dict.fromkeys(options.attach, "an --attach file")}
        _check_combine_path(combine, out_dir, table.rows, settings, inputs)
        problem = driver.print_file_password_problem(table.rows, settings)
        if problem and not combine_unencrypted:
            raise UsageProblem(
                f"--combine {combine}: {problem}; add --password to encrypt the print file, "
                "or --combine-unencrypted to write it without one"
            )
    plan = replace(mail_plan(app, dry_run, rate), resend=resend) if email else None
    brand, _ = app.builder().brand(settings.brand_file)  # loaded and checked above

    say.sources(app)
    deferred: list[str] = []  # with a progress bar, failures are listed after it
    try:
        with _progress(len(table.rows), deferred) as (progress, notice):
            report = api.run_batch(
                table.rows, settings, app, jobs=jobs or _default_jobs(), combine=combine,
                duplex=duplex, combine_unencrypted=combine_unencrypted,
                combine_new_only=new_only, mail=plan,
                progress=progress, notice=notice,
            )  # fmt: skip
    except KeyboardInterrupt:
        click.echo(
            "\ninterrupted: finished PDFs are kept; rerun with --resume to complete", err=True
        )
        sys.exit(130)
    for line in deferred:
        click.echo(line, err=True)
    warn_if_demo_brand(brand, "rows without a brand column carry")
    for line in report.messages():
        _say(line)
    for line in report.summary(None if plan is None else plan.dry_run):
        kind, _, text = line.partition(": ")
        if kind == "note":  # a note is not a result: on stderr, and -q drops it
            say.note(text)
        else:
            click.echo(line)
    if report.exit_code:
        sys.exit(report.exit_code)


def _address_warnings(roster: Path, rows: list[RosterRow]) -> tuple[str, ...]:
    """Without --email an unusable address stops nothing; say so once, for a later --email."""
    bad = [row.label for row in rows if row.email and row.email_error]
    if not bad:
        return ()
    label = "rows" if len(bad) > 1 else "row"
    return (f"{roster}: {label} {', '.join(bad)}: the email value is not one e-mail address",)


@contextlib.contextmanager
def _progress(
    total: int, deferred: list[str]
) -> Iterator[tuple[Callable[..., None], Callable[[str], None]]]:
    """A progress bar on a terminal; plain "[12/200] built x.pdf" lines otherwise (logs, CI).

    Yields (progress, notice): a notice gets a line of its own, below the bar.
    """
    if not sys.stderr.isatty() or say.verbosity() == say.QUIET:
        yield _print_line, _print_notice
        return
    stderr = click.get_text_stream("stderr")
    with click.progressbar(length=total, label="building", file=stderr, show_pos=True) as bar:

        def progress(outcome, done: int, total: int) -> None:  # noqa: ANN001
            bar.update(1)
            if outcome.needs_a_look:
                deferred.append(outcome.progress_line(done, total))

        yield progress, lambda text: _print_notice(f"\n{text}")


def _print_notice(text: str) -> None:
    say.progress(text)


def _print_line(outcome, done: int, total: int) -> None:  # noqa: ANN001 - a RowOutcome
    """A row's line; -q keeps only the rows that need a look."""
    if outcome.needs_a_look:
        click.echo(outcome.progress_line(done, total), err=True)
    else:
        say.progress(outcome.progress_line(done, total))


def _say(line: str) -> None:
    """A report line (``warning: ...``, ``note: ...``, ``error: ...``) as its kind is said."""
    kind, _, text = line.partition(": ")
    if kind == "note":
        say.note(text)
    elif kind == "warning":
        say.warn(text)
    else:
        click.echo(say.prefixed(kind, text) if kind == "error" else line, err=True)


def _check_brand(app: Any, path: Path | None, sending: bool) -> Path | None:
    """The batch-wide brand's file, loaded once up front: a broken one would fail every row.

    A brand id from the library (as ``handouts list brands`` shows) works as in ``build``.
    ``sending``: e-mail goes out for real, which the demo brand must never do.
    """
    from handouts.content.demo import refuse_demo_brand

    builder = app.builder()
    path = builder.brand_file(path)
    brand, _ = builder.brand(path)  # loads it: a broken brand stops the batch here
    if sending:
        refuse_demo_brand(brand, "--email")
    return path


def _check_combine_path(
    combine: Path,
    out_dir: Path,
    rows: list[RosterRow],
    settings: Settings,
    inputs: dict[Path, str],
) -> None:
    """Refuse a print file that would overwrite an input or a handout of this batch.

    ``inputs`` maps the files given on the command line to what they are.
    """
    from handouts.deliver.file_names import unique_names
    from handouts.deliver.files import same_file
    from handouts.deliver.jobs import brand_path

    target = combine.resolve()
    brands = [brand_path(row.brand, settings.roster_dir) for row in rows if row.brand]
    if settings.brand_file:
        brands.append(settings.brand_file)
    named = {**inputs, **dict.fromkeys(brands, "a brand file of this batch")}
    for path, what in named.items():  # however it is spelt: a symlink or a hard link too
        if same_file(combine, path):
            raise UsageProblem(f"--combine {combine}: that is {what}; choose a new .pdf file")
    if combine.suffix.lower() != ".pdf":
        raise UsageProblem(f"--combine {combine}: the print file's name must end in .pdf")
    if target.parent == out_dir.resolve() and combine.name in unique_names(
        row.patient for row in rows
    ):
        raise UsageProblem(f"--combine {combine}: a handout of this batch has that name")
