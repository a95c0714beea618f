"""`error_message`: the exact error text or a specific error/status code is quoted.

Paraphrases ("it errors out") and neutral UI labels ("Pending", "No data", "Code applied")
do not count: a quoted string must read like an error, or carry an error/status code.
"""

from __future__ import annotations

import re

from triage.completeness_fields.evidence import Evidence, best
from triage.message_view import MessageView

_QUOTED = re.compile(
    r'"(?P<dq>[^"\n]{3,300})"'
    r"|“(?P<cq>[^”\n]{3,300})”"
    r"|(?<![\w'])'(?P<sq>[^'\n]{3,300})'(?![\w])"
    r"|`(?P<bq>[^`\n]{3,300})`"
)
_ERROR_WORDS = re.compile(
    r"(?i)(?:^|[\W_])(?:errors?|err|errno|fail(?:ed|ure|s|ing)?|invalid|denied|unavailable|"
    r"not available|not found|timeout|timed out|exceeded|unable|couldn['’]t|could not|"
    r"can['’]?t|cannot|refused|unknown|missing|mismatch|forbidden|unauthori[sz]ed|"
    r"not authori[sz]ed|expired?|expires|went wrong|too many|too large|not supported|"
    r"unsupported|exception|rejected|unrecogni[sz]ed|not permitted|insufficient|not allowed|"
    r"try again|violat\w*|corrupt\w*|fatal|abort(?:ed)?|unexpected|no such|does not exist|"
    r"doesn['’]t exist|not exist|unreachable|not in service|deprecated|not initiali[sz]ed|"
    r"no bootable|checksum mismatch|quota|conflict|crash(?:ed)?|warning|not configured|revoked|"
    r"suspended|locked out|is required|not set|declined|temporarily|reused|not registered|"
    r"not groupable|no space|out of memory|killed|panic|segfault|bad gateway|bad request|"
    r"permission|problem|overflow|broken|reset by peer|"
    r"not be completed|couldn['’]t|wrong)(?:$|[\W_])"
)
_CODE_SHAPES = re.compile(
    r"\b[A-Z][A-Z0-9]{1,9}[-_ ]?\d{2,6}\b"  # ESIGN-503, ERR 3021, RC-17
    r"|\(\d{3,5}\)"  # "(2001)"
    r"|\b0x[0-9A-Fa-f]{2,}\b"
    r"|^[45]\d\d\b"  # "403 sandbox_disabled"
    r"|\b(?:AADSTS|ORA-|SQLSTATE)\d+"
    r"|\bE[A-Z]{4,}\b"  # errno names
)
_HTTP_REASON = re.compile(
    r"\b[45]\d\d[ -](?:Bad Request|Unauthori[sz]ed|Forbidden|Not Found|Method Not Allowed|"
    r"Conflict|Gone|Payload Too Large|Request Entity Too Large|Unprocessable Entity|"
    r"Too Many Requests|Internal Server Error|Bad Gateway|Service (?:Temporarily )?Unavailable|"
    r"Gateway Time-?out)\b",
    re.IGNORECASE,
)
_STATUS_CODE = re.compile(
    r"(?i)(?:\b(?:http|status|returns?|returned|returning|got|gets|getting|with|an?|"
    r"throws?|responds? with|response)\s+(?:an? |code |status |http )?|(?:→|->)\s*)"
    r"(?P<code>[45]\d\d)\b(?!\s*(?:ms|s|px|rows|%|MB|KB|GB|users|devices|employees|orders))"
)
_ERROR_CODE = re.compile(
    r"(?i)\b(?:error|err|code|exit code|error code)\s*[:#]?\s*-?\d{2,6}\b"
    r"|\b[A-Z][A-Za-z]+(?:Exception|Error)\b(?::\s*[^\n]{3,120})?"
    r"|\b(?:E(?:NOSPC|ACCES|CONNREFUSED|CONNRESET|TIMEDOUT|PERM|NOENT|PIPE|ADDRINUSE|MFILE))\b"
    r"|\b0x[0-9A-Fa-f]{6,}\b"
    r"|\b(?:SUBACK|CONNACK|NACK)\s+(?:0x)?\d+"
)
# Identifiers that look like codes but are tickets, articles, CVEs or change notices.
_NOT_AN_ERROR_CODE = re.compile(
    r"\b(?:INC|CVE|KB|MN|ENG|CASE|TICKET|JIRA|REF|PR|SOC|ISO|PCI|RFC|SAQ|BSA|BX|SF|REQ)-"
)
_NEUTRAL_LABEL = re.compile(r"(?i)^(?:no data|pending|synced|code applied|n/?a|ok|success)$")


def looks_like_error(quoted: str) -> bool:
    """A quoted string reads like an error when it has error wording or an error code."""
    text = quoted.strip()
    if _NEUTRAL_LABEL.match(text):
        return False
    if _ERROR_WORDS.search(text):
        return True
    codes = [m.group(0) for m in _CODE_SHAPES.finditer(text)]
    return any(not _NOT_AN_ERROR_CODE.match(code + "-") for code in codes) and len(text) < 120


def detect_error_message(view: MessageView) -> Evidence | None:
    """Quoted errors and codes in prose, or the error line of pasted output."""
    candidates: list[Evidence] = []
    for offset, line in view.prose_lines():
        candidates.extend(_line_candidates(line, offset))
    for span in view.analysis.spans("ERROR_PHRASE"):
        candidates.append(Evidence(confidence=0.7, start=span.start_char, end=span.end_char))
    for output in view.output_lines():
        stripped = output.text.strip()
        if stripped.startswith(("{", "[{")):
            continue  # a structured record; its "error" keys are data, not an error message
        if _ERROR_WORDS.search(stripped) or _HTTP_REASON.search(stripped):
            offset = output.start + len(output.text) - len(output.text.lstrip())
            candidates.append(Evidence(confidence=0.8, start=offset, end=output.end))
    return best(candidates)


def _line_candidates(line: str, offset: int) -> list[Evidence]:
    """Quoted errors and error/status codes in one prose line."""
    found: list[Evidence] = []
    for match in _QUOTED.finditer(line):
        group = next(name for name in ("dq", "cq", "sq", "bq") if match.group(name) is not None)
        content = match.group(group)
        if group == "bq" and _looks_like_command(content):
            continue
        if looks_like_error(content):
            found.append(Evidence(0.9, offset + match.start(), offset + match.end()))
    for pattern, confidence in ((_HTTP_REASON, 0.9), (_ERROR_CODE, 0.8), (_STATUS_CODE, 0.75)):
        for match in pattern.finditer(line):
            if not _NOT_AN_ERROR_CODE.search(match.group(0)):
                found.append(Evidence(confidence, offset + match.start(), offset + match.end()))
    return found


def _looks_like_command(content: str) -> bool:
    """Inline code the customer ran or typed (`bsadm auth ldap enable`) is not an error."""
    if "{{" in content or re.match(r"^[a-z_.-]+:\s+[a-z_.-]+:\s", content):
        return True  # a config snippet such as `cache: key: x`
    return bool(
        re.match(r"^(?:[a-z][\w.-]*\s+(?:-{1,2}\w|[a-z][\w-]*\b)|SELECT|curl|POST|GET)\b", content)
        and not _ERROR_WORDS.search(content)
    )
