"""OLE compound files (MS-CFB): legacy .doc/.xls/.ppt, Outlook .msg, and password-protected Office files.

Office encrypts an .docx/.xlsx/.pptx by wrapping it in a compound file with two streams,
EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO 2.3.4); legacy formats mark encryption inside their
own streams, which msoffcrypto-tool reads.
"""

from __future__ import annotations

import io
import logging

from core.errors import ParseError, UnsupportedFileError

log = logging.getLogger(__name__)

_ENCRYPTED_OOXML_STREAMS = {"encryptioninfo", "encryptedpackage"}
_LEGACY_STREAMS = (("worddocument", ".doc"), ("workbook", ".xls"), ("book", ".xls"),
                   ("powerpoint document", ".ppt"))
_MSG_STREAM_PREFIX = "__substg1.0_"  # MS-OXMSG property streams


def inspect_ole(data: bytes, label: str) -> str:
    """The suffix the compound file should be parsed as; ParseError when it is password-protected."""
    streams = _top_level_streams(data, label)
    if _ENCRYPTED_OOXML_STREAMS <= streams:
        raise ParseError(f"password-protected {label} file: remove the password and ingest it again")
    if any(name.startswith(_MSG_STREAM_PREFIX) for name in streams):
        return ".msg"
    for stream, suffix in _LEGACY_STREAMS:
        if stream in streams:
            if _legacy_encrypted(data):
                raise ParseError(f"password-protected {label} file: remove the password and ingest it again")
            return suffix
    raise UnsupportedFileError(f"unsupported {label} file: an OLE compound file of no known Office kind")


def _top_level_streams(data: bytes, label: str) -> set[str]:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {entry[0].lower() for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # noqa: BLE001 - olefile raises OSError and assorted parse errors
        raise ParseError(f"corrupt {label} file: its compound-file structure cannot be read") from None


def _legacy_encrypted(data: bytes) -> bool:
    import msoffcrypto

    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception as exc:  # noqa: BLE001 - unreadable flags: let the format's own reader decide
        log.debug("encryption flags unreadable (%s)", type(exc).__name__)
        return False
