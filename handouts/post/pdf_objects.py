"""PDF objects written by hand, one at a time: references, dictionaries, their bytes, encryption."""

from __future__ import annotations

import io
import secrets

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)


def inherited(page: DictionaryObject, key: str) -> PdfObject | None:
    """A page attribute, from the page or the nearest page-tree node above it (raw value)."""
    node: DictionaryObject | None = page
    for _ in range(64):  # a page tree is never this deep; a loop in a damaged file ends here
        if node is None:
            return None
        if key in node:
            return dict.__getitem__(node, key)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def reference(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)  # type: ignore[arg-type] - only written, never read


def fit(page: int) -> ArrayObject:
    return ArrayObject([reference(page), NameObject("/Fit")])


def dictionary(entries: dict[str, PdfObject]) -> DictionaryObject:
    return DictionaryObject({NameObject(k): v for k, v in entries.items()})


def serialised(obj: PdfObject) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def chunks(obj: PdfObject) -> list[bytes]:
    """``obj`` as PDF syntax; a stream's data as its own chunk (megabytes of image data)."""
    if not isinstance(obj, StreamObject):
        return [serialised(obj)]
    entries = DictionaryObject(obj)
    entries[NameObject("/Length")] = NumberObject(len(obj._data))
    return [serialised(entries) + b"\nstream\n", obj._data, b"\nendstream"]


def object_encryption(password: str):  # noqa: ANN202 - (pypdf Encryption, /Encrypt entry, file id)
    """AES-256 as ``PdfWriter.encrypt(algorithm="AES-256")`` sets it up; Nones without one.

    pypdf encrypts a whole writer; here each object is encrypted as it is written,
    with the same Encryption object pypdf's writer uses.
    """
    if not password:
        return None, None, b""
    from pypdf._encryption import EncryptAlgorithm, Encryption
    from pypdf.constants import UserAccessPermissions

    permissions = UserAccessPermissions.all()  # as pypdf's default: printing allowed
    file_id = secrets.token_bytes(16)
    encryption = Encryption.make(EncryptAlgorithm.AES_256, permissions, file_id)
    return encryption, encryption.write_entry(password, password), file_id
