"""Every usage error exits 2 with one line; content problems and failed builds exit 1.

A usage error is a bad option value or argument, a missing or unknown option, or
options that do not go together: the command line as typed cannot run. Each row
runs the real CLI in an empty folder (the built-in library and demo brand) and
stops before anything is built, so the whole table takes a few seconds.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter

from handouts.cli.app import main
from handouts.deliver import mail_settings
from handouts.web.security import PASSWORD_ENV

LEVELS = "bent-knee-calf-raise"  # a built-in exercise with levels 1–4
NO_BRAND = "no such file or brand id; give a brand YAML file or an id from `handouts list brands`"
BAD_PDF = "cannot read the PDF (damaged, or not a PDF); save or export it again"

USAGE_ERRORS = [
    # build: what goes in the handout
    (["build", "nope"], 'error: unknown programme "nope"; see: handouts list programmes'),
    (
        ["build", "--exercise", "nope"],
        'error: unknown exercise "nope"; see: handouts list exercises',
    ),
    (["build", "--section", "nope"], 'error: unknown section "nope"; see: handouts list sections'),
    (
        ["build", "--exercise", f"{LEVELS}:0"],
        f'error: --exercise {LEVELS}:0: the level after ":" must be a number from 1, such as 2',
    ),
    (
        ["build", "--exercise", f"{LEVELS}:x"],
        f'error: --exercise {LEVELS}:x: the level after ":" must be a number from 1, such as 2',
    ),
    (
        ["build", "--exercise", f"{LEVELS}:"],
        f'error: --exercise {LEVELS}:: the level after ":" is missing',
    ),
    (
        ["build", "--exercise", ":2"],
        "error: --exercise :2: give an exercise id, such as bent-knee-calf-raise:2",
    ),
    (
        ["build", "--exercise", f"{LEVELS}:9"],
        f"error: --exercise {LEVELS}: exercise {LEVELS} has levels 1–4, not 9",
    ),
    (
        ["build", "--exercise", LEVELS, "--exercise", f"{LEVELS}:2"],
        f"error: --exercise {LEVELS} is given twice; give it once, at the level you want",
    ),
    (
        ["build", "soleus-strength-runners", "--exercise", "seated-soleus-raise"],
        "error: --exercise seated-soleus-raise: programme soleus-strength-runners has it already",
    ),
    # build: option values
    (["build", "--brand", "nope"], f"error: --brand nope: {NO_BRAND}"),
    (["build", "--brand", "gone.yaml"], f"error: --brand gone.yaml: {NO_BRAND}"),
    (
        ["build", "--attach", "missing.pdf"],
        "error: invalid value for '--attach': file 'missing.pdf' does not exist",
    ),
    (
        ["build", "--start", "2026-02-30"],
        "error: --start '2026-02-30': use a date like 2026-11-21 (YYYY-MM-DD)",
    ),
    (["build", "--date", "x"], "error: --date 'x': use a date like 2026-11-21 (YYYY-MM-DD)"),
    (
        ["build", "--weeks", "0"],
        "error: invalid value for '--weeks': 0 is not in the range 1<=x<=52",
    ),
    (
        ["build", "--sessions", "15"],
        "error: invalid value for '--sessions': 15 is not in the range 1<=x<=14",
    ),
    (
        ["build", "--level", "0"],
        "error: invalid value for '--level': 0 is not in the range 1<=x<=20",
    ),
    (
        ["build", "--paper", "a3"],
        "error: invalid value for '--paper': 'a3' is not one of 'a4', 'letter', 'a5', "
        "'half-letter'",
    ),
    (
        ["build", "--password", ""],
        "error: invalid value for '--password': is empty; give a value, or leave the option out",
    ),
    (
        ["build", "-o", "folder"],
        "error: -o folder: is a folder; give a file name, such as folder/x.pdf",
    ),
    (
        ["build", "--attach", "ok.pdf", "-o", "ok.pdf"],
        "error: -o ok.pdf: that is an --attach file; choose another output file",
    ),
    (
        ["build", "--nope"],
        "error: no such option '--nope'. (Did you mean one of: '--note', '--paper'?)",
    ),
    # batch
    (
        ["batch", "missing.csv"],
        "error: invalid value for 'ROSTER': file 'missing.csv' does not exist",
    ),
    (["batch", "ok.pdf"], "error: ok.pdf: a roster must be a .csv or .yaml file"),
    (
        ["batch", "r.csv", "--programme", "nope"],
        'error: --programme: unknown programme "nope"; see: handouts list programmes',
    ),
    (["batch", "r.csv", "--brand", "nope"], f"error: --brand nope: {NO_BRAND}"),
    (
        ["batch", "r.csv", "--attach", "missing.pdf"],
        "error: invalid value for '--attach': file 'missing.pdf' does not exist",
    ),
    (
        ["batch", "r.csv", "--combine", "x.txt"],
        "error: --combine x.txt: the print file's name must end in .pdf",
    ),
    (
        ["batch", "r.csv", "--combine", "r.csv"],
        "error: --combine r.csv: that is the roster; choose a new .pdf file",
    ),
    (["batch", "r.csv", "--duplex"], "error: --duplex works with --combine FILE"),
    (["batch", "r.csv", "--dry-run"], "error: --dry-run works with --email"),
    (
        ["batch", "r.csv", "--email", "--booklet"],
        "error: --email sends the handout to read on screen and --booklet makes a print "
        "layout; e-mail in a run without --booklet (and another --out-dir)",
    ),
    (
        ["batch", "r.csv", "--jobs", "0"],
        "error: invalid value for '-j' / '--jobs': 0 is not in the range x>=1",
    ),
    (
        ["batch", "r.csv", "--email", "--rate", "0"],
        "error: invalid value for '--rate': 0.0 is not in the range x>0",
    ),
    (
        ["batch", "r.csv", "--date-format", "xx"],
        "error: invalid value for '--date-format': 'xx' is not one of 'dd/mm/yyyy', "
        "'mm/dd/yyyy', 'yyyy-mm-dd'",
    ),
    (
        ["batch", "r.csv", "--out-dir", "ok.pdf"],
        "error: invalid value for '--out-dir': directory 'ok.pdf' is a file",
    ),
    # send and mail-check
    (
        ["send", "ok.pdf", "--to", "not-an-address"],
        "error: --to: 'not-an-address' is not an e-mail address",
    ),
    (
        ["send", "ok.pdf", "--to", "a@example.org; b@example.org"],
        "error: --to: 'a@example.org; b@example.org' is more than one address; give exactly one",
    ),
    (["send", "ok.pdf"], "error: missing option '--to'"),
    (
        ["send", "missing.pdf", "--to", "a@example.org"],
        "error: invalid value for 'PDF': file 'missing.pdf' does not exist",
    ),
    (
        ["send", "ok.pdf", "--to", "a@example.org", "--programme", "nope", "--dry-run"],
        'error: --programme: unknown programme "nope"; see: handouts list programmes',
    ),
    (
        ["send", "ok.pdf", "--to", "a@example.org", "--brand", "nope", "--dry-run"],
        f"error: --brand nope: {NO_BRAND}",
    ),
    (["mail-check", "--to", "nobody"], "error: --to: 'nobody' is not an e-mail address"),
    # impose
    (["impose", "ok.pdf"], "error: choose a layout: --booklet"),
    (
        ["impose", "missing.pdf", "--booklet"],
        "error: invalid value for 'IN.pdf': file 'missing.pdf' does not exist",
    ),
    (
        ["impose", "ok.pdf", "--booklet", "-o", "ok.pdf"],
        "error: -o ok.pdf: choose an output file other than the input",
    ),
    # copy, show, list, init, check
    (["copy", "nope"], 'error: invalid value for ID: no item "nope"'),
    (
        ["copy", LEVELS, "--as", "My Hikes", "--to", "clinic"],
        "error: --as My Hikes: an id is lowercase letters, digits and hyphens, "
        f"such as my-{LEVELS}",
    ),
    (
        ["copy", LEVELS],
        "error: no content folder to copy into: make a workspace with `handouts init DIR` "
        "and run this there, or give --to DIR",
    ),
    (["show", "nope"], 'error: invalid value for ID: no item "nope"'),
    (
        ["show", LEVELS, "--figure", "x.txt"],
        "error: invalid value for --figure: give a file ending in .png, .svg or .pdf",
    ),
    (
        ["show", LEVELS, "--figure", "x.png", "--level", "9"],
        f"error: invalid value for --level: {LEVELS} has levels 1–4",
    ),
    (
        ["list", "widgets"],
        "error: invalid value for '{exercises|sections|programmes|brands|sources}': 'widgets' "
        "is not one of 'exercises', 'sections', 'programmes', 'brands', 'sources'",
    ),
    (
        ["list", "brands", "--tag", "x"],
        "error: brands have no tags; --tag works with exercises, sections and programmes",
    ),
    (["init", "ok.pdf"], "error: invalid value for 'DIRECTORY': directory 'ok.pdf' is a file"),
    (
        ["check", "--content", "missing"],
        "error: invalid value for '--content': directory 'missing' does not exist",
    ),
    # serve and the options of every command
    (
        ["serve", "--port", "0"],
        "error: invalid value for '--port': 0 is not in the range 1<=x<=65535",
    ),
    (
        ["serve", "--host", "0.0.0.0"],
        "error: --host 0.0.0.0 serves the page to the network, which needs a password of at "
        f"least 8 characters: set {PASSWORD_ENV}, or put it on the first line of "
        "serve-password.txt beside handouts.yaml (never on the command line)",
    ),
    (
        ["--config", "missing.yaml", "list", "exercises"],
        "error: invalid value for '--config': file 'missing.yaml' does not exist",
    ),
    (["-q", "-v", "list", "exercises"], "error: -q and -v: choose one"),
    (["nope"], "error: no such command 'nope'"),
]

# Not usage: the files named are there but unusable, or the content is wrong.
PROBLEMS = [
    (["build", "--attach", "damaged.pdf"], f"error: --attach damaged.pdf: {BAD_PDF}"),
    (["impose", "damaged.pdf", "--booklet"], f"error: damaged.pdf: {BAD_PDF}"),
    (
        ["send", "damaged.pdf", "--to", "a@example.org", "--dry-run"],
        "error: damaged.pdf: not a PDF file",
    ),
    (["build", "--brand", "broken.yaml"], "1 problem found"),
    (["check", "--content", "broken"], "1 problem found"),
]


@pytest.fixture(autouse=True)
def _folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty folder with the few files the rows name; no settings in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in [
        *mail_settings.ENV_KEYS.values(),
        mail_settings.PASSWORD_ENV,
        PASSWORD_ENV,
        "HANDOUTS_CONFIG",
    ]:
        monkeypatch.delenv(name, raising=False)
    writer, pdf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(pdf)
    Path("ok.pdf").write_bytes(pdf.getvalue())
    Path("damaged.pdf").write_text("not a PDF", encoding="utf-8")
    Path("r.csv").write_text("patient,programme\nAnn,inner-calf-circuit\n", encoding="utf-8")
    Path("broken.yaml").write_text("name: [Riverside\n", encoding="utf-8")
    Path("broken/exercises").mkdir(parents=True)
    Path("broken/exercises/x.yaml").write_text("id: [x\n", encoding="utf-8")
    Path("folder").mkdir()
    Path("clinic").mkdir()


def last_line(args: list[str]):  # noqa: ANN201 - (exit code, last stderr line, stderr)
    result = CliRunner().invoke(main, args)
    assert not isinstance(result.exception, AssertionError)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return result.exit_code, lines[-1] if lines else "", result.stderr


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS, ids=" ".join)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    code, line, stderr = last_line(args)
    assert (code, line) == (2, message), stderr
    assert not list(Path().rglob("*.part")) and not Path("output").exists()


@pytest.mark.parametrize(("args", "message"), PROBLEMS, ids=" ".join)
def test_unusable_files_and_content_problems_exit_1(args: list[str], message: str) -> None:
    code, line, stderr = last_line(args)
    assert (code, line) == (1, message), stderr
