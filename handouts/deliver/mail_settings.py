"""SMTP settings: the ``smtp:`` mapping of handouts.yaml and ``HANDOUTS_SMTP_*``, checked.

The password never lives in a file: only ``HANDOUTS_SMTP_PASSWORD`` supplies it.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from handouts.deliver.mail_message import check_address
from handouts.errors import HandoutsError

Security = Literal["starttls", "tls", "none"]

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
        if self.user and self.security == "none" and not is_loopback(self.host):
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


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
