"""``sent.log``: what became of each message, written down before it goes out.

The guarantee: **a message is sent at most once**, unless you ask again with ``--resend``.

* Before a message is handed to the server, an ``attempt`` line is added and fsynced.
  If that line cannot be stored (a full disk), the message is not sent.
* When the server accepts it, a ``sent`` line follows; when the server clearly
  refuses it (or it never left: no connection, a refused recipient), a ``not sent``
  line, and it may be tried again in a later run.
* A message whose ``attempt`` has no answer (the connection broke after the message
  was handed over, the batch was killed, the ``sent`` line could not be written) is
  **maybe sent**: it is never sent again on its own. Check with the patient, or the
  server's sent folder, and send it with ``--resend`` if it did not arrive.

Lines are ``<key>\\t<to>\\t<message-id>\\t<state>``; logs of earlier versions have
no state and recorded only delivered messages. A last line cut short by a crash
counts as an attempt.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from handouts.deliver.files import append_line


class Fate(Enum):
    """What the log knows of a message."""

    SENT = "sent"
    MAYBE_SENT = "attempt"  # handed over (or about to be), no answer recorded
    NOT_SENT = "not sent"


class SentLog:
    """The fates of the messages of one output folder; ``path`` None keeps them in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fates: dict[str, Fate] = _read(path)

    def fate(self, key: str) -> Fate:
        return self._fates.get(key, Fate.NOT_SENT)

    def record(self, key: str, to: str, message_id: str, fate: Fate) -> None:
        """Write the line durably (fsynced); raises ``OSError`` when it cannot be stored."""
        self._fates[key] = fate
        if self.path is not None:
            append_line(self.path, f"{key}\t{to}\t{message_id}\t{fate.value}\n")


def _read(path: Path | None) -> dict[str, Fate]:
    if path is None:
        return {}
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return {}
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    cut = lines.pop()  # "" after a final newline; otherwise a line a crash cut short
    fates: dict[str, Fate] = {}
    for line in lines:
        fields = line.split("\t")
        if not fields[0].strip():
            continue
        fates[fields[0]] = _fate(fields)
    key = cut.split("\t", 1)[0]
    if key.strip() and fates.get(key) is not Fate.SENT:
        fates[key] = Fate.MAYBE_SENT
    return fates


def _fate(fields: list[str]) -> Fate:
    """A line's fate; one a crash cut short (and a later line ended) is maybe sent."""
    if len(fields) == 3 and (not fields[2] or fields[2].endswith(">")):
        return Fate.SENT  # earlier versions logged delivered messages only
    return _FATES.get(fields[3].strip(), Fate.MAYBE_SENT) if len(fields) == 4 else Fate.MAYBE_SENT


_FATES = {fate.value: fate for fate in Fate}
