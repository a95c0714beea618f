"""Find and parse product/platform versions in customer prose.

The version is a required field and feeds the end-of-support check, so look-alikes matter:
an IP address (10.1.0.5), a date (12.03.2025, 2025-03-12), a time (13:05), money (33.33 EUR)
or a size (1.9 GB) is not a version. Two-part numbers are only accepted with version
context ("v2.3", "iOS 17.4", "Postfix 3.6", "release 2024.3"); three/four-part dotted numbers
are accepted unless they look like an IP address or a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from triage.completeness_patterns import word_set


@dataclass(frozen=True, slots=True, order=True)
class ParsedVersion:
    """A version split into numeric parts, e.g. "4.2.1" → (4, 2, 1); "build 1187" → (1187,)."""

    parts: tuple[int, ...]
    raw: str = field(compare=False)
    suffix: str = field(default="", compare=False)  # "-r2", ".x", "-beta"

    def __str__(self) -> str:
        return self.raw

    def padded(self, length: int) -> tuple[int, ...]:
        """Parts padded with zeros so 9.3 and 9.3.0 compare equal."""
        return self.parts + (0,) * max(0, length - len(self.parts))


@dataclass(frozen=True, slots=True)
class VersionMention:
    """A version found in text: the number's offsets, the wider evidence span, the parse."""

    version: ParsedVersion
    start: int  # evidence span (includes the product/keyword in front when there is one)
    end: int
    confidence: float


_NUMBER_PARTS = re.compile(r"\d+")
_SUFFIX = re.compile(r"(?:[.-](?:x|[A-Za-z][\w]*)|[a-z]\d*)$")


def parse_version(raw: str) -> ParsedVersion | None:
    """Parse "4.2.1", "v2.3", "2024.06", "build 1187", "25.03.11-r2", "6.2.x" into parts."""
    text = raw.strip()
    keyword = re.match(r"(?i)^(?:version|ver\.?|release|build|rev(?:ision)?|v)\s*[:#]?\s*", text)
    core = text[keyword.end() :] if keyword else text
    match = re.match(r"\d+(?:[.-]\d+)*", core)
    if match is None:
        return None
    parts = tuple(int(part) for part in _NUMBER_PARTS.findall(match.group(0)))
    return ParsedVersion(parts=parts, raw=text, suffix=core[match.end() :])


def is_out_of_support(version: ParsedVersion | str, end_of_support: str) -> bool:
    """True when `version` is older than the first supported version `end_of_support`.

    Vendors exclude versions past their support lifecycle from the SLA, so the bot says so
    politely instead of silently starting the clock.
    """
    parsed = parse_version(version) if isinstance(version, str) else version
    floor = parse_version(end_of_support)
    if parsed is None or floor is None:
        return False
    length = max(len(parsed.parts), len(floor.parts))
    return parsed.padded(length) < floor.padded(length)


# Platforms whose bare integer is a version ("Android 14", "Firefox 123", "PostgreSQL 15").
PLATFORM_NAMES: tuple[str, ...] = (
    "android", "ios", "ipados", "macos", "os x", "windows", "windows server", "ubuntu",
    "debian", "rhel", "centos", "fedora", "alpine", "amazon linux", "chrome", "chromium",
    "firefox", "safari", "edge", "opera", "brave", "postgresql", "postgres", "mysql", "mariadb",
    "php", "python", "java", "jdk", "jre", "node", "node.js", "nodejs", ".net", "dotnet", "go",
    "ruby", "rails", "django", "kubernetes", "k8s", "helm", "terraform", "docker", "openshift",
    "wordpress", "woocommerce", "magento", "shopify", "drupal", "outlook", "excel", "jira",
    "tls", "openssl", "oracle", "sql server", "mongodb", "redis", "elasticsearch", "kafka",
)  # fmt: skip
_PLATFORM = "|".join(
    re.escape(name).replace(r"\ ", r"\s+") for name in sorted(PLATFORM_NAMES, key=len, reverse=True)
)
_KEYWORD = r"(?:version|ver\.?|release|build|rev(?:ision)?|firmware|fw|patch|update)"
_UNIT_AFTER = re.compile(
    r"^\s?(?:%|x\b|[kKMGT]i?[bB]\b|[kKMGT]?bps\b|ms\b|s\b|sec|secs\b|seconds?\b|min|mins\b|"
    r"minutes?\b|h\b|hrs?\b|hours?\b|days?\b|EUR\b|USD\b|GBP\b|CHF\b|€|\$|£|V\b|°|dBm?\b|"
    r"Mbit|Gbit|GHz|MHz|rows?\b|k\b|M\b|req|requests|times\b|stars?\b|points?\b|per\b)"
)
_MONEY_BEFORE = re.compile(r"(?:[$€£~≈<>]|\bEUR |\bUSD |\bCHF |\bGBP )\s?$")
# "1.2.3" "v2.3" "2024.06" "25.03.11-r2" "6.2.x" "9.3.0.412" (not part of a longer dotted run)
_DOTTED = re.compile(
    r"(?<![\w./:@-])(?P<v>v)?(?P<num>\d{1,4}(?:\.\d{1,6}){1,3})"
    r"(?P<suffix>\.x\b|-[A-Za-z][\w]*|-r\d+|[a-z]\d*\b)?(?![\w.]*\d)(?!\.\w)"
)
_KEYWORD_NUMBER = re.compile(
    rf"(?i)\b(?P<kw>(?:api\s+)?{_KEYWORD})\s*[:#]?\s*(?:[A-Z]{{1,4}}-)?(?P<v>v)?"
    r"(?P<num>\d+(?:[.-]\d+)*)"
    r"(?P<suffix>-[A-Za-z][\w]*)?\b"
)
_PLATFORM_NUMBER = re.compile(
    rf"(?i)(?<![\w-])(?P<name>{_PLATFORM})(?:\s+(?:server|desktop|mobile))?\s+v?(?P<num>\d{{1,4}}(?:\.\d+){{0,3}})\b"
)
_API_VERSION = re.compile(r"(?i)\b(?:api|sdk|rest api|graphql api)\s+v(?P<num>\d+(?:\.\d+)?)\b")
_IMAGE_TAG = re.compile(r"\b[a-z][\w-]*/[\w./-]+:(?P<num>\d+(?:\.\d+)+(?:-\w+)?)\b")
_PREPOSITION_BEFORE = re.compile(
    r"(?i)\b(?:on|to|from|with|since|running|run|runs|upgraded|upgrading|installed|using|"
    r"deploying|deployed|after|before|and|or|vs\.?|than)\s+$"
)
# Future rollout targets are not what the customer runs ("we need to roll out 4.2.1").
_TARGET_BEFORE = re.compile(
    r"(?i)(?:\b(?:need|needs|want|wants|plan|planning|going|have|would like|'d like|hoping|"
    r"about)\s+to|\bwill|['’]ll|\bshall)\s+"
    r"(?:roll\s*out|deploy|install|upgrade|update|move|migrate|push)\b[^.\n]{0,40}$"
    r"|\bartifact\s+[\w-]*$"
)
_STOP_BEFORE = re.compile(
    r"(?i)\b(?:about|around|roughly|approx\.?|approximately|only|took|takes|is|was|were|are|"
    r"of|at|by|costs?|rated|score|scored|pay|paid|charged|increased|dropped|grew|went)\s+$"
)


def _looks_like_ip(num: str, after: str) -> bool:
    parts = num.split(".")
    if len(parts) == 4 and all(int(part) <= 255 for part in parts):
        return True
    return bool(re.match(r"^(?::\d{2,5}\b|/\d{1,2}\b)", after))


def _looks_like_date(num: str) -> bool:
    parts = [int(part) for part in num.split(".")]
    if len(parts) == 3 and parts[2] >= 1900 and parts[0] <= 31 and parts[1] <= 12:
        return True  # 12.03.2025 (day.month.year)
    if len(parts) == 3 and len(num.split(".")[2]) == 2 and parts[0] <= 31 and parts[1] <= 12:
        return num.count(".") == 2 and len(num.split(".")[0]) <= 2 and parts[2] >= 20
    return False


def _calendar_version(num: str) -> bool:
    parts = num.split(".")
    return len(parts) >= 2 and len(parts[0]) == 4 and parts[0].startswith("20")


_PRODUCT_NOUNS = word_set(
    "agent client app application driver plugin sdk extension connector runner console "
    "server engine firmware library module provider image cli desktop mobile web ui api "
    "manager os kernel package chart gateway controller"
)
_PRODUCT_WORD = re.compile(r"^[A-Za-z][\w+/-]*(?:\.[A-Za-z]+)?$")


_FUNCTION_WORDS = word_set(
    "with on to from since the a an and or we i our my their your after before in at for of "
    "is are was were running using via into onto than then also both"
)


def _is_product_word(word: str) -> bool:
    word = word.lstrip("([\"'")
    if not _PRODUCT_WORD.match(word) or word.lower() in _FUNCTION_WORDS:
        return False
    return (
        word[0].isupper()
        or "-" in word
        or "." in word
        or any(ch.isdigit() for ch in word)
        or word.lower() in _PRODUCT_NOUNS
    )


def _evidence_start(text: str, number_start: int) -> int:
    """Extend the span left over "BasaltOS " / "tillora-js agent " to show what it is."""
    line_start = text.rfind("\n", 0, number_start) + 1
    start = number_start
    for _ in range(2):
        match = re.search(r"(\S+)[ \t]+$", text[line_start:start])
        if match is None or not _is_product_word(match.group(1)):
            break
        word = match.group(1)
        start = line_start + match.start(1) + (len(word) - len(word.lstrip("([\"'")))
        if word != word.lstrip("([\"'"):
            break  # an opening bracket starts the phrase
    return start


def find_versions(text: str) -> list[VersionMention]:
    """All version mentions in `text` (prose only: mask pasted logs before calling)."""
    mentions: dict[tuple[int, int], VersionMention] = {}

    def add(start: int, end: int, raw: str, confidence: float) -> None:
        parsed = parse_version(raw)
        if parsed is None:
            return
        for (other_start, other_end), other in list(mentions.items()):
            if other_start < end and start < other_end:
                if other.confidence >= confidence:
                    return
                del mentions[(other_start, other_end)]
        mentions[(start, end)] = VersionMention(parsed, start, end, confidence)

    for match in _KEYWORD_NUMBER.finditer(text):
        keyword = match.group("kw").lower()
        num = match.group("num")
        if not _keyword_number_is_version(keyword, num, text[match.end() :]):
            continue
        if _TARGET_BEFORE.search(text[max(0, match.start() - 60) : match.start()]):
            continue
        raw = (match.group("v") or "") + num + (match.group("suffix") or "")
        add(_evidence_start(text, match.start()), match.end(), raw, 0.95)

    for match in _API_VERSION.finditer(text):
        add(match.start(), match.end(), "v" + match.group("num"), 0.85)

    for match in _PLATFORM_NUMBER.finditer(text):
        num = match.group("num")
        if num in {"365", "2000"} or _UNIT_AFTER.match(text[match.end() :]):
            continue
        if match.group("name").lower() == "go" and "." not in num:
            continue
        add(match.start(), match.end(), num, 0.8)

    for match in _IMAGE_TAG.finditer(text):
        add(match.start(), match.end(), match.group("num"), 0.85)

    for match in _DOTTED.finditer(text):
        num = match.group("num")
        after = text[match.end() :]
        before = text[max(0, match.start() - 60) : match.start()]
        raw = (match.group("v") or "") + num + (match.group("suffix") or "")
        if _UNIT_AFTER.match(after) or _MONEY_BEFORE.search(before):
            continue
        if _looks_like_ip(num, after) or _looks_like_date(num):
            continue
        if re.search(r"\d[,.]?$|[:/#]$", before):
            continue
        if _TARGET_BEFORE.search(before):
            continue
        confidence = _dotted_confidence(num, match.group("v") is not None, before, after)
        if confidence is None:
            continue
        add(_evidence_start(text, match.start()), match.end(), raw, confidence)

    return sorted(mentions.values(), key=lambda mention: mention.start)


def _keyword_number_is_version(keyword: str, num: str, after: str) -> bool:
    """Keyword-led numbers: "build 1187" yes, "the build 3 times" no, "build 10.1.0.5" no."""
    short_plain_number = "." not in num and "-" not in num and len(num) < 3
    if keyword.endswith(("build", "release", "update", "patch")) and short_plain_number:
        return False
    return not (num.count(".") == 3 and _looks_like_ip(num, after) and "version" not in keyword)


def _dotted_confidence(num: str, v_prefix: bool, before: str, after: str) -> float | None:
    parts = num.split(".")
    if v_prefix:
        return 0.9
    if len(parts) >= 3:
        return 0.9
    # Two-part numbers need context: "2024.3" (calendar release), "Postfix 3.6", "on 9.3".
    if _calendar_version(num) and int(parts[1]) <= 12:
        return 0.8
    if _STOP_BEFORE.search(before):
        return None
    if re.search(rf"(?i)\b{_KEYWORD}\s*$", before):
        return 0.9
    if re.match(
        r"(?i)^\s*(?:update|upgrade|release|version|build|patch|rollout|firmware)\b", after
    ):
        return 0.75  # "since the 7.2 update"
    if len(parts[1]) >= 2:
        return None  # "9.00", "33.33": amounts and measurements, not versions
    word_before = re.search(r"(\S+)[ \t]$", before)
    if word_before is None or _PREPOSITION_BEFORE.search(before):
        return None
    # A product name ("Postfix 3.6", "connector 3.4") directly before the number.
    return 0.75 if _is_product_word(word_before.group(1)) else None
