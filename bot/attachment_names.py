"""Attachment file names that are safe to write to disk and to show to people.

A sender controls the name completely: `1234/../../1234.txt`, `..`, `CON`, names with
newlines or a right-to-left override that makes `exe.pdf` look like `fdp.exe`. Names are
sanitised once here, before anything is stored, and made unique within a message so two
`ATT00001.txt` never overwrite each other.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_MAX_NAME_BYTES = 200
_SEPARATORS_AND_RESERVED = str.maketrans({c: "_" for c in '/\\:*?"<>|'})
_WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def sanitize_filename(name: str | None, *, fallback: str = "attachment") -> str:
    """A single path component with no traversal, control or invisible characters.

    Path separators become `_` (so `a/../b.txt` stays recognisable as `a_.._b.txt`),
    leading dots are removed (no hidden files, no `..`), and over-long names are shortened
    keeping their extension.
    """
    if not name:
        return fallback
    cleaned_chars: list[str] = []
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cc":
            cleaned_chars.append("_")
        elif category in ("Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue  # invisible or unassigned: bidi overrides, zero-width joiners, surrogates
        else:
            cleaned_chars.append(ch)
    cleaned = "".join(cleaned_chars).translate(_SEPARATORS_AND_RESERVED)
    cleaned = " ".join(cleaned.split())  # also turns tabs/odd spaces into one space
    cleaned = cleaned.lstrip(". ").rstrip(". ")
    if not cleaned or set(cleaned) <= {"_", ".", " "}:
        return fallback
    stem, dot, _ = cleaned.rpartition(".")
    if not dot:
        stem = cleaned
    if stem.lower() in _WINDOWS_DEVICE_NAMES or cleaned.lower() in _WINDOWS_DEVICE_NAMES:
        cleaned = "_" + cleaned
    return _shorten(cleaned)


def _shorten(name: str) -> str:
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    budget = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    shortened = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(". ")
    return (shortened or "attachment") + suffix


def unique_filenames(names: Iterable[str]) -> list[str]:
    """The same names, with ` (2)`, ` (3)`… added before the extension to repeats.

    Comparison ignores case because Windows and macOS file systems do.
    """
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        candidate = name
        counter = 2
        while candidate.lower() in taken:
            stem, dot, extension = name.rpartition(".")
            if not dot or not stem:
                stem, extension = name, ""
            suffix = f".{extension}" if extension else ""
            candidate = _shorten(f"{stem} ({counter}){suffix}")
            counter += 1
        taken.add(candidate.lower())
        result.append(candidate)
    return result
