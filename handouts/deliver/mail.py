"""Sending e-mail: one reused SMTP connection, with retries, pacing and a sent log.

A ``sent.log`` (see :mod:`handouts.deliver.sent_log`) records each attempt before the
message goes out, so a message is sent at most once: one whose fate is unknown
(the connection broke after it was handed over) is "maybe sent", and goes again
only when asked (``resend``). Settings are in :mod:`handouts.deliver.mail_settings`,
the message in :mod:`handouts.deliver.mail_message`, and what a failure means in
:mod:`handouts.deliver.mail_failures`.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from handouts.deliver.files import write_atomic
from handouts.deliver.mail_failures import (
    MAYBE_SENT_ADVICE,
    MailServerError,
    MaybeSentError,
    PermanentSendError,
    SendError,
    SentLogError,
    connection_advice,
    connection_level,
    describe,
    refuses_sender,
    reply_text,
    transient,
)
from handouts.deliver.mail_message import ADDRESS, header_addresses
from handouts.deliver.sent_log import Fate, SentLog
from handouts.errors import HandoutsError

if TYPE_CHECKING:
    from handouts.deliver.mail_settings import SmtpSettings

Outcome = Literal["sent", "skipped", "written", "maybe sent"]

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}")


class Mailer:
    """Sends messages over one reused SMTP connection, with retries, pacing and a sent log.

    ``dry_run_dir`` writes ``<key>.eml`` files instead of sending and logs nothing.
    ``clock`` and ``sleep`` are injectable so tests need not wait.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        sent_log: Path | None = None,
        dry_run_dir: Path | None = None,
        retries: int = 3,
        base_delay: float = 1.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if dry_run_dir is None:
            settings.check_can_send()
        self.settings = settings
        self.sent_log = sent_log
        self.dry_run_dir = dry_run_dir
        self.retries = retries
        self.base_delay = base_delay
        # Looked up at call time so a test can stand in for the module's clock.
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._smtp: smtplib.SMTP | None = None
        self._last_start: float | None = None
        self.log = SentLog(sent_log)

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def already_sent(self, key: str) -> bool:
        return self.log.fate(key) is Fate.SENT

    def maybe_sent(self, key: str) -> bool:
        """An earlier attempt was never answered: the message may have arrived."""
        return self.log.fate(key) is Fate.MAYBE_SENT

    def send(self, msg: EmailMessage, key: str, *, resend: bool = False) -> Outcome:
        """Deliver ``msg`` at most once: never when sent.log has it as sent, nor as maybe
        sent unless ``resend``; the attempt is recorded (fsynced) before it goes out.

        Raises :class:`SentLogError` (nothing sent) when the attempt cannot be recorded,
        and :class:`MaybeSentError` (never retried) when the connection breaks after the
        message was handed over.
        """
        if not _KEY.fullmatch(key):
            raise HandoutsError(f"message key {key!r}: use letters, digits and . _ @ + - only")
        fate = self.log.fate(key)
        if fate is Fate.SENT:
            return "skipped"
        if fate is Fate.MAYBE_SENT and not resend:
            return "maybe sent"
        if self.dry_run_dir is not None:
            self.dry_run_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self.dry_run_dir / f"{key}.eml", bytes(msg), follow_symlinks=False)
            return "written"
        recipients = _recipients(msg)
        line = (key, " ".join(str(msg["To"]).split()), str(msg["Message-ID"] or ""))
        self._pace()
        try:
            self.log.record(*line, Fate.MAYBE_SENT)
        except OSError as exc:
            raise SentLogError(
                f"cannot record the message in {self.log.path} before sending it "
                f"({_os_reason(exc)}); nothing more is sent"
            ) from None
        try:
            refused = self._deliver(msg, recipients)
        except MaybeSentError:
            raise  # the attempt line stays: maybe sent
        except BaseException:
            if not self._awaiting_reply():
                self._note(line, Fate.NOT_SENT)  # it never left, or the server said no
            raise
        self._note(line, Fate.SENT)  # it reached someone: sending it again would be a duplicate
        if refused:
            address, (code, reply) = next(iter(refused.items()))
            raise PermanentSendError(
                f"{address}: rejected by the mail server: {code} {reply_text(reply)}"
            )
        return "sent"

    def check(self) -> str:
        """Connect and log in as a real send would, and send nothing; says what was done.

        Raises ``MailServerError`` with what to change (no retries: a setting is wrong,
        or the server is down, and either way the user should know now).
        """
        try:
            self._connection()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise self._server_error(exc) from exc
        s = self.settings
        login = f", logged in as {s.user}" if s.user else " (no login)"
        return f"connected to {self._where()} ({s.security}){login}"

    def _server_error(self, exc: BaseException) -> MailServerError:
        """The one line a failed connection or login gets: what failed, and what to change."""
        advice = connection_advice(exc, self.settings)
        message = f"cannot use the mail server {self._where()}: {describe(exc)}"
        return MailServerError(f"{message}; {advice}" if advice else message)

    def _note(self, line: tuple[str, str, str], fate: Fate) -> None:
        """Record what the server said; if the log fails now, the attempt line stays."""
        with contextlib.suppress(OSError):  # "maybe sent" next run: safe; the next attempt fails
            self.log.record(*line, fate)

    def _awaiting_reply(self) -> bool:
        return bool(getattr(self._smtp, "awaiting_reply", False))

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    # -- delivery with retries

    def _deliver(self, msg: EmailMessage, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
        """Send ``msg``; returns the recipients the server refused while accepting others.

        Retries only what surely did not arrive: a failure before the message was
        handed over, or the server's own "not now" (4xx) to it.
        """
        to = str(msg["To"])
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.base_delay * 2 ** (attempt - 1))
            try:
                smtp = self._connection()
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                if not transient(exc) or attempt == self.retries:
                    raise self._server_error(exc) from exc
                continue
            try:
                return smtp.send_message(msg, to_addrs=recipients)
            except (smtplib.SMTPException, OSError) as exc:
                if self._awaiting_reply():
                    self._drop()
                    raise MaybeSentError(
                        f"{to}: maybe sent: the connection broke after the message was handed "
                        f"over ({describe(exc)}); {MAYBE_SENT_ADVICE}"
                    ) from exc
                self._fail(exc, to, last=attempt == self.retries)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _fail(self, exc: BaseException, to: str, last: bool) -> None:
        """Raise for errors a retry cannot fix; otherwise drop the connection for a retry."""
        if refuses_sender(exc):
            self._drop()
            raise MailServerError(f"the mail server refused the sender: {describe(exc)}") from exc
        if not transient(exc):
            # smtplib has reset the session (RSET); the connection stays usable.
            raise PermanentSendError(f"{to}: rejected by the mail server: {describe(exc)}") from exc
        self._drop()  # after a 421 or a drop the session is gone; reconnect next time
        if last:
            error = MailServerError if connection_level(exc) else SendError
            raise error(
                f"{to}: not delivered after {self.retries + 1} attempts: {describe(exc)}"
            ) from exc

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = _TrackedSMTPSSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = _TrackedSMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.starttls(context=context)
            if s.user and s.password:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()  # no QUIT: the connection is already broken
            self._smtp = None

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    # -- pacing and the sent log

    def _pace(self) -> None:
        """At most ``rate_per_minute`` messages: space message starts 60/rate seconds apart."""
        rate = self.settings.rate_per_minute
        now = self._clock()
        if rate and self._last_start is not None:
            wait = self._last_start + 60.0 / rate - now
            if wait > 0:
                self._sleep(wait)
                now = self._clock()
        self._last_start = now


class _ReplyTracking:
    """Knows when a message has been handed to the server and its answer has not come.

    Until ``DATA`` the message has not left; once the server answers it, its fate is
    known (250: delivered; 4xx/5xx: not). In between, a broken connection leaves it
    unknown, and a retry could deliver it twice.
    """

    awaiting_reply = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.awaiting_reply = True
        try:
            reply = super().data(msg)  # type: ignore[misc]
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code != -1:  # the server answered: not delivered
                self.awaiting_reply = False
            raise
        self.awaiting_reply = False
        return reply


class _TrackedSMTP(_ReplyTracking, smtplib.SMTP):
    pass


class _TrackedSMTPSSL(_ReplyTracking, smtplib.SMTP_SSL):
    pass


def _os_reason(error: OSError) -> str:
    return (error.strerror or str(error) or type(error).__name__).lower()


def _recipients(msg: EmailMessage) -> list[str]:
    """The bare addresses in To:, for the SMTP envelope; never the empty ``<>``.

    ``email`` turns a malformed address (``a@b.c.``) into ``<>``, which smtplib would
    send as the recipient; :func:`check_address` refuses those, and so does this.
    """
    addresses = header_addresses(str(msg["To"]))
    if not addresses or not all(ADDRESS.fullmatch(a) for a in addresses):
        raise PermanentSendError(f"recipient: the To: header {str(msg['To'])!r} has no address")
    return addresses
