"""The first hour: e-mail set up in one try.

`handouts mail-check` connects and logs in (sending nothing, or one test message);
a batch that cannot use the server stops before building, with one line saying
what to change.
"""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from fake_smtp import Collector, free_port
from first_hour import clean_folder, run
from test_cli_batch import MAIL_ROSTER, roster, smtp_server

from handouts.deliver.mail_failures import connection_advice
from handouts.deliver.mail_settings import SmtpSettings

LOCAL_RELAY = (
    "the server does not offer STARTTLS; for a relay on this machine, "
    "set security: none (smtp: in handouts.yaml or HANDOUTS_SMTP_*)"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)


def test_mail_check_connects_and_sends_nothing() -> None:
    handler = Collector()
    with smtp_server(handler) as env:
        result = run("mail-check", env=env)
        port = env["HANDOUTS_SMTP_PORT"]
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ok: connected to 127.0.0.1:{port} (none) (no login); nothing sent\n"
    assert handler.messages == []


def test_mail_check_to_an_address_sends_one_test_message() -> None:
    handler = Collector()
    with smtp_server(handler) as env:
        result = run("mail-check", "--to", "me@clinic.example", env=env)
        port = env["HANDOUTS_SMTP_PORT"]
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"ok: connected to 127.0.0.1:{port} (none) (no login); "
        "sent a test message to me@clinic.example\n"
    )
    ((rcpts, message),) = handler.messages
    assert rcpts == ["me@clinic.example"]
    assert message["Subject"] == "handouts: test message"
    assert not message.is_multipart()  # no handout, no patient data


def test_a_local_relay_without_starttls_is_told_to_use_security_none() -> None:
    with smtp_server(Collector()) as env:
        env["HANDOUTS_SMTP_SECURITY"] = "starttls"  # the default, which a local relay lacks
        result = run("mail-check", env=env)
        port = env["HANDOUTS_SMTP_PORT"]
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot use the mail server 127.0.0.1:{port}: "
        f"STARTTLS extension not supported by server; {LOCAL_RELAY}\n"
    )


def test_a_batch_stops_once_before_building_when_the_server_cannot_be_used(
    tmp_path: Path,
) -> None:
    handler = Collector()
    with smtp_server(handler) as env:
        env["HANDOUTS_SMTP_SECURITY"] = "starttls"
        path = roster(tmp_path, MAIL_ROSTER)
        result = run("batch", path, "--out-dir", "out", "--email", env=env)
        port = env["HANDOUTS_SMTP_PORT"]
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot use the mail server 127.0.0.1:{port}: "
        f"STARTTLS extension not supported by server; {LOCAL_RELAY}\n"
    )
    assert not (tmp_path / "out").exists()


def test_nothing_listening_names_the_settings_to_check() -> None:
    port = free_port()
    env = {
        "HANDOUTS_SMTP_HOST": "127.0.0.1",
        "HANDOUTS_SMTP_PORT": str(port),
        "HANDOUTS_SMTP_FROM": "desk@clinic.example",
    }
    result = run("mail-check", env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot use the mail server 127.0.0.1:{port}: [Errno 111] Connection refused; "
        "nothing answers there: check smtp.host and smtp.port "
        "(starttls: usually 587; tls: 465; none: 25)\n"
    )


def test_security_none_is_suggested_only_for_a_server_on_this_machine() -> None:
    remote = SmtpSettings("mail.example.org", 587, "starttls", None, None, "a@example.org")
    no_starttls = smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server.")
    assert connection_advice(no_starttls, remote) == (
        "the server does not offer STARTTLS; use security: tls with port 465, "
        "or the server and port your mail provider gives for sending"
    )
    login = smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials")
    assert connection_advice(login, remote) == (
        "check smtp.user and HANDOUTS_SMTP_PASSWORD "
        "(many providers want an app password here, not the account's own)"
    )


def test_mail_check_needs_a_sender_first() -> None:
    result = run("mail-check", env={"HANDOUTS_SMTP_HOST": "127.0.0.1"})
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no sender address: set smtp.from in handouts.yaml or HANDOUTS_SMTP_FROM\n"
    )
