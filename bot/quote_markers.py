"""The lines mail clients write above quoted or forwarded mail, in the languages we meet.

Both the reply trimmer (where does the quoted history start?) and the forward parser (where
does the forwarded message start, who sent it?) need the same vocabulary, so it lives here
once. Every pattern is anchored and bounded so a 10 MB body cannot make a regex backtrack.
"""

from __future__ import annotations

import re

MAX_MARKER_LINE = 400  # longer lines are prose, never a client-written marker

# Separator lines that announce a FORWARD (Gmail, Thunderbird, Apple Mail, Outlook.com…).
_FORWARD_WORDS = (
    r"forwarded message|forwarded e-?mail|weitergeleitete nachricht|message transf[ée]r[ée]"
    r"|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|vidarebefordrat meddelande"
    r"|videresendt melding|videresendt besked|mensagem encaminhada|wiadomo[śs][ćc] przekazana"
    r"|пересылаемое сообщение|переслан+ое сообщение|転送されたメッセージ|转发的邮件|전달된 메시지"
)
_FORWARD_INTRO_WORDS = (
    r"begin forwarded message|anfang der weitergeleiteten (?:e-mail|nachricht)"
    r"|d[ée]but du message r[ée]exp[ée]di[ée]|inicio del mensaje reenviado"
    r"|inizio messaggio inoltrato|begin doorgestuurd bericht|in[ií]cio da mensagem reencaminhada"
)
# Separator lines Outlook and others write above BOTH replies and forwards.
_ORIGINAL_WORDS = (
    r"original message|urspr[üu]ngliche nachricht|message d'origine|mensaje original"
    r"|messaggio originale|oorspronkelijk bericht|originalmeddelande|oprindelig meddelelse"
    r"|opprinnelig melding|alkuper[äa]inen viesti|p[ůu]vodn[íi] zpr[áa]va"
    r"|oryginalna wiadomo[śs][ćc]"
    r"|исходное сообщение|mensagem original|original e-?mail message|original email"
)

FORWARD_SEPARATOR = re.compile(
    rf"^[-=_* ]{{2,}}\s*(?:{_FORWARD_WORDS})\s*[-=_* ]{{2,}}$|^(?:{_FORWARD_INTRO_WORDS})\s*:?$",
    re.IGNORECASE,
)
ORIGINAL_SEPARATOR = re.compile(rf"^[-=_* ]{{2,}}\s*(?:{_ORIGINAL_WORDS})\s*[-=_* ]{{2,}}$", re.I)
UNDERSCORE_SEPARATOR = re.compile(r"^[_\-]{10,}$|^[—–]{5,}$")

# "On <date>, <someone> wrote:" and its translations. The date/name part is bounded.
REPLY_INTRO = re.compile(
    r"^(?:"
    r"on\b.{1,300}\bwrote\s*:|"
    r"-{2,} ?on\b.{1,300}\bwrote ?-{2,}|"
    r"am\b.{1,300}\bschrieb\b.{0,200}:|"
    r"le\b.{1,300}\ba [ée]crit\s*:|"
    r"el\b.{1,300}\bescribi[óo]\s*:|"
    r"il\b.{1,300}\bha scritto\s*:|"
    r"op\b.{1,300}\bschreef\b.{0,200}:|"
    r"op\b.{1,300}\bheeft\b.{0,200}geschreven\s*:|"
    r"den\b.{1,300}\bskrev\b.{0,200}:|"
    r"em\b.{1,300}\bescreveu\s*:|"
    r"w dniu\b.{1,300}\bpisze\s*:|"
    r"dnia\b.{1,300}\bnapisa[łl]\(?a?\)?\s*:|"
    r".{1,300}\bnapisa[łl]\(?a?\)?\s*:|"
    r".{1,300}\bнаписал\(?а?\)?\s*:|"
    r".{1,300}\b(?:schrieb|wrote)\s*:|"
    r".{1,300}\s写道\s*[：:]|"
    r".{0,300}\d{4}[-/]\d{1,2}[-/]\d{1,2}.{0,200}<[^<>@\s]+@[^<>\s]+>\s*:"
    r")$",
    re.IGNORECASE,
)
# First words of an "On … wrote:" intro that mail clients wrap over two or three lines.
REPLY_INTRO_START = re.compile(
    r"^(?:on|am|le|el|il|op|den|em|w dniu|dnia)\s.{0,200}$", re.IGNORECASE
)

# Header lines inside quoted/forwarded blocks: "From: x", "*Von:* x", "De : x", "发件人: x".
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "from": (
        "from", "de", "von", "van", "da", "från", "fra", "od", "от", "от кого", "feladó",
        "lähettäjä", "发件人", "寄件者", "差出人", "보낸 사람", "kimden",
    ),
    "to": (
        "to", "à", "a", "an", "aan", "till", "til", "do", "para", "кому", "címzett",
        "vastaanottaja", "收件人", "宛先", "받는 사람", "kime",
    ),
    "cc": ("cc", "kopie", "kopia", "copie", "cópia", "копия", "抄送", "副本"),
    "date": (
        "date", "sent", "envoyé", "envoyé le", "gesendet", "datum", "data", "fecha", "enviado",
        "enviado el", "inviato", "verzonden", "skickat", "sendt", "wysłano", "отправлено",
        "дата", "dátum", "lähetetty", "发送时间", "日期", "送信日時", "보낸 날짜", "tarih",
    ),
    "subject": (
        "subject", "objet", "sujet", "betreff", "onderwerp", "oggetto", "asunto", "assunto",
        "ämne", "emne", "temat", "тема", "tárgy", "aihe", "主题", "主旨", "件名", "제목", "konu",
    ),
    "reply-to": ("reply-to", "antwort an", "répondre à", "responder a", "antwoord aan"),
}  # fmt: skip
_HEADER_NAMES = {word: canonical for canonical, words in _HEADER_WORDS.items() for word in words}

HEADER_LINE = re.compile(
    r"^\*?\s{0,2}("
    + "|".join(sorted((re.escape(n) for n in _HEADER_NAMES), key=len, reverse=True))
    + r")\s{0,2}\*?\s{0,2}[:：]\s{0,3}\*?\s?(.{0,1000})$",
    re.IGNORECASE,
)

_FROM_NAMES = "|".join(
    sorted((re.escape(n) for n, c in _HEADER_NAMES.items() if c == "from"), key=len, reverse=True)
)
# Cheap whole-text pre-check: can any line of this text start a forwarded or quoted block?
# Literal keywords (found with `in`, which is C-fast) plus one line-anchored header pattern; a
# single alternation regex over every position was 75 ms on a 160 KB body.
_SEPARATOR_KEYWORDS = (
    "forward", "weitergeleitet", "transf", "réexp", "reexp", "reenviad", "inoltrat",
    "doorgestuurd", "vidarebefordrat", "videresendt", "encaminhada", "przekazana", "пересыла",
    "転送", "转发", "전달", "original", "ursprüngliche", "origine", "oorspronkelijk",
    "oprindelig", "opprinnelig", "alkuperäinen", "původní", "oryginalna", "исходное",
    "__________",
)  # fmt: skip
_HEADER_HINT = re.compile(
    rf"^[ \t>*]{{0,12}}(?:{_FROM_NAMES})[ \t*]{{0,3}}[:：]", re.IGNORECASE | re.MULTILINE
)


def may_hold_forwarded_block(text: str) -> bool:
    """False when no line of `text` can start a forwarded/quoted block (fast rejection)."""
    lowered = text.lower()
    if any(keyword in lowered for keyword in _SEPARATOR_KEYWORDS):
        return True
    return _HEADER_HINT.search(text) is not None


_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>)+[ \t]?")


def header_field(line: str) -> tuple[str, str] | None:
    """(canonical name, value) when `line` is a header line of a quoted/forwarded block."""
    if len(line) > MAX_MARKER_LINE * 3:
        return None
    match = HEADER_LINE.match(line.strip())
    if match is None:
        return None
    return _HEADER_NAMES[match.group(1).lower()], match.group(2).strip().strip("*").strip()


def strip_quote_prefix(line: str) -> str:
    """The line without its leading `>` quoting (any depth)."""
    return _QUOTE_PREFIX.sub("", line, count=1)


def quote_depth(line: str) -> int:
    """How many `>` levels quote this line."""
    match = _QUOTE_PREFIX.match(line)
    return match.group(0).count(">") if match else 0


def marker_text(line: str) -> str:
    """A line reduced to what marker patterns look at: unquoted, unbolded, trimmed."""
    return strip_quote_prefix(line).strip().strip("*_").strip()


def is_forward_separator(line: str) -> bool:
    text = marker_text(line)
    return len(text) <= MAX_MARKER_LINE and FORWARD_SEPARATOR.match(text) is not None


def is_original_separator(line: str) -> bool:
    text = marker_text(line)
    return len(text) <= MAX_MARKER_LINE and ORIGINAL_SEPARATOR.match(text) is not None


def is_underscore_separator(line: str) -> bool:
    text = strip_quote_prefix(line).strip()
    return len(text) <= MAX_MARKER_LINE and UNDERSCORE_SEPARATOR.match(text) is not None


def is_reply_intro(line: str) -> bool:
    text = marker_text(line)
    # Every intro ends in a colon (or Zoho's dashes); testing that first skips prose cheaply.
    if not text or len(text) > MAX_MARKER_LINE or not text.endswith((":", "：", "-")):
        return False
    return REPLY_INTRO.match(text) is not None
