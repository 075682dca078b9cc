"""E-mail delivery: settings, message templates, and a resumable, rate-limited sender.

The password never lives in a file: only ``HANDOUTS_SMTP_PASSWORD`` supplies it.
A ``sent.log`` (see :mod:`handouts.deliver.sent_log`) records each attempt before the
message goes out, so a message is sent at most once: one whose fate is unknown
(the connection broke after it was handed over) is "maybe sent", and goes again
only when asked (``resend``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.errors
import email.utils
import ipaddress
import math
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from handouts.content.templating import render_template
from handouts.deliver.files import write_atomic
from handouts.deliver.sent_log import Fate, SentLog
from handouts.errors import HandoutsError

if TYPE_CHECKING:
    from handouts.content.models import Brand, Patient

Security = Literal["starttls", "tls", "none"]
Outcome = Literal["sent", "skipped", "written", "maybe sent"]

SECURITY_MODES: tuple[Security, ...] = ("starttls", "tls", "none")
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
CONFIG_KEYS = ("host", "port", "security", "user", "from", "rate_per_minute", "timeout")
ENV_KEYS = {
    "host": "HANDOUTS_SMTP_HOST",
    "port": "HANDOUTS_SMTP_PORT",
    "security": "HANDOUTS_SMTP_SECURITY",
    "user": "HANDOUTS_SMTP_USER",
    "from": "HANDOUTS_SMTP_FROM",
}
PASSWORD_ENV = "HANDOUTS_SMTP_PASSWORD"
TEMPLATE_NAMES = ("subject.txt.j2", "body.txt.j2", "body.html.j2")


class SendError(HandoutsError):
    """This message was not delivered; the rest of a batch may still go out."""


class PermanentSendError(SendError):
    """The server refused this message or recipient for good (a 5xx reply)."""


class MailServerError(HandoutsError):
    """The server cannot be used at all (unreachable, login or TLS failed): stop the batch."""


class SentLogError(MailServerError):
    """sent.log cannot record an attempt: nothing is sent (it could not be known as sent)."""


class MaybeSentError(SendError):
    """The message was handed over, but the server's answer never came: it may have arrived."""


MAYBE_SENT_ADVICE = "check with the patient (or the server's sent mail) before --resend"


# --- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    user: str | None
    password: str | None = field(repr=False)  # never in a log line or traceback
    sender: str  # the From address, e.g. "Riverside Physio <desk@riverside.example>"
    rate_per_minute: float | None = None
    timeout: float = 30.0

    def check_can_send(self) -> None:
        """Raise if a real send would fail before reaching the server (dry runs skip this)."""
        if not self.host:
            raise HandoutsError(
                f"no SMTP server: set smtp.host in handouts.yaml or {ENV_KEYS['host']}"
            )
        if self.user and not self.password:
            raise HandoutsError(f"{PASSWORD_ENV} is not set (needed to log in as {self.user})")
        if self.user and self.security == "none" and not _is_loopback(self.host):
            raise HandoutsError(
                "smtp.security is 'none': the password would cross the network unencrypted; "
                "use 'starttls' or 'tls'"
            )


def smtp_settings(config: Mapping[str, Any] | None, env: Mapping[str, str]) -> SmtpSettings:
    """Settings from the ``smtp:`` mapping of handouts.yaml, overridden by ``HANDOUTS_SMTP_*``."""
    config = {} if config is None else config
    if not isinstance(config, Mapping):
        raise HandoutsError("smtp: must be a mapping of settings in handouts.yaml")
    if "password" in config:
        raise HandoutsError(
            "smtp.password must not be stored in handouts.yaml; "
            f"set the {PASSWORD_ENV} environment variable instead"
        )
    unknown = sorted(str(key) for key in set(config) - set(CONFIG_KEYS))
    if unknown:
        raise HandoutsError(
            f"unknown smtp setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"in handouts.yaml (known: {', '.join(CONFIG_KEYS)})"
        )
    raw: dict[str, tuple[str, Any]] = {key: (f"smtp.{key}", value) for key, value in config.items()}
    for key, var in ENV_KEYS.items():
        if env.get(var, "").strip():
            raw[key] = (var, env[var].strip())
    return _parse_settings(raw, env.get(PASSWORD_ENV) or None)


def _parse_settings(raw: dict[str, tuple[str, Any]], password: str | None) -> SmtpSettings:
    security = _text(raw, "security") or "starttls"
    if security not in SECURITY_MODES:
        where = raw["security"][0]
        raise HandoutsError(
            f"{where}: must be one of {', '.join(SECURITY_MODES)}, not {security!r}"
        )
    sender = _text(raw, "from")
    if not sender:
        raise HandoutsError(
            f"no sender address: set smtp.from in handouts.yaml or {ENV_KEYS['from']}"
        )
    check_address(sender, raw["from"][0])
    port = _number(raw, "port", int, DEFAULT_PORTS[security])
    if not 0 < port < 65536:
        raise HandoutsError(f"{raw['port'][0]}: {port} is not a port number")
    return SmtpSettings(
        host=_text(raw, "host"),
        port=port,
        security=security,  # type: ignore[arg-type] - checked above
        user=_text(raw, "user") or None,
        password=password,
        sender=sender,
        rate_per_minute=_number(raw, "rate_per_minute", float, None),
        timeout=_number(raw, "timeout", float, 30.0),
    )


def _text(raw: dict[str, tuple[str, Any]], key: str) -> str:
    if key not in raw or raw[key][1] is None:
        return ""
    where, value = raw[key]
    if not isinstance(value, str):
        raise HandoutsError(f"{where}: must be text, not {value!r}")
    return value.strip()


MAX_SETTING = 100_000  # seconds or messages a minute; .nan and 1e400 were tracebacks


def _number(raw: dict[str, tuple[str, Any]], key: str, kind: type, default: Any) -> Any:
    if key not in raw or raw[key][1] is None:
        return default
    where, value = raw[key]
    try:
        if isinstance(value, bool) or (kind is int and isinstance(value, float)):
            raise ValueError
        number = kind(value)
    except (TypeError, ValueError):
        raise HandoutsError(f"{where}: must be a number, not {value!r}") from None
    if not math.isfinite(number) or not 0 < number <= MAX_SETTING:
        raise HandoutsError(f"{where}: must be a number above 0 and up to {MAX_SETTING:,}")
    return number


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- templates -----------------------------------------------------------------------------


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


# --- messages ------------------------------------------------------------------------------


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
    if "\n" in address or "\r" in address or not _ADDRESS.fullmatch(addr):
        raise HandoutsError(f"{what}: {address!r} is not an e-mail address")
    if _header_addresses(address) != [addr]:
        raise HandoutsError(f"{what}: {address!r} is not an e-mail address")
    return addr


_ADDRESS = re.compile(r"[^@\s.]+(?:\.[^@\s.]+)*@[^@\s.]+(?:\.[^@\s.]+)+")  # no "..", no end dot


def _header_addresses(value: str) -> list[str]:
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


# --- sending -------------------------------------------------------------------------------

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
                f"{address}: rejected by the mail server: {code} {_reply_text(reply)}"
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
        message = f"cannot use the mail server {self._where()}: {_describe(exc)}"
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
                if not _transient(exc) or attempt == self.retries:
                    raise self._server_error(exc) from exc
                continue
            try:
                return smtp.send_message(msg, to_addrs=recipients)
            except (smtplib.SMTPException, OSError) as exc:
                if self._awaiting_reply():
                    self._drop()
                    raise MaybeSentError(
                        f"{to}: maybe sent: the connection broke after the message was handed "
                        f"over ({_describe(exc)}); {MAYBE_SENT_ADVICE}"
                    ) from exc
                self._fail(exc, to, last=attempt == self.retries)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _fail(self, exc: BaseException, to: str, last: bool) -> None:
        """Raise for errors a retry cannot fix; otherwise drop the connection for a retry."""
        if _refuses_sender(exc):
            self._drop()
            raise MailServerError(f"the mail server refused the sender: {_describe(exc)}") from exc
        if not _transient(exc):
            # smtplib has reset the session (RSET); the connection stays usable.
            raise PermanentSendError(
                f"{to}: rejected by the mail server: {_describe(exc)}"
            ) from exc
        self._drop()  # after a 421 or a drop the session is gone; reconnect next time
        if last:
            error = MailServerError if _connection_level(exc) else SendError
            raise error(
                f"{to}: not delivered after {self.retries + 1} attempts: {_describe(exc)}"
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
    addresses = _header_addresses(str(msg["To"]))
    if not addresses or not all(_ADDRESS.fullmatch(a) for a in addresses):
        raise PermanentSendError(f"recipient: the To: header {str(msg['To'])!r} has no address")
    return addresses


def _transient(exc: BaseException) -> bool:
    """Worth retrying: 4xx replies, dropped connections, network errors (not certificate errors).

    Order matters: every smtplib exception is also an OSError.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == -1 or 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if _wrong_protocol(exc):
        return False
    if isinstance(exc, (smtplib.SMTPException, ssl.SSLCertVerificationError)):
        return False  # e.g. STARTTLS not offered, a certificate that does not match
    return isinstance(exc, OSError)


def _wrong_protocol(exc: BaseException) -> bool:
    """TLS to a port that speaks plain SMTP (25, 587): the reply is not TLS, and never will be."""
    return isinstance(exc, ssl.SSLError) and exc.reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST")


def _refuses_sender(exc: BaseException) -> bool:
    """A 5xx to MAIL FROM or AUTH fails every message alike; 552 (too large) is this one's own."""
    return (
        isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused))
        and exc.smtp_code >= 500
        and exc.smtp_code != 552
    )


def _connection_level(exc: BaseException) -> bool:
    """The server or the network failed, not this one message (421 = "closing the channel")."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


SETTINGS_HINT = "smtp: in handouts.yaml or HANDOUTS_SMTP_*"


def connection_advice(exc: BaseException, settings: SmtpSettings) -> str:
    """What to change when connecting or logging in failed; "" when there is nothing to say.

    ``security: none`` is suggested only for a server on this machine (a local relay):
    anywhere else it would send the messages, and any password, unencrypted.
    """
    import socket

    text = str(exc).lower()
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "starttls" in text:
        if _is_loopback(settings.host):
            return (
                "the server does not offer STARTTLS; for a relay on this machine, "
                f"set security: none ({SETTINGS_HINT})"
            )
        return (
            "the server does not offer STARTTLS; use security: tls with port 465, or the "
            "server and port your mail provider gives for sending"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "auth" in text:
        return "this server takes no login: remove smtp.user (HANDOUTS_SMTP_USER)"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            "check smtp.user and HANDOUTS_SMTP_PASSWORD "
            "(many providers want an app password here, not the account's own)"
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "give smtp.host as the name on the server's certificate (not an IP address)"
    if isinstance(exc, socket.gaierror):
        return "no such host: check smtp.host"
    if isinstance(exc, ConnectionRefusedError):
        return (
            "nothing answers there: check smtp.host and smtp.port "
            "(starttls: usually 587; tls: 465; none: 25)"
        )
    if isinstance(exc, TimeoutError):
        return (
            f"no answer in {settings.timeout:g} s: check smtp.host and smtp.port, "
            "or whether a firewall blocks that port"
        )
    return ""


def _describe(exc: BaseException) -> str:
    if _wrong_protocol(exc):
        return (
            "this port does not start with TLS; "
            "use security: starttls (usually port 587), or port 465 with tls"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        return f"{code} {_reply_text(reply)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
    return str(exc).rstrip(".") or type(exc).__name__


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
