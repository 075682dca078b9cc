"""What a failed send means: the error classes, whether to retry, and what to change."""

from __future__ import annotations

import smtplib
import ssl
from typing import TYPE_CHECKING

from handouts.deliver.mail_settings import is_loopback
from handouts.errors import HandoutsError

if TYPE_CHECKING:
    from handouts.deliver.mail_settings import SmtpSettings


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


def transient(exc: BaseException) -> bool:
    """Worth retrying: 4xx replies, dropped connections, network errors (not certificate errors).

    Order matters: every smtplib exception is also an OSError.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == -1 or 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if wrong_protocol(exc):
        return False
    if isinstance(exc, (smtplib.SMTPException, ssl.SSLCertVerificationError)):
        return False  # e.g. STARTTLS not offered, a certificate that does not match
    return isinstance(exc, OSError)


def wrong_protocol(exc: BaseException) -> bool:
    """TLS to a port that speaks plain SMTP (25, 587): the reply is not TLS, and never will be."""
    return isinstance(exc, ssl.SSLError) and exc.reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST")


def refuses_sender(exc: BaseException) -> bool:
    """A 5xx to MAIL FROM or AUTH fails every message alike; 552 (too large) is this one's own."""
    return (
        isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused))
        and exc.smtp_code >= 500
        and exc.smtp_code != 552
    )


def connection_level(exc: BaseException) -> bool:
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
        if is_loopback(settings.host):
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


def describe(exc: BaseException) -> str:
    if wrong_protocol(exc):
        return (
            "this port does not start with TLS; "
            "use security: starttls (usually port 587), or port 465 with tls"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        return f"{code} {reply_text(reply)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {reply_text(exc.smtp_error)}"
    return str(exc).rstrip(".") or type(exc).__name__


def reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
