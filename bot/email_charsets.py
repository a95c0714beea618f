"""Turning the bytes of a mail part or header into text when the declared charset lies.

Real mail declares charsets Python lacks (`iso-8859-8-i`, `ks_c_5601-1987`), declares a
narrower charset than it uses (gb2312 carrying GBK, iso-2022-jp carrying NEC extensions,
latin-1 carrying Windows-1252 quotes), or declares nothing and sends 8-bit bytes. Dropping such
text would lose the customer's words, so decoding never fails: it falls back step by step and
reports what it had to guess.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Labels seen in real mail mapped to the Python codec that actually decodes what senders put
# under them. Supersets are chosen on purpose (gb2312 -> gb18030, shift_jis -> cp932): a
# superset decodes every valid byte of the narrower charset identically.
_CHARSET_ALIASES: dict[str, str] = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "ms_kanji": "cp932",
    "utf8": "utf-8",
    "x-utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-user-defined": "cp1252",
    "unknown-8bit": "cp1252",
    "x-unknown": "cp1252",
    "unknown": "cp1252",
    "default": "cp1252",
}

# Codecs that encode no text at all or that would run code-like transformations on mail bytes.
_REFUSED_CODECS = frozenset({"base64", "hex", "quopri", "uu", "zlib", "bz2", "rot13", "punycode"})


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text plus, when decoding needed a guess, a short description of what went wrong."""

    text: str
    problem: str | None = None


def storable_text(text: str) -> str:
    """`text` without NUL characters and lone surrogates.

    Both are legal in a Python str but rejected by PostgreSQL text columns, UTF-8 encoders
    and JSON consumers; one stray byte must not make a message unstorable.
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def normalise_charset(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when Python cannot decode it."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not name or len(name) > 40:
        return None
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if info.name in _REFUSED_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, declared: str | None) -> DecodedText:
    """Decode `data` declared as `declared`, never raising.

    Order: the declared charset (mapped to its real-world superset), then UTF-8 (the most
    common mislabel), then Windows-1252 with replacement characters as the last resort.
    """
    if not data:
        return DecodedText("")
    codec = normalise_charset(declared)
    if data.isascii():
        # Every charset we accept is ASCII-compatible except the 7-bit escape encodings.
        if codec in ("iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_kr", "utf-7"):
            return _decode_escape_charset(data, codec)
        return DecodedText(data.decode("ascii"))
    if codec is not None and codec != "cp1252":
        try:
            return DecodedText(data.decode(codec))
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if codec is None or codec == "cp1252":
            return DecodedText(text)
        return DecodedText(text, f"charset {declared!r} mislabels UTF-8 text")
    if codec == "cp1252":
        return _decode_western(data)
    for sibling in _EIGHT_BIT_SIBLINGS.get(codec or "", ()):
        # 8-bit bytes under a 7-bit label: Japanese clients mean Shift_JIS by "iso-2022-jp".
        try:
            return DecodedText(data.decode(sibling), f"charset {declared!r} mislabels {sibling}")
        except UnicodeDecodeError:
            continue
    if codec is not None:
        return DecodedText(
            data.decode(codec, errors="replace"), f"charset {declared!r}: undecodable bytes"
        )
    western = _decode_western(data)
    if declared:
        return DecodedText(western.text, f"unknown charset {declared!r}")
    return DecodedText(western.text, "8-bit text without a charset")


def _decode_western(data: bytes) -> DecodedText:
    # Windows-1252 first: it is what "latin-1" senders really type (curly quotes, euro sign).
    try:
        return DecodedText(data.decode("cp1252"))
    except UnicodeDecodeError:
        return DecodedText(data.decode("latin-1"))


def _decode_escape_charset(data: bytes, codec: str) -> DecodedText:
    try:
        return DecodedText(data.decode(codec))
    except UnicodeDecodeError:
        pass
    if codec.startswith("iso2022_jp"):
        converted = _iso2022jp_to_cp932(data)
        if converted is not None:
            return DecodedText(converted)
    return DecodedText(data.decode(codec, errors="replace"), f"charset {codec}: undecodable bytes")


_ESC = 0x1B


def _iso2022jp_to_cp932(data: bytes) -> str | None:
    """Decode ISO-2022-JP that uses Microsoft/NEC extensions (the CP50220 family).

    Japanese Windows clients label such text iso-2022-jp although it contains characters
    (circled digits, the numero sign) only cp932 has; re-encoding the JIS pairs as Shift_JIS
    and decoding with cp932 recovers them.
    """
    out = bytearray()
    double_byte = False
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        if byte == _ESC and i + 2 < n:
            seq = data[i + 1 : i + 3]
            if seq in (b"$B", b"$@"):
                double_byte = True
                i += 3
                continue
            if seq in (b"(B", b"(J"):
                double_byte = False
                i += 3
                continue
            return None
        if double_byte and byte not in (0x0A, 0x0D):
            if i + 1 >= n:
                return None
            j1, j2 = byte, data[i + 1]
            if not (0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E):
                return None
            s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
            s2 = j2 + (0x1F if j1 % 2 else 0x7E)
            if s2 >= 0x7F and j1 % 2:
                s2 += 1
            out += bytes((s1, s2))
            i += 2
            continue
        out.append(byte)
        i += 1
    try:
        return out.decode("cp932")
    except UnicodeDecodeError:
        return None


def decode_header_bytes(data: bytes, hint: str | None) -> DecodedText:
    """Decode raw 8-bit header bytes: UTF-8 first (RFC 6532), then the part's charset.

    The hint is the charset the message body declares: clients that put raw Latin-1 or
    Shift_JIS into Subject and From use the same charset as their body. A 7-bit hint
    (iso-2022-jp) cannot describe 8-bit bytes, so its 8-bit sibling (cp932, euc-jp) is tried.
    """
    try:
        return DecodedText(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    codec = normalise_charset(hint)
    candidates = list(_EIGHT_BIT_SIBLINGS.get(codec or "", (codec,) if codec else ()))
    for candidate in candidates:
        if candidate in ("utf_8", "cp1252"):
            continue
        try:
            return DecodedText(data.decode(candidate), "raw 8-bit header")
        except UnicodeDecodeError:
            continue
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return DecodedText(mostly_utf8, "raw 8-bit header with broken UTF-8")
    return DecodedText(_decode_western(data).text, "raw 8-bit header")


_EIGHT_BIT_SIBLINGS: dict[str, tuple[str, ...]] = {
    "iso2022_jp": ("cp932", "euc_jp"),
    "iso2022_jp_1": ("cp932", "euc_jp"),
    "iso2022_jp_2": ("cp932", "euc_jp"),
    "iso2022_jp_ext": ("cp932", "euc_jp"),
    "iso2022_kr": ("cp949",),
}


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a truncated header) rather than Latin-1 mojibake."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if multibyte >= 2 and damaged * 4 <= multibyte:
        return text
    return None
