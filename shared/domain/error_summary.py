"""A safe summary of an error for people who did not write the code: operators and users.

Error texts can quote what they were working on: an object name (``users/<uid>/...``), a file
path, an e-mail address, a stack trace, a whole response body. A summary keeps the first line
of what happened and replaces those with placeholders, within a bounded length, so a dead
letter or a failure record can be shown in the operator console without leaking them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_SUMMARY_CHARS = 300

_TRACEBACK = re.compile(r"Traceback \(most recent call last\):.*", re.DOTALL)
_FRAME = re.compile(r'File "[^"]*", line \d+.*')
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Storage object names of per-user data and gs:// URLs.
_USER_PATH = re.compile(r"(?:gs://[^\s'\"]+|\busers/[^\s'\"]+)")
# Absolute file paths (two segments or more), as a local adapter's error may quote them.
_FILE_PATH = re.compile(r"(?<![\w:/])/(?:[\w.@-]+/)+[\w.@-]*")
_URL = re.compile(r"https?://[^\s'\"]+")
_SPACE = re.compile(r"\s+")


def safe_summary(text: str, *, hide: Iterable[str] = (), limit: int = MAX_SUMMARY_CHARS) -> str:
    """``text`` without stack traces, paths, URLs, e-mail addresses or the ``hide`` values, bounded."""
    out = _TRACEBACK.sub("", text)
    out = _FRAME.sub("", out)
    for value in sorted({v for v in hide if v and len(v) >= 3}, key=len, reverse=True):
        out = out.replace(value, "<id>")
    out = _EMAIL.sub("<email>", out)
    out = _USER_PATH.sub("<path>", out)
    out = _URL.sub("<url>", out)
    out = _FILE_PATH.sub("<path>", out)
    out = _SPACE.sub(" ", out).strip()
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out or "no error text"
