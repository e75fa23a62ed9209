"""Usernames and social handles, justified by FORMAT ("@dmitri.volkov", "@kasia_w", a chat log's
"[09:14] <kasia_w> …") or by a LABEL ("Skype: live:.cid.ngoc.tran1987", "WeChat ID: zhangwei_sz88",
"username: jdoe42").

A handle names one person as surely as their name does, and is often built from it. An "@word" that
is one everyday English word ("@home", "@here", "@media") or a mention of everyone ("@channel") is
not one, nor is a label's value that English writes ("Handle: with care"); a handle with a digit, a
dot or an underscore, or that English does not write, is.
"""

from __future__ import annotations

import re

from core.placeholders import LOOKALIKE
from redaction.recognizers.base import VeilRecognizer, result
from redaction.words import zipf

_AT_HANDLE = re.compile(r"(?<![\w@.+-])@(?P<handle>[A-Za-z](?:\w|\.(?=\w)){0,38}+)")  # a full stop after it ends it
_EVERYONE = frozenset({"channel", "here", "everyone", "all", "team"})
EVERYDAY_ZIPF = 3.5  # "@home" (Zipf 6.2) is a word; "@kasia" (under 3.5) a handle
_ACCOUNT_LABELS = (r"(?i:user[ \t]?name|user[ \t]?id|login|handle|screen[ \t]?name|skype(?:[ \t]+id)?|"
                   r"wechat(?:[ \t]+id)?|telegram|signal|whatsapp|discord|instagram|twitter|tiktok|snapchat|"
                   r"github|gitlab|slack)")
# IRC and chat exports: a timestamp at the start of a line, then the speaker in angle brackets (a
# channel operator's "@" or "+" before it): "[09:14] <jdoe42> …", "09:14 <@Given Surname> …".
_CHAT_SPEAKER = re.compile(r"(?m)^[ \t]*\[?\d{1,2}:\d{2}(?::\d{2})?\]?[ \t]+<[@+%~&]?"
                           r"(?P<handle>[^\W_][\w.'’-]{0,30}+(?:[ \t][^\W_][\w.'’-]{0,30}+){0,2})>")
_CHAT_ROLES = frozenset({"system", "bot", "server", "chanserv", "nickserv", "you", "me"})
_LABELLED = re.compile(rf"(?<![\w-]){_ACCOUNT_LABELS}[ \t]*:[ \t]*(?P<handle>@?\w(?:[\w@+-]|[.:]{{1,3}}+(?=[\w@])){{1,62}}+)")


class HandleRecognizer(VeilRecognizer):
    """An @handle, a chat log's speaker, or the account name after a messenger's or a login's label."""

    def __init__(self) -> None:
        super().__init__(["PERSON"], "HandleRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        found = [m for m in _AT_HANDLE.finditer(text) if _is_a_handle(m.group("handle"))]
        found += [m for m in _LABELLED.finditer(text) if _is_a_handle(m.group("handle").lstrip("@"))]
        found += [m for m in _CHAT_SPEAKER.finditer(text) if _is_a_speaker(m.group("handle"))]
        return [result(self, "PERSON", m.start("handle"), m.end("handle"), 0.6) for m in found]


def _is_a_speaker(speaker: str) -> bool:
    """The format names the speaker: any name or nick but a service's and Veil's own placeholders."""
    return speaker.lower() not in _CHAT_ROLES and not LOOKALIKE.fullmatch(f"<{speaker}>")


def _is_a_handle(handle: str) -> bool:
    if re.search(r"[\d._:@]", handle):
        return True
    return handle.lower() not in _EVERYONE and zipf(handle) < EVERYDAY_ZIPF
