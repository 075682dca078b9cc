"""At most once: a batch's e-mail never goes twice, and a message whose fate is unknown
is reported as "maybe sent", never retried blindly (issue "Hardening", item 4).

Against a real SMTP server on loopback (aiosmtpd), through ``handouts batch``.
"""

from __future__ import annotations

import email
import errno
from email import policy

import pytest
from test_cli_batch import FAST, batch, report, roster, smtp_server

from handouts.deliver import mail

ROSTER = f"patient,email,programme\nAnn,ann@example.org,{FAST}\nBen,ben@example.org,{FAST}\n"


class Server:
    """Keeps each accepted message; can break the connection after taking one in."""

    def __init__(self, break_after_data_for: tuple[str, ...] = ()) -> None:
        self.break_for = set(break_after_data_for)
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received += envelope.rcpt_tos
        assert message.get_body(("plain",)) is not None
        if self.break_for & set(envelope.rcpt_tos):
            self.break_for -= set(envelope.rcpt_tos)
            server.transport.close()  # delivered, but the answer never reaches the sender
        return "250 Message accepted"


def test_a_message_whose_answer_never_came_is_maybe_sent_until_resend(tmp_path) -> None:  # noqa: ANN001
    out, path = tmp_path / "out", roster(tmp_path, ROSTER)
    server = Server(break_after_data_for=("ann@example.org",))
    with smtp_server(server) as env:
        first = batch(path, out, "--jobs", "1", "--email", env=env)
        assert first.exit_code == 1
        assert "e-mail: 1 sent, 1 maybe sent, 0 failed" in first.stdout
        ((row, patient, reason),) = [tuple(r.values()) for r in report(out)]
        assert (row, patient) == ("2", "Ann")
        assert reason.startswith("ann@example.org: maybe sent: the connection broke")
        assert reason.endswith("before --resend")

        again = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)
        assert again.exit_code == 1
        assert "e-mail: 0 sent, 1 already sent, 1 maybe sent, 0 failed" in again.stdout
        assert report(out)[0]["reason"].startswith("e-mail maybe sent: an earlier run handed")
        assert server.received == ["ann@example.org", "ben@example.org"]  # never retried

        resent = batch(path, out, "--jobs", "1", "--email", "--resume", "--resend", env=env)
    assert resent.exit_code == 0, resent.output
    assert "e-mail: 1 sent, 1 already sent, 0 failed" in resent.stdout
    assert server.received == ["ann@example.org", "ben@example.org", "ann@example.org"]


def test_nothing_is_sent_when_the_attempt_cannot_be_recorded(
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    out, path = tmp_path / "out", roster(tmp_path, ROSTER)
    server = Server()

    def disk_full(path, line) -> None:  # noqa: ANN001
        raise OSError(errno.ENOSPC, "No space left on device")

    with smtp_server(server) as env:
        with monkeypatch.context() as patch:
            patch.setattr(mail.SentLog, "record", lambda *args: disk_full(*args[:2]))
            result = batch(path, out, "--jobs", "1", "--email", env=env)
        assert server.received == []  # not one message went out unrecorded
        assert result.exit_code == 1
        assert "error: e-mail stopped: cannot record the message in" in result.stderr
        assert "(no space left on device); nothing more is sent" in result.stderr
        assert [r["row"] for r in report(out)] == ["2", "3"]
        later = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)  # disk freed
    assert later.exit_code == 0, later.output
    assert sorted(server.received) == ["ann@example.org", "ben@example.org"]


def test_a_sent_message_whose_record_failed_is_never_sent_again(
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    out, path = tmp_path / "out", roster(tmp_path, "patient,email,programme\n"
                                         f"Ann,ann@example.org,{FAST}\n")  # fmt: skip
    server = Server()
    real = mail.SentLog.record

    def full_after_attempt(self, key, to, message_id, fate) -> None:  # noqa: ANN001
        if fate is not mail.Fate.MAYBE_SENT:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, key, to, message_id, fate)

    with smtp_server(server) as env:
        with monkeypatch.context() as patch:
            patch.setattr(mail.SentLog, "record", full_after_attempt)
            first = batch(path, out, "--jobs", "1", "--email", env=env)
        assert first.exit_code == 0, first.output  # the server accepted it: it was sent
        again = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)
    assert server.received == ["ann@example.org"]
    assert again.exit_code == 1
    assert "maybe sent" in report(out)[0]["reason"]


def test_a_planted_sent_log_link_is_never_written_through(tmp_path) -> None:  # noqa: ANN001
    out, path = tmp_path / "out", roster(tmp_path, ROSTER)
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / "sent.log").symlink_to(victim)
    with smtp_server(Server()) as env:
        result = batch(path, out, "--jobs", "1", "--email", env=env)
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "keep"
    assert not (out / "sent.log").is_symlink()


def test_resend_works_with_email_only(tmp_path) -> None:  # noqa: ANN001
    result = batch(roster(tmp_path, ROSTER), tmp_path / "out", "--resend")
    assert result.exit_code == 2
    assert "--resend works with --email" in result.output
