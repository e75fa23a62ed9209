"""E-mail (.eml, .msg): the attachments, so that Veil parses each one with its own checks (sniffing,
zip bombs, OCR) instead of unstructured's, and whether the message is encrypted (S/MIME, PGP/MIME).

An encrypted message is, as a whole, application/pkcs7-mime (S/MIME, RFC 8551) or multipart/encrypted
(PGP/MIME, RFC 3156, RFC 1847): every part of it is ciphertext, none is an attachment to read. A
forwarded encrypted message inside a readable one only loses that attachment.
"""

from __future__ import annotations

import email
import email.policy
import io
from dataclasses import dataclass, field
from pathlib import PurePath

_ENCRYPTED_TYPES = frozenset({"multipart/encrypted", "application/pgp-encrypted",
                              "application/pkcs7-mime", "application/x-pkcs7-mime"})
# Outlook stores a PGP/MIME or S/MIME message's parts as attachments of these types.
_ENCRYPTED_MSG_CLASS = "ipm.note.smime"  # IPM.Note.SMIME.MultipartSigned is only signed


@dataclass(frozen=True)
class Attachment:
    suffix: str  # from the attachment's name or type; the name itself is never used
    data: bytes


@dataclass
class MailParts:
    encrypted: bool = False
    attachments: list[Attachment] = field(default_factory=list)


def eml_parts(data: bytes) -> MailParts:
    message = email.message_from_bytes(data, policy=email.policy.default)
    parts = MailParts(encrypted=message.get_content_type() in _ENCRYPTED_TYPES)
    if parts.encrypted or not message.is_multipart():
        return parts
    for part in message.iter_attachments():
        if part.get_content_type() in _ENCRYPTED_TYPES:
            continue
        payload = _payload(part)
        if payload:
            parts.attachments.append(Attachment(_eml_suffix(part), payload))
    return parts


def msg_parts(data: bytes) -> MailParts:
    from oxmsg import Message

    message = Message.load(io.BytesIO(data))
    mime_types = {(a.mime_type or "").lower() for a in message.attachments}
    encrypted = ((message.message_class or "").lower() == _ENCRYPTED_MSG_CLASS
                 or bool(mime_types & _ENCRYPTED_TYPES))
    parts = MailParts(encrypted=encrypted)
    if encrypted:
        return parts
    for attachment in message.attachments:
        if not attachment.file_bytes:
            continue
        parts.attachments.append(Attachment(PurePath(attachment.file_name or "").suffix.lower(),
                                            attachment.file_bytes))
    return parts


def _payload(part) -> bytes | None:
    if part.get_content_type() == "message/rfc822":  # a forwarded message: parse it as an e-mail
        inner = part.get_payload()
        return bytes(inner[0]) if isinstance(inner, list) and inner else None
    payload = part.get_payload(decode=True)
    return payload or None


def _eml_suffix(part) -> str:
    if part.get_content_type() == "message/rfc822":
        return ".eml"
    suffix = PurePath(part.get_filename() or "").suffix.lower()
    if suffix:
        return suffix
    return {"text/plain": ".txt", "text/html": ".html", "text/csv": ".csv", "application/pdf": ".pdf"}.get(
        part.get_content_type(), "")
