"""E-mail delivery against a real SMTP server on loopback (aiosmtpd); settings; templates."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from fake_clock import FakeTime
from fake_smtp import Collector, free_port, smtp_server

from handouts.content.models import Brand, Patient
from handouts.deliver import mail_failures
from handouts.deliver.mail import Mailer
from handouts.deliver.mail_failures import MailServerError, PermanentSendError, SendError
from handouts.deliver.mail_message import build_message, message_context, render_message
from handouts.deliver.mail_settings import SmtpSettings, smtp_settings
from handouts.errors import HandoutsError

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
PDF = b"%PDF-1.7\n% tiny stand-in for a handout\n%%EOF\n"
SENDER = "Riverside Physio <desk@riverside.example>"


def settings(port: int, rate: float | None = None) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        security="none",
        user=None,
        password=None,
        sender=SENDER,
        rate_per_minute=rate,
        timeout=5,
    )


def mailer(port: int, tmp_path: Path, fake: FakeTime | None = None, **kwargs: object) -> Mailer:
    fake = fake or FakeTime()
    kwargs.setdefault("sent_log", tmp_path / "sent.log")
    return Mailer(
        settings(port, kwargs.pop("rate", None)),  # type: ignore[arg-type]
        base_delay=0.01,
        clock=fake.clock,
        sleep=fake.sleep,
        **kwargs,  # type: ignore[arg-type]
    )


def message(to: str, subject: str = "Your programme") -> EmailMessage:
    return build_message(
        SENDER, to, subject, "Hi,\nhere it is.", "<p>Hi, here it is.</p>", PDF, "knee.pdf"
    )


def log_lines(tmp_path: Path) -> list[list[str]]:
    """The sent.log lines of delivered messages (each follows its attempt line)."""
    lines = (tmp_path / "sent.log").read_text().splitlines()
    return [line.split("\t") for line in lines if line.endswith("\tsent")]


# --- delivery --------------------------------------------------------------------------------


def test_messages_arrive_with_parts_and_attachment_over_one_connection(tmp_path: Path) -> None:
    handler = Collector()
    people = ["ann@example.org", "ben@example.org", "cat@example.org"]
    with smtp_server(handler) as port, mailer(port, tmp_path) as sender:
        outcomes = [sender.send(message(to, f"Programme for {to}"), to) for to in people]
    assert outcomes == ["sent"] * 3
    assert handler.recipients() == people
    assert len(handler.peers) == 1  # one connection reused for all three
    for to, (_, received) in zip(people, handler.messages, strict=True):
        assert received["Subject"] == f"Programme for {to}"
        assert received["To"] == to
        assert received.get_content_type() == "multipart/mixed"
        assert received.get_body(("plain",)).get_content().startswith("Hi,")
        assert "<p>Hi" in received.get_body(("html",)).get_content()
        (attachment,) = list(received.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == "knee.pdf"
        assert attachment.get_content().startswith(b"%PDF")
    assert [line[:2] for line in log_lines(tmp_path)] == [[to, to] for to in people]
    assert all(line[2].startswith("<") for line in log_lines(tmp_path))


def test_rejected_recipient_is_permanent_and_the_others_arrive(tmp_path: Path) -> None:
    handler = Collector(reject=("bad@example.org",))
    fake = FakeTime()
    results = {}
    with smtp_server(handler) as port, mailer(port, tmp_path, fake) as sender:
        for to in ["ann@example.org", "bad@example.org", "cat@example.org"]:
            try:
                results[to] = sender.send(message(to), to)
            except PermanentSendError as exc:
                results[to] = str(exc)
    assert results["ann@example.org"] == results["cat@example.org"] == "sent"
    assert "bad@example.org" in results["bad@example.org"]
    assert "550" in results["bad@example.org"]
    assert handler.recipients() == ["ann@example.org", "cat@example.org"]
    assert fake.sleeps == []  # no retries for a permanent error
    assert len(handler.peers) == 1  # and the connection was kept
    assert [line[0] for line in log_lines(tmp_path)] == ["ann@example.org", "cat@example.org"]


def test_a_recipient_refused_while_others_arrive_is_a_failure(tmp_path: Path) -> None:
    # smtplib raises only when every recipient is refused; otherwise it returns the refused.
    handler = Collector(reject=("bad@example.org",))
    msg = message("ann@example.org")
    msg.replace_header("To", "ann@example.org, bad@example.org")  # build_message refuses this
    with smtp_server(handler) as port, mailer(port, tmp_path) as sender:
        with pytest.raises(PermanentSendError) as caught:
            sender.send(msg, "row-1")
        assert sender.send(msg, "row-1") == "skipped"  # Ann has it: never send it twice
    assert caught.value.format_message() == (
        "bad@example.org: rejected by the mail server: 550 5.1.1 No such user here"
    )
    assert handler.recipients() == ["ann@example.org"]
    assert [line[0] for line in log_lines(tmp_path)] == ["row-1"]


def test_421_mid_batch_is_retried_on_a_new_connection(tmp_path: Path) -> None:
    handler = Collector()
    fake = FakeTime()
    with smtp_server(handler) as port, mailer(port, tmp_path, fake) as sender:
        sender.send(message("ann@example.org"), "ann")
        handler.data_fail_times = 1
        sender.send(message("ben@example.org"), "ben")
        sender.send(message("cat@example.org"), "cat")
    assert handler.recipients() == ["ann@example.org", "ben@example.org", "cat@example.org"]
    assert fake.sleeps == [0.01]
    assert len(handler.peers) == 2  # reconnected once after the 421


def test_a_drop_after_the_message_is_handed_over_is_never_retried(tmp_path: Path) -> None:
    handler = Collector(drop_once=True)  # the server closes the connection instead of answering
    fake = FakeTime()
    with smtp_server(handler) as port, mailer(port, tmp_path, fake) as sender:
        with pytest.raises(mail_failures.MaybeSentError, match="maybe sent: the connection broke"):
            sender.send(message("ann@example.org"), "ann")
        assert sender.maybe_sent("ann") and not sender.already_sent("ann")
        assert sender.send(message("ann@example.org"), "ann") == "maybe sent"  # not blindly
        assert sender.send(message("ben@example.org"), "ben") == "sent"  # a new connection
    assert handler.data_commands == 2  # Ann's message was handed over once only
    assert fake.sleeps == []
    with smtp_server(handler) as port, mailer(port, tmp_path) as later:
        assert later.send(message("ann@example.org"), "ann") == "maybe sent"
        assert later.send(message("ann@example.org"), "ann", resend=True) == "sent"  # on purpose
    assert handler.recipients() == ["ben@example.org", "ann@example.org"]


def test_deferred_recipient_is_retried(tmp_path: Path) -> None:
    handler = Collector(defer_rcpt_once=("ann@example.org",))
    fake = FakeTime()
    with smtp_server(handler) as port, mailer(port, tmp_path, fake) as sender:
        assert sender.send(message("ann@example.org"), "ann") == "sent"
    assert handler.recipients() == ["ann@example.org"]
    assert fake.sleeps == [0.01]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("451 4.3.0 Local problem, try later", SendError),  # this message: the batch goes on
        ("421 4.3.2 Service shutting down", MailServerError),  # the server: stop the batch
    ],
)
def test_gives_up_after_three_retries_with_exponential_backoff(
    tmp_path: Path, reply: str, error: type[Exception]
) -> None:
    handler = Collector(data_fail_times=99, data_reply=reply)
    fake = FakeTime()
    with smtp_server(handler) as port, mailer(port, tmp_path, fake) as sender:
        with pytest.raises(error, match="not delivered after 4 attempts") as caught:
            sender.send(message("ann@example.org"), "ann")
        assert reply[:3] in str(caught.value)
        assert not sender.already_sent("ann") and not sender.maybe_sent("ann")
    assert handler.data_commands == 4
    assert fake.sleeps == [0.01, 0.02, 0.04]
    lines = (tmp_path / "sent.log").read_text().splitlines()
    assert [line.rsplit("\t", 1)[1] for line in lines] == ["attempt", "not sent"]


def test_unreachable_server_is_a_server_error(tmp_path: Path) -> None:
    fake = FakeTime()
    sender = mailer(free_port(), tmp_path, fake)  # nothing listens there
    with pytest.raises(MailServerError, match="cannot use the mail server 127.0.0.1"):
        sender.send(message("ann@example.org"), "ann")
    assert fake.sleeps == [0.01, 0.02, 0.04]


@pytest.mark.parametrize(
    ("security", "problem"),
    [
        ("starttls", "STARTTLS extension not supported by server"),  # a plain server
        ("tls", "this port does not start with TLS; use security: starttls (usually port 587)"),
    ],
)
def test_a_tls_mismatch_fails_at_once_without_retries(security: str, problem: str) -> None:
    handler = Collector()
    fake = FakeTime()
    with smtp_server(handler) as port:
        tls_settings = SmtpSettings("127.0.0.1", port, security, None, None, SENDER, timeout=5)
        sender = Mailer(tls_settings, clock=fake.clock, sleep=fake.sleep, base_delay=0.01)
        with pytest.raises(MailServerError) as caught:
            sender.send(message("ann@example.org"), "ann")
    message_text = caught.value.format_message()
    assert message_text.startswith(f"cannot use the mail server 127.0.0.1:{port}: ")
    assert problem in message_text and "\n" not in message_text
    assert fake.sleeps == []  # retrying would not help
    assert handler.messages == []


def test_resume_after_an_interrupted_batch_sends_each_message_once(tmp_path: Path) -> None:
    handler = Collector()
    batch = [
        ("row-1", "ann@example.org"),
        ("row-2", "ben@example.org"),
        ("row-3", "cat@example.org"),
    ]

    class Interrupted(Exception):
        pass

    with smtp_server(handler) as port:
        with pytest.raises(Interrupted), mailer(port, tmp_path) as first_run:
            for number, (key, to) in enumerate(batch, start=1):
                first_run.send(message(to), key)
                if number == 2:
                    raise Interrupted  # Ctrl-C after two messages
        with mailer(port, tmp_path) as second_run:
            assert [second_run.already_sent(key) for key, _ in batch] == [True, True, False]
            outcomes = [second_run.send(message(to), key) for key, to in batch]
    assert outcomes == ["skipped", "skipped", "sent"]
    assert sorted(handler.recipients()) == [to for _, to in batch]  # each exactly once


def test_a_log_line_cut_short_by_a_crash_is_maybe_sent(tmp_path: Path) -> None:
    (tmp_path / "sent.log").write_text("row-1\tann@example.org\t<1@x>\nrow-2\tben@exa")
    handler = Collector()
    with smtp_server(handler) as port, mailer(port, tmp_path) as sender:
        assert sender.send(message("ann@example.org"), "row-1") == "skipped"  # an older log
        assert sender.send(message("ben@example.org"), "row-2") == "maybe sent"
        assert sender.send(message("cat@example.org"), "row-3") == "sent"
    assert handler.recipients() == ["cat@example.org"]
    assert [line[0] for line in log_lines(tmp_path)] == ["row-3"]


def test_rate_limit_spaces_messages(tmp_path: Path) -> None:
    handler = Collector()
    fake = FakeTime()
    with smtp_server(handler) as port, mailer(port, tmp_path, fake, rate=30) as sender:
        for to in ["ann@example.org", "ben@example.org", "cat@example.org"]:
            sender.send(message(to), to)
    assert fake.sleeps == [2.0, 2.0]  # 30 a minute: one every 2 seconds
    assert len(handler.messages) == 3


def test_dry_run_writes_eml_files_and_logs_nothing(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    no_server = SmtpSettings("", 25, "none", None, None, SENDER)
    sender = Mailer(no_server, sent_log=tmp_path / "sent.log", dry_run_dir=outbox)
    assert sender.send(message("ann@example.org", "Knee programme"), "row-1") == "written"
    parsed = email.message_from_bytes((outbox / "row-1.eml").read_bytes(), policy=policy.default)
    assert parsed["To"] == "ann@example.org"
    assert parsed["Subject"] == "Knee programme"
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_content().startswith(b"%PDF")
    assert not (tmp_path / "sent.log").exists()
    assert sorted(p.name for p in outbox.iterdir()) == ["row-1.eml"]  # no .part left


def test_keys_must_be_safe_file_names(tmp_path: Path) -> None:
    sender = Mailer(settings(25), dry_run_dir=tmp_path)
    with pytest.raises(HandoutsError, match="message key"):
        sender.send(message("ann@example.org"), "../escape")


# --- messages --------------------------------------------------------------------------------


def test_build_message_structure() -> None:
    msg = message("Ann Example <ann@example.org>")
    assert msg.get_content_type() == "multipart/mixed"
    body, attachment = msg.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in body.get_payload()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "application/pdf"
    assert msg["Message-ID"].endswith("@riverside.example>")


@pytest.mark.parametrize(
    "to",
    [
        "not-an-address",
        "ann@example.org\nBcc: eve@example.org",
        "",
        # The header parser reads these as the empty recipient <>.
        "cat@example.org.",
        "dan@example..org",
        "Cat <cat@example.org.>",
        ".ann@example.org",
        "ann.@example.org",
    ],
)
def test_build_message_rejects_bad_addresses(to: str) -> None:
    with pytest.raises(HandoutsError, match="recipient"):
        message(to)


@pytest.mark.parametrize(
    "to",
    [
        "ann@example.org; ben@example.org",
        "ann@example.org, ben@example.org",
        "ann@example.org,ben",
        "<ann@example.org> <ben@example.org>",
    ],
)
def test_one_recipient_only(to: str) -> None:
    with pytest.raises(HandoutsError) as caught:
        message(to)
    assert caught.value.format_message() == (
        f"recipient: {to!r} is more than one address; give exactly one"
    )


@pytest.mark.parametrize("to", ['"Lee, Sam" <sam@example.org>', "Sam Lee <sam@example.org>"])
def test_a_display_name_is_still_one_recipient(to: str) -> None:
    assert message(to)["To"] == to


def test_the_server_gets_the_bare_address_of_the_to_header(tmp_path: Path) -> None:
    handler = Collector()
    with smtp_server(handler) as port, mailer(port, tmp_path) as sender:
        assert sender.send(message("Ann Example <ann@example.org>"), "ann") == "sent"
        broken = message("ann@example.org")
        broken.replace_header("To", "ann@example.org.")  # as a bad address became <> before
        with pytest.raises(
            PermanentSendError, match="recipient: the To: header '<>' has no address"
        ):
            sender.send(broken, "ann2")
    assert handler.recipients() == ["ann@example.org"]
    assert [line[0] for line in log_lines(tmp_path)] == ["ann"]


# --- settings --------------------------------------------------------------------------------


def test_settings_from_config_with_env_overrides() -> None:
    config = {"host": "smtp.clinic.example", "user": "desk", "from": SENDER, "rate_per_minute": 20}
    env = {
        "HANDOUTS_SMTP_HOST": "relay.example",
        "HANDOUTS_SMTP_PORT": "2525",
        "HANDOUTS_SMTP_PASSWORD": "pw",
    }
    s = smtp_settings(config, env)
    assert (s.host, s.port, s.security, s.user, s.password) == (
        "relay.example",
        2525,
        "starttls",
        "desk",
        "pw",
    )
    assert (s.sender, s.rate_per_minute) == (SENDER, 20.0)
    assert "pw" not in repr(s)


def test_settings_from_env_only_and_default_ports() -> None:
    env = {
        "HANDOUTS_SMTP_HOST": "h",
        "HANDOUTS_SMTP_FROM": "a@b.example",
        "HANDOUTS_SMTP_SECURITY": "tls",
    }
    s = smtp_settings(None, env)
    assert (s.port, s.security, s.user, s.password) == (465, "tls", None, None)


def test_password_in_the_config_file_is_refused() -> None:
    with pytest.raises(HandoutsError, match="HANDOUTS_SMTP_PASSWORD"):
        smtp_settings({"host": "h", "from": SENDER, "password": "hunter2"}, {})


@pytest.mark.parametrize(
    ("config", "env", "message_part"),
    [
        ({"from": SENDER, "hots": "h"}, {}, "unknown smtp setting hots"),
        ({"from": SENDER, "port": "abc"}, {}, "smtp.port: must be a number"),
        (
            {"from": SENDER},
            {"HANDOUTS_SMTP_PORT": "99999"},
            "HANDOUTS_SMTP_PORT: 99999 is not a port",
        ),
        ({"from": SENDER, "security": "ssl"}, {}, "smtp.security: must be one of"),
        ({"from": SENDER, "rate_per_minute": 0}, {}, "must be a number above 0"),
        ({}, {}, "no sender address"),
        ({"from": "desk at clinic"}, {}, "is not an e-mail address"),
    ],
)
def test_bad_settings(config: dict, env: dict, message_part: str) -> None:
    with pytest.raises(HandoutsError, match=message_part):
        smtp_settings(config, env)


def test_sending_needs_a_host_and_the_password(tmp_path: Path) -> None:
    with pytest.raises(HandoutsError, match="no SMTP server"):
        Mailer(smtp_settings({"from": SENDER}, {}))
    with pytest.raises(HandoutsError, match="HANDOUTS_SMTP_PASSWORD is not set"):
        Mailer(smtp_settings({"from": SENDER, "host": "h", "user": "desk"}, {}))
    plain = {"from": SENDER, "host": "smtp.example", "user": "desk", "security": "none"}
    with pytest.raises(HandoutsError, match="unencrypted"):
        Mailer(smtp_settings(plain, {"HANDOUTS_SMTP_PASSWORD": "pw"}))
    # A dry run needs neither.
    Mailer(smtp_settings({"from": SENDER}, {}), dry_run_dir=tmp_path)


# --- templates -------------------------------------------------------------------------------


def context(name: str = "Ann Example") -> dict:
    brand = Brand(
        name="Riverside Physio", contact=["01234 567890"], website="https://riverside.example"
    )
    patient = Patient(name=name, clinician="Sam Lee", start=dt.date(2025, 3, 3))
    return message_context(brand, patient, "Knee strengthening", weeks=6, sessions="2–3")


def test_builtin_templates_render_a_friendly_message() -> None:
    subject, text, html = render_message([BUILTIN_TEMPLATES], context())
    assert subject == "Your exercise programme from Riverside Physio: Knee strengthening"
    assert text.startswith("Hi Ann,")  # the first name
    assert "6 weeks, 2–3 sessions a week, starting Monday 3 March 2025" in text
    assert "Riverside Physio" in text and "https://riverside.example" in text
    assert "<p>Hi Ann,</p>" in html


def test_html_is_escaped_and_text_is_not() -> None:
    _, text, html = render_message([BUILTIN_TEMPLATES], context("Ann<b>&</b> Lee"))
    assert "Hi Ann<b>&</b>," in text
    assert "Hi Ann&lt;b&gt;&amp;&lt;/b&gt;," in html


def test_clinic_override_folder_comes_first(tmp_path: Path) -> None:
    (tmp_path / "subject.txt.j2").write_text("{{ clinic.name }}\n news: {{ programme.title }}\n")
    subject, text, _ = render_message([tmp_path, BUILTIN_TEMPLATES], context())
    assert subject == "Riverside Physio news: Knee strengthening"  # one line
    assert text.startswith("Hi Ann,")  # the first name  # the built-in body still used


def test_a_clinic_text_body_alone_makes_a_plain_text_message(tmp_path: Path) -> None:
    # Mail programs show the HTML part: the built-in one would hide the clinic's text.
    (tmp_path / "body.txt.j2").write_text("Dear {{ patient.name }},\nBring this on Tuesday.\n")
    _, text, html = render_message([tmp_path, BUILTIN_TEMPLATES], context())
    assert (text, html) == ("Dear Ann Example,\nBring this on Tuesday.\n", "")
    msg = build_message(SENDER, "ann@example.org", "s", text, html, b"%PDF-", "a.pdf")
    assert [part.get_content_type() for part in msg.walk()] == [
        "multipart/mixed",
        "text/plain",
        "application/pdf",
    ]


def test_a_clinic_html_body_needs_its_text_body(tmp_path: Path) -> None:
    (tmp_path / "body.html.j2").write_text("<p>Dear {{ patient.name }}</p>\n")
    with pytest.raises(HandoutsError) as caught:
        render_message([tmp_path, BUILTIN_TEMPLATES], context())
    assert caught.value.format_message() == (
        f"{tmp_path / 'body.html.j2'}: add a body.txt.j2 beside it "
        "(every message has a plain-text part; the two bodies go together)"
    )


def test_undefined_variable_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "body.txt.j2").write_text("Hello\n{{ patient.nmae }}\n")
    with pytest.raises(HandoutsError, match=r"body\.txt\.j2:2: .*nmae"):
        render_message([tmp_path, BUILTIN_TEMPLATES], context())


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "body.txt.j2").write_text("Hi\n")
    (tmp_path / "body.html.j2").write_text("<p>\n\n{% if %}</p>\n")
    with pytest.raises(HandoutsError, match=r"body\.html\.j2:3: "):
        render_message([tmp_path, BUILTIN_TEMPLATES], context())


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    (tmp_path / "subject.txt.j2").write_text("{{ ''.__class__.__mro__ }}")
    with pytest.raises(HandoutsError, match=r"subject\.txt\.j2:1: .*unsafe"):
        render_message([tmp_path, BUILTIN_TEMPLATES], context())


def test_missing_template_is_named(tmp_path: Path) -> None:
    with pytest.raises(HandoutsError, match="subject.txt.j2 not found"):
        render_message(tmp_path, context())


def test_module_exports_the_error_hierarchy() -> None:
    assert issubclass(mail_failures.PermanentSendError, mail_failures.SendError)
    assert issubclass(mail_failures.SendError, HandoutsError)
    assert issubclass(mail_failures.MailServerError, HandoutsError)


def test_a_cut_line_ended_by_a_later_one_stays_maybe_sent(tmp_path: Path) -> None:
    (tmp_path / "sent.log").write_text("row-2\tben@exa")  # killed while recording the attempt
    handler = Collector()
    with smtp_server(handler) as port:
        with mailer(port, tmp_path) as sender:
            assert sender.send(message("cat@example.org"), "row-3") == "sent"
        with mailer(port, tmp_path) as later:  # reads the log with the cut line ended
            assert later.maybe_sent("row-2")
            assert later.send(message("ben@example.org"), "row-2") == "maybe sent"
    assert handler.recipients() == ["cat@example.org"]
