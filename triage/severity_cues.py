"""Linguistic cues of severity, found with rule-based spaCy and aware of negation.

Word n-grams alone cannot tell "production is down" from "production is fine, staging is
down" or "no data loss" from "data loss": these cues can. Each cue is counted twice, asserted
and negated (or hypothetical), so the model learns that "no workaround" pushes severity up
while "workaround" pulls it down. The cues double as evidence for the human explanation.

spaCy runs from `spacy.blank("en")` plus rule components only (sentencizer, lookup lemmatizer
from spacy-lookups-data, EntityRuler, Matcher, PhraseMatcher): nothing is downloaded.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import spacy
from spacy.attrs import LIKE_NUM, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token

import triage.spacy_array_components  # noqa: F401  (registers the array_* factories)
from triage.chunk_tokenizer import ChunkCachedTokenizer

# Long pasted logs add nothing to the cues but cost time; support messages are far shorter.
MAX_CUE_CHARS = 3000
_BATCH_SIZE = 256
_RECENT_REPORTS = 4096

# What each cue means, in the order of the feature vector. The label is what a human reads
# on the triage card; the negated label is used when the cue is denied ("no data loss").
_CUE_LABELS: dict[str, tuple[str, str]] = {
    "env_production": ("production", "production unaffected"),
    "env_nonprod": ("non-production environment", "not a test environment"),
    "scope_all": ("everyone affected", "not everyone affected"),
    "scope_some": ("some users affected", "not some users"),
    "scope_one": ("a single user", "not a single user"),
    "outage": ("outage", "no outage"),
    "broken": ("not working", "working"),
    "access": ("cannot log in / access", "access works"),
    "data_loss": ("data loss", "no data loss"),
    "corruption": ("corrupted data", "no corruption"),
    "breach": ("security breach", "no sign of a breach"),
    "vulnerability": ("security vulnerability", "no vulnerability"),
    "security_inquiry": ("security/compliance question", "not a security question"),
    "business_stopped": ("business operations stopped", "business not stopped"),
    "performance": ("slowness", "no slowness"),
    "intermittent": ("intermittent", "not intermittent"),
    "workaround": ("workaround exists", "no workaround"),
    "question": ("how-to question", "not a question"),
    "feature_request": ("feature request", "not a feature request"),
    "cosmetic": ("cosmetic issue", "not cosmetic"),
    "documentation": ("documentation issue", "not documentation"),
    "rca_request": ("root-cause analysis request", "no RCA request"),
    "resolved": ("already resolved", "still unresolved"),
    "billing": ("billing/licensing", "not billing"),
    "minimal_impact": ("minimal impact stated", "impact not minimal"),
}
CUE_NAMES: tuple[str, ...] = tuple(_CUE_LABELS)

# Combinations a linear model cannot form on its own from independent counts.
_COMBINED: dict[str, str] = {
    "production_impact": "production impact",
    "nonprod_only_impact": "only a non-production environment affected",
    "widespread_impact": "widespread impact",
    "single_user_impact": "single user affected",
    "past_incident": "past incident",
    "exploited_security": "actively exploited",
}

FEATURE_NAMES: tuple[str, ...] = (
    tuple(f"cue:{name}{suffix}" for name in CUE_NAMES for suffix in ("", ":negated"))
    + tuple(f"cue:{name}" for name in _COMBINED)
    + ("cue:question_marks", "cue:length")
)

_SERIOUS_IMPACT = ("outage", "broken", "access", "data_loss", "corruption", "business_stopped")


def cue_label(feature_name: str) -> str:
    """Human words for a cue feature: "cue:workaround:negated" → "no workaround"."""
    body = feature_name.removeprefix("cue:")
    negated = body.endswith(":negated")
    name = body.removesuffix(":negated")
    if name in _CUE_LABELS:
        return _CUE_LABELS[name][1 if negated else 0]
    if name in _COMBINED:
        return _COMBINED[name]
    return name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class CueHit:
    """One cue found in a message: which cue, the words that triggered it, and whether denied."""

    cue: str
    text: str
    negated: bool

    @property
    def feature(self) -> str:
        return f"cue:{self.cue}:negated" if self.negated else f"cue:{self.cue}"


@dataclass(frozen=True, slots=True)
class CueReport:
    """Cues of one message: the fixed-length vector the model uses and the hits behind it."""

    vector: np.ndarray
    hits: tuple[CueHit, ...]

    def evidence_for(self, feature: str) -> str | None:
        """The message's own words behind a cue feature, for the explanation sentence."""
        for hit in self.hits:
            if hit.feature == feature:
                return hit.text
        return None


# --- vocabulary -------------------------------------------------------------------------------
# Phrases are written as slots of alternatives and expanded into every combination, because
# spaCy's PhraseMatcher (hash lookups) is ~100x faster than token patterns with IN-sets.
# A match key "cue|neg" marks failure phrases that carry their own negation ("not working"):
# a negator inside them is the symptom, not a denial of it.

Slot = str | tuple[str, ...]

_NEGATORS = frozenset(
    {"not", "n't", "nt", "no", "never", "without", "none", "nothing", "neither", "nor", "zero"}
    | {"cannot", "if", "whether", "unless"}
)
# Words that close the clause a preceding negation can reach into.
_CLAUSE_BREAKS = frozenset(
    {",", ";", ":", ".", "!", "?", "(", ")", "but", "though", "although", "however", "and", "so"}
    | {"because", "since", "while", "when", "-", "—", "–", "then", "which", "that"}
)
_NEGATION_WINDOW = 4
_FINE_AFTER = frozenset(
    {"fine", "unaffected", "ok", "okay", "healthy", "untouched", "normal", "good", "stable"}
    | {"unimpacted", "green", "working"}
)
_WORKAROUND_FAILS = frozenset(
    {"fail", "useless", "unacceptable", "impractical", "unworkable", "unsustainable", "not"}
)
_POST_CLAUSE_END = frozenset({"but", ";", ".", "!", "?", "however"})

_PEOPLE_UNITS: tuple[tuple[str, str], ...] = tuple(
    (word, word + "s")
    for word in (
        "user", "customer", "employee", "agent", "member", "shopper", "client", "tenant",
        "store", "site", "location", "office", "region", "device", "service", "pipeline", "job",
        "dashboard", "build", "node", "server", "team", "account", "merchant", "patient",
        "driver", "student", "warehouse", "workspace", "project", "request", "order",
        "transaction", "payment", "email", "message", "campaign", "query", "report", "meeting",
        "call", "endpoint", "host", "cluster", "instance", "deployment", "repo", "org",
        "department", "school", "hospital", "clinic", "restaurant", "plant", "gateway", "sensor",
        "vehicle", "terminal", "checkout", "login", "subscriber", "contact", "integration", "api",
        "app", "database", "table", "record", "environment", "application", "colleague",
        "worker", "machine", "till", "register", "room", "participant", "attendee", "seller",
        "buyer", "guest", "partner", "reseller", "runner", "agent", "camera", "kiosk", "printer",
        "shop", "venue", "event", "invoice", "payslip", "employer", "manager", "admin",
        "operator", "technician", "nurse", "doctor", "teacher", "courier", "unit", "tablet",
        "phone", "laptop", "workstation", "branch", "facility", "brand",
    )
) + (("person", "people"), ("staff", "staff"), ("traffic", "traffic"), ("class", "classes"),
     ("branch", "branches"), ("mailbox", "mailboxes"), ("box", "boxes"), ("city", "cities"),
     ("company", "companies"), ("country", "countries"), ("entity", "entities"))  # fmt: skip
_SINGULAR = tuple(sorted({s for s, _ in _PEOPLE_UNITS}))
_PLURAL = tuple(sorted({p for _, p in _PEOPLE_UNITS}))
_WHOLE = (
    "company", "organisation", "organization", "org", "team", "fleet", "site", "platform",
    "store", "cluster", "region", "system", "business", "office", "department", "estate",
    "production", "prod", "workspace", "tenant", "account", "country", "network", "app",
    "application", "service", "website", "shop", "hospital", "school", "warehouse", "floor",
    "staff", "workforce", "call centre", "call center", "contact centre", "userbase",
    "user base", "customer base", "infrastructure", "stack", "pipeline", "factory", "chain",
)  # fmt: skip
_NONPROD_PREFIX = (
    "staging", "stage", "sandbox", "uat", "preprod", "nonprod", "qa", "non-production",
    "pre-production", "dev", "development", "test", "testing", "demo", "trial", "lab", "pilot",
    "beta", "canary", "training", "integration",
)  # fmt: skip
_NONPROD_NOUN = (
    "environment", "env", "envs", "environments", "server", "servers", "instance", "instances",
    "cluster", "clusters", "tenant", "fleet", "account", "system", "workspace", "org", "box",
    "site", "store", "devices", "device", "project", "database", "db", "stack", "setup",
    "realm", "region", "namespace", "deployment", "vm", "vms", "machine", "appliance", "node",
    "nodes", "subscription", "portal", "shop", "app", "units", "rig", "copy", "version",
)  # fmt: skip
_NOT = ("not", "n't", "nt", "never")
_AUX = ("can", "ca", "could", "wo", "will", "do", "does", "did", "is", "are", "was", "were")
_DEGREE = (
    "", "completely", "totally", "fully", "entirely", "all", "still", "now", "just", "basically",
    "effectively", "hard", "again", "currently", "also", "literally", "not", "partially",
    "apparently", "suddenly", "back",
)  # fmt: skip
_SYSTEMS = (
    "site", "website", "app", "application", "service", "system", "server", "servers", "api",
    "cluster", "platform", "store", "shop", "checkout", "portal", "everything", "prod",
    "production", "database", "db", "node", "nodes", "gateway", "broker", "brokers", "backend",
    "instance", "login", "sso", "network", "stack", "endpoint", "tenant", "dashboard", "vpn",
)  # fmt: skip
_ACCESS_VERBS = (
    "log in", "login", "log on", "logon", "sign in", "sign-in", "signin", "sign on", "access",
    "connect", "authenticate", "reach", "get in", "get into", "join", "open the app",
)  # fmt: skip
_BUSINESS_VERBS = (
    "process", "ship", "sell", "invoice", "pay", "run payroll", "bill", "dispatch", "fulfil",
    "fulfill", "trade", "operate", "take payments", "take orders", "accept payments", "send",
    "deploy", "release", "book", "check out", "checkout", "work", "do their job",
    "do our job", "do their jobs", "serve", "treat", "admit", "print", "scan", "close",
    "submit", "place orders", "receive", "start",
)  # fmt: skip
_LOSS_OBJECTS = (
    "data", "record", "order", "email", "message", "event", "file", "transaction", "change",
    "entry", "row", "payment", "history", "log", "metric", "document", "photo", "recording",
    "note", "submission", "response", "timesheet", "contact", "all", "everything", "some",
)  # fmt: skip
_AMOUNTS = (
    "amounts", "amount", "totals", "total", "balances", "balance", "data", "values", "charges",
    "payments", "pay", "salaries", "salary", "records", "orders", "invoices", "numbers",
    "prices", "tax", "taxes", "payslips", "figures", "results", "stock", "inventory",
    "readings", "counts",
)  # fmt: skip


def _expand(*slots: Slot) -> list[str]:
    """Every phrase formed by picking one alternative per slot ("" leaves a slot out)."""
    phrases = [""]
    for slot in slots:
        options = (slot,) if isinstance(slot, str) else slot
        phrases = [f"{p} {o}".strip() for p in phrases for o in options]
    return [" ".join(p.split()) for p in phrases if p.strip()]


def _entity_phrases() -> dict[str, list[str]]:
    """Environment and scope phrases, labelled spans added by the EntityRuler."""
    return {
        "env_production": [
            "production",
            "prod",
            "prd",
            "prod env",
            "live site",
            "live store",
            "live shop",
            "live environment",
            "live system",
            "live website",
            "live instance",
            "production-",
        ],  # fmt: skip
        "env_nonprod": _expand(_NONPROD_PREFIX, _NONPROD_NOUN)
        + ["staging", "sandbox", "uat", "preprod", "pre-prod", "pre-production", "nonprod"]
        + ["non-prod", "non-production", "test-", "dev-", "qa-", "staging-", "lower env"],
        "scope_all": _expand("all", ("", "of"), ("", "our", "the", "my", "their", "its"), _PLURAL)
        + _expand(("every", "every single", "each and every"), _SINGULAR)
        + _expand(("", "the", "our", "my"), ("entire", "whole"), _WHOLE)
        + _expand(("company", "org", "site", "fleet", "organisation", "organization"), "-wide")
        + _expand(("none", "not one"), "of", ("our", "the", "my"), _PLURAL)
        + [
            "everyone",
            "everybody",
            "nobody",
            "no one",
            "everything",
            "companywide",
            "sitewide",
            "globally",
            "everywhere",
            "100%",
            "across the board",
            "all of us",
            "all of them",
            "all regions",
            "all our",
            "any user",
            "any customer",
            "no user",
            "no customer",
            "no customers",
            "no users",
        ],  # fmt: skip
        "scope_some": _expand(
            (
                "some",
                "several",
                "many",
                "a few",
                "few",
                "a handful of",
                "a subset of",
                "most",
                "half",
                "half of",
                "half the",
                "a couple of",
                "a number of",
                "certain",
                "some of",
                "a few of",
                "most of",
                "many of",
                "two",
                "three",
                "a dozen",
            ),
            ("", "our", "the"),
            _PLURAL,
        ),  # fmt: skip
        "scope_one": _expand(
            (
                "one",
                "a single",
                "one single",
                "a specific",
                "one particular",
                "only one",
                "just one",
                "a particular",
                "an individual",
                "a certain",
                "one specific",
            ),
            _SINGULAR,
        )
        + _expand(("one of", "only one of", "just one of"), ("our", "the", "my"), _PLURAL)
        + _expand(
            ("my", "her", "his"), ("account", "laptop", "machine", "phone", "profile", "login")
        )
        + _expand(("a", "one", "our", "my"), ("colleague", "coworker", "co-worker", "intern"))
        + [
            "only me",
            "just me",
            "only for me",
            "just for me",
            "only him",
            "only her",
            "only this user",
            "just this user",
            "this one user",
            "for one person",
            "new hire",
            "one person",
            "a single person",
            "only affects me",
        ],  # fmt: skip
    }


def _lower_phrases() -> dict[str, list[str]]:
    """Cue phrases matched on the lower-cased surface form."""
    return {
        "outage": [
            "outage",
            "outages",
            "downtime",
            "offline",
            "unavailable",
            "unreachable",
            "inaccessible",
            "unusable",
            "unresponsive",
            "crashloop",
            "crashlooping",
            "crash-looping",
            "crash looping",
            "dead",
            "halted",
            "blackout",
            "standstill",
            "5xx",
            "502",
            "503",
            "504",
            "500s",
            "502s",
            "503s",
            "504s",
            "bad gateway",
            "service unavailable",
            "spins forever",
            "spinning forever",
            "stuck in",
            "stuck on",
            "stuck at",
            "down for",
            "down since",
            "down again",
            "hard down",
            "went dark",
            "🚨",
            "rotating_light",
            "dead in the water",
            "flatlined",
            "flat-lined",
        ]  # fmt: skip
        + _expand(_SYSTEMS, ("", "is", "are", "'s"), "down"),
        "outage|neg": _expand(
            _NOT,
            (
                "responding",
                "reachable",
                "available",
                "accessible",
                "up",
                "booting",
                "coming up",
                "loading at all",
                "come up",
                "boot",
                "respond",
            ),
        ),  # fmt: skip
        "broken": [
            "broken",
            "failing",
            "fails",
            "failed",
            "failure",
            "failures",
            "errors out",
            "erroring",
            "error out",
            "errored",
            "blank page",
            "blank screen",
            "white screen",
            "throws an error",
            "throwing errors",
            "all red",
            "refuses",
            "rejected",
            "rejects",
            "bounced",
            "bouncing",
            "bounces",
            "stuck",
            "hangs",
            "hanging",
            "frozen",
        ],  # fmt: skip
        "broken|neg": _expand(
            _NOT,
            (
                "working",
                "work",
                "loading",
                "load",
                "starting",
                "start",
                "opening",
                "open",
                "running",
                "syncing",
                "sync",
                "sending",
                "send",
                "saving",
                "save",
                "processing",
                "updating",
                "showing",
                "arriving",
                "delivered",
                "going through",
            ),
        )
        + _expand(
            ("stopped", "stop", "stops", "quit"),
            (
                "working",
                "processing",
                "sending",
                "syncing",
                "running",
                "loading",
                "responding",
                "arriving",
                "reporting",
                "ingesting",
                "delivering",
                "updating",
            ),
        )
        + _expand("nothing", ("works", "loads", "happens", "gets through", "comes through")),
        "access": _expand("unable to", _ACCESS_VERBS)
        + _expand(
            ("login", "logins", "sso", "authentication", "sign-in", "signin", "auth", "mfa", "2fa"),
            ("fails", "failing", "failed", "broken", "errors", "error", "rejected", "loop"),
        )
        + [
            "locked out",
            "lockout",
            "lockouts",
            "locked-out",
            "access denied",
            "kicked out",
            "logged out",
            "401",
            "403",
            "forbidden",
            "invalid credentials",
            "sso error",
        ],  # fmt: skip
        "access|neg": _expand(_AUX, _NOT, _ACCESS_VERBS)
        + _expand(("nobody", "no one"), ("can", "could", "is able to"), _ACCESS_VERBS),
        "data_loss": [
            "data loss",
            "loss of data",
            "lost data",
            "missing data",
            "data missing",
            "data is gone",
            "data gone",
            "data disappeared",
            "deleted",
            "gone",
            "missing",
            "disappeared",
            "vanished",
            "wiped",
            "purged",
            "erased",
            "lost",
            "dropped",
            "overwrote",
            "rolled back",
            "truncated table",
        ],  # fmt: skip
        "corruption": _expand(("wrong", "incorrect", "duplicate", "duplicated", "double"), _AMOUNTS)
        + [
            "corrupt",
            "corrupted",
            "corruption",
            "corrupting",
            "garbled",
            "mangled",
            "scrambled",
            "overwritten",
            "double charged",
            "double-charged",
            "charged twice",
            "paid twice",
            "inconsistent data",
            "data mismatch",
            "mismatched",
            "checksum",
            "integrity",
            "torn page",
            "unreadable",
            "bad data",
            "garbage",
        ],  # fmt: skip
        "breach": [
            "exploitation",
            "intrusion",
            "ransomware",
            "attacker",
            "attackers",
            "malware",
            "phishing",
            "unauthorized access",
            "unauthorised access",
            "exposed to",
            "publicly accessible",
            "publicly exposed",
            "someone logged in",
            "someone accessed",
            "logged in as",
            "credential stuffing",
            "account takeover",
            "suspicious logins",
            "suspicious activity",
            "actively exploited",
            "in the wild",
            "being exploited",
            "data exposure",
            "exposed",
            "hacker",
            "hackers",
            "strangers",
            "outsiders",
            "someone else's",
            "other customers' data",
            "other customer's data",
            "impersonat",
        ],  # fmt: skip
        "vulnerability": [
            "vulnerability",
            "vulnerabilities",
            "vulnerable",
            "xss",
            "cross-site scripting",
            "csrf",
            "ssrf",
            "rce",
            "idor",
            "exploitable",
            "sql injection",
            "injection",
            "privilege escalation",
            "bypass",
            "bypassed",
            "vuln",
            "path traversal",
            "directory traversal",
            "security hole",
            "security issue",
            "security bug",
            "security flaw",
            "escalate privileges",
            "without authentication",
            "unauthenticated",
            "can see other",
            "can access other",
            "proof of concept",
            "poc",
        ],  # fmt: skip
        "security_inquiry": [
            "questionnaire",
            "soc 2",
            "soc2",
            "iso 27001",
            "iso27001",
            "pen test",
            "pentest",
            "penetration test",
            "are you affected",
            "is your product affected",
            "affected by",
            "gdpr",
            "hipaa",
            "pci",
            "pci-dss",
            "pci dss",
            "dpa",
            "compliance",
            "security review",
            "vendor assessment",
            "data processing agreement",
            "encryption at rest",
            "sub-processor",
            "subprocessor",
            "audit",
            "auditor",
            "auditors",
            "security policy",
            "ccpa",
            "data residency",
            "retention policy",
            "sig lite",
            "caiq",
            "trust center",
            "security team asked",
            "security whitepaper",
            "cve",
            "advisory",
            "patched against",
            "do you encrypt",
            "is data encrypted",
            "certification",
            "certified",
        ],  # fmt: skip
        "business_stopped": _expand("unable to", _BUSINESS_VERBS)
        + [
            "revenue",
            "losing money",
            "losing sales",
            "lost sales",
            "lost revenue",
            "losing revenue",
            "losing orders",
            "lost orders",
            "blocked",
            "blocking",
            "blocker",
            "halted",
            "stalled",
            "standstill",
            "nothing ships",
            "nothing has shipped",
            "nothing is shipping",
            "nothing goes out",
            "nothing deploys",
            "business critical",
            "business-critical",
            "business stopped",
            "operations stopped",
            "line is stopped",
            "line stopped",
            "sitting idle",
            "sent home",
            "by hand",
            "penalties",
            "penalty",
            "sla breach",
        ],  # fmt: skip
        "business_stopped|neg": _expand(
            ("can", "ca", "could", "are", "were"), _NOT, _BUSINESS_VERBS
        )
        + _expand(
            ("no", "zero"),
            (
                "orders",
                "sales",
                "payments",
                "transactions",
                "deliveries",
                "shipments",
                "bookings",
                "sign-ups",
                "signups",
                "revenue",
            ),
        )
        + _expand(("nobody", "no one"), ("can", "could", "is able to"), _BUSINESS_VERBS),
        "performance": [
            "slow",
            "slower",
            "slowly",
            "slowness",
            "latency",
            "sluggish",
            "laggy",
            "lag",
            "lagging",
            "timeout",
            "timeouts",
            "timing out",
            "times out",
            "timed out",
            "degraded",
            "degradation",
            "backlog",
            "delayed",
            "delay",
            "delays",
            "throttled",
            "throttling",
            "takes forever",
            "taking forever",
            "high cpu",
            "spinner",
            "queued",
            "p95",
            "p99",
            "response time",
            "response times",
            "load time",
            "choppy",
            "jitter",
            "freezes",
            "buffering",
            "performance",
        ],  # fmt: skip
        "intermittent": [
            "intermittent",
            "intermittently",
            "sometimes",
            "occasionally",
            "sporadic",
            "sporadically",
            "randomly",
            "random",
            "flaky",
            "flakey",
            "now and then",
            "from time to time",
            "once in a while",
            "every few",
            "a few times",
            "on and off",
            "off and on",
            "some of the time",
            "hit or miss",
            "inconsistently",
            "every now and then",
            "here and there",
            "once or twice",
            "every other",
            "some days",
            "some mornings",
            "some nights",
            "a couple of times",
            "twice",
        ],  # fmt: skip
        "intermittent|neg": [
            "not always",
            "not every time",
            "not consistently",
            "not all the time",
        ],
        "workaround": [
            "workaround",
            "workarounds",
            "work around",
            "work-around",
            "worked around",
            "working around",
            "stopgap",
            "manually",
            "re-run",
            "rerun",
            "rerunning",
            "re-running",
            "re-try",
            "retry",
            "retrying",
            "retried",
            "in the meantime",
            "for now we",
            "for now ,",
            "can still",
            "could still",
            "still works",
            "still able",
            "still possible",
            "instead",
            "temporary fix",
            "fall back",
            "fallback",
            "falling back",
            "switched to",
            "using the api",
            "via the api",
            "as a workaround",
            "by restarting",
            "a restart fixes",
            "restart fixes",
            "restarting fixes",
            "refresh fixes",
            "refreshing fixes",
            "clearing the cache",
            "incognito",
            "alternative",
            "meanwhile",
            "we can live with",
            "use the old",
        ],  # fmt: skip
        "question": [
            "how do i",
            "how do we",
            "how can i",
            "how can we",
            "how to",
            "how should",
            "how would",
            "where can i",
            "where do i",
            "where can we",
            "where do we",
            "is there a way",
            "is there any way",
            "is it possible",
            "is there an option",
            "is there a setting",
            "any way to",
            "can you explain",
            "could you explain",
            "can you clarify",
            "could you clarify",
            "do you support",
            "does it support",
            "quick question",
            "wondering",
            "curious",
            "what is the best",
            "what's the best",
            "what is the recommended",
            "is this expected",
            "is that expected",
            "what does",
            "question about",
            "a question",
            "how does",
            "can i",
            "can we",
            "do i need",
            "do we need",
            "should we",
            "should i",
            "best practice",
            "recommendation",
            "advice",
            "guidance",
            "documentation for",
            "tutorial",
            "example of",
        ],  # fmt: skip
        "feature_request": [
            "feature request",
            "feature idea",
            "feature suggestion",
            "enhancement",
            "roadmap",
            "wishlist",
            "wish list",
            "any plans",
            "ability to",
            "option to",
            "possibility to",
            "would love to see",
            "would like to see",
            "would love to have",
            "we need a way",
            "we'd like a way",
            "a setting to",
            "a toggle",
            "it would help if",
            "i wish",
            "we wish",
            "suggestion",
            "improvement",
            "new feature",
            "product idea",
            "vote for",
            "upvote",
            "please add",
            "pls add",
            "could you add",
            "can you add",
            "would you add",
            "please consider",
            "please support",
            "please allow",
        ]  # fmt: skip
        + _expand(
            "would be",
            (
                "nice",
                "great",
                "helpful",
                "useful",
                "awesome",
                "lovely",
                "ideal",
                "good",
                "amazing",
                "handy",
                "cool",
            ),
        ),
        "feature_request|neg": [
            "not supported",
            "doesn't support",
            "does not support",
            "don't support",
            "do not support",
            "there's no way to",
            "there is no way to",
            "no option to",
            "no way to",
            "no setting",
            "no ability to",
            "not possible to",
            "isn't possible",
            "is not possible",
            "can't configure",
            "cannot configure",
            "can't customize",
            "cannot customise",
            "no support for",
            "lack of",
            "lacks",
        ],  # fmt: skip
        "cosmetic": [
            "typo",
            "typos",
            "misspelled",
            "misspelling",
            "spelling",
            "misaligned",
            "alignment",
            "cosmetic",
            "font",
            "fonts",
            "colour",
            "color",
            "colours",
            "colors",
            "blurry",
            "pixelated",
            "overlapping",
            "overlaps",
            "padding",
            "spacing",
            "icon",
            "icons",
            "logo",
            "css",
            "layout",
            "dark mode",
            "tooltip",
            "wording",
            "translation",
            "capitalisation",
            "capitalization",
            "looks weird",
            "looks odd",
            "looks off",
            "ugly",
            "off by a pixel",
            "cut off",
            "truncated",
            "emoji",
            "favicon",
            "placeholder",
            "grammar",
            "visual",
            "visually",
            "ui glitch",
            "display glitch",
            "rendering",
            "renders",
            "mislabeled",
            "mislabelled",
            "wrong language",
            "date format",
        ],  # fmt: skip
        "documentation": [
            "documentation",
            "docs",
            "doc page",
            "the doc",
            "readme",
            "help article",
            "help center",
            "help centre",
            "knowledge base",
            "broken link",
            "dead link",
            "outdated",
            "out of date",
            "the guide",
            "api reference",
            "changelog",
            "release notes",
            "the manual",
            "user guide",
            "admin guide",
            "kb article",
            "example code",
            "code sample",
            "sample code",
            "swagger",
            "openapi spec",
        ],  # fmt: skip
        "rca_request": [
            "rca",
            "root cause",
            "root-cause",
            "post-incident",
            "postmortem",
            "post-mortem",
            "post mortem",
            "incident report",
            "what happened",
            "write-up",
            "writeup",
            "incident review",
            "full explanation",
            "explanation of",
            "prevent this from",
            "prevent a recurrence",
            "does not happen again",
            "doesn't happen again",
            "won't happen again",
            "happen again",
            "analysis of",
            "preventive measures",
            "corrective actions",
            "lessons learned",
            "our management asks",
            "timeline of",
        ],  # fmt: skip
        "resolved": [
            "resolved",
            "recovered",
            "restored",
            "mitigated",
            "fixed itself",
            "back up",
            "back online",
            "back to normal",
            "working again",
            "fine now",
            "ok now",
            "okay now",
            "came back",
            "yesterday's incident",
            "yesterday's outage",
            "last week's",
            "last night's incident",
            "last night's outage",
            "the incident on",
            "the outage on",
            "was down",
            "were down",
            "was unavailable",
            "were unavailable",
            "recovered by",
            "has since",
            "since recovered",
            "self-resolved",
            "resolved itself",
            "for the record",
            "after the fact",
            "already fixed",
            "now working",
            "is working now",
            "all good now",
        ],  # fmt: skip
        "billing": [
            "invoice",
            "invoices",
            "invoiced",
            "billing",
            "billed",
            "license",
            "licence",
            "licenses",
            "licences",
            "licensing",
            "seat",
            "seats",
            "subscription",
            "renewal",
            "renew",
            "pricing",
            "price",
            "quote",
            "purchase order",
            "po number",
            "vat",
            "receipt",
            "credit card",
            "payment method",
            "upgrade our plan",
            "downgrade",
            "plan",
            "tier",
            "refund",
            "cancel our",
            "cancellation",
            "account owner",
            "change the owner",
            "contract",
            "overage",
            "charged us",
            "charge us",
            "discount",
            "annual",
            "monthly fee",
            "quota",
            "trial",
            "upgrade",
            "tax id",
            "billing contact",
        ],  # fmt: skip
        "minimal_impact": [
            "low priority",
            "when you get a chance",
            "minor",
            "small thing",
            "purely cosmetic",
            "nice to have",
            "whenever",
            "just fyi",
            "fyi",
            "at your convenience",
            "when you have time",
            "only cosmetic",
            "just cosmetic",
            "little thing",
            "small issue",
            "minor issue",
            "low impact",
            "minimal impact",
            "annoying",
            "annoyance",
            "not a huge deal",
            "no biggie",
            "just curious",
            "out of curiosity",
            "just wondering",
            "small request",
            "tiny",
            "slightly",
        ],  # fmt: skip
        "minimal_impact|neg": [
            "no rush",
            "not urgent",
            "not blocking",
            "no impact",
            "no hurry",
            "not a big deal",
            "not critical",
            "not a blocker",
            "no big deal",
            "nothing urgent",
            "non-urgent",
            "non urgent",
            "not time-sensitive",
            "not time sensitive",
            "no business impact",
            "not affecting",
            "doesn't affect",
            "does not affect",
            "not impacting",
        ],  # fmt: skip
    }


def _lemma_phrases() -> dict[str, list[str]]:
    """Cue phrases matched on lemmas, so one entry covers every inflection ("went down")."""
    return {
        "outage": _expand(("be", "go", "seem", "look"), _DEGREE, "down")
        + ["crash", "hang", "freeze", "go offline", "fall over", "take down", "bring down"],
        "broken": ["error out", "blow up", "break", "fail", "keep fail"],
        "data_loss": _expand("lose", _LOSS_OBJECTS) + ["wipe out", "disappear", "vanish"],
        "corruption": ["corrupt", "mangle", "garble", "scramble"],
        "breach": [
            "breach",
            "exploit",
            "compromise",
            "leak",
            "hack",
            "exfiltrate",
            "steal",
            "hijack",
            "impersonate",
        ],  # fmt: skip
        "workaround": ["work around", "get around", "fall back"],
        "feature_request": ["wish", "suggest", "request a feature"],
        "resolved": ["recover", "resolve itself", "come back", "come back up"],
    }


class CuePipeline:
    """The rule-based spaCy pipeline and matchers, built once per process (see `cue_pipeline`)."""

    def __init__(self) -> None:
        nlp: Language = spacy.blank("en")
        nlp.tokenizer = ChunkCachedTokenizer(nlp.tokenizer, nlp.vocab)  # same Docs, faster
        # spaCy's sentencizer and lookup lemmatizer, computed on token arrays (same output).
        nlp.add_pipe("array_sentencizer", name="sentencizer")
        nlp.add_pipe("array_lookup_lemmatizer", name="lemmatizer")
        nlp.initialize()
        # Added after initialize(): initialize() would wipe the ruler's patterns.
        ruler = nlp.add_pipe(
            "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
        )
        ruler.add_patterns(  # type: ignore[attr-defined]
            [
                {"label": label, "pattern": phrase}
                for label, phrases in _entity_phrases().items()
                for phrase in dict.fromkeys(phrases)
            ]
        )
        self.nlp = nlp
        self.surface = PhraseMatcher(nlp.vocab, attr="LOWER")
        for key, phrases in _lower_phrases().items():
            self.surface.add(key, [nlp.make_doc(p) for p in dict.fromkeys(phrases)])
        self.lemmas = PhraseMatcher(nlp.vocab, attr="LEMMA")
        with nlp.select_pipes(enable=["lemmatizer"]):
            for key, phrases in _lemma_phrases().items():
                self.lemmas.add(key, list(nlp.pipe(dict.fromkeys(phrases))))
        # Regex predicates are slow: run this one only on texts that mention "cve".
        self.cve_ids = Matcher(nlp.vocab)
        self.cve_ids.add("security_inquiry", [[{"LOWER": {"REGEX": r"^cve-\d"}}]])
        # spaCy's vocab grows while processing, and the matchers are not re-entrant.
        self._lock = threading.Lock()
        # Classifying a ticket needs its cues twice (model features, then the explanation's
        # evidence words); remembering the latest reports avoids running spaCy twice.
        self._recent: OrderedDict[str, CueReport] = OrderedDict()

    def reports(self, texts: Iterable[str]) -> list[CueReport]:
        prepared = [_prepare(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(t for t in prepared if t not in self._recent))
            fresh = dict(zip(missing, self._analyse(missing), strict=True))
            out = [fresh.get(t) or self._recent[t] for t in prepared]
            for text, report in fresh.items():
                self._recent[text] = report
            while len(self._recent) > _RECENT_REPORTS:
                self._recent.popitem(last=False)
            return out

    def _analyse(self, prepared: list[str]) -> list[CueReport]:
        if len(prepared) == 1:  # nlp() skips pipe()'s batching machinery: faster for one text
            return [self._report(prepared[0], self.nlp(prepared[0]))]
        docs = self.nlp.pipe(prepared, batch_size=_BATCH_SIZE)
        return [self._report(text, doc) for text, doc in zip(prepared, docs, strict=True)]

    def _report(self, text: str, doc: Doc) -> CueReport:
        keyed = _entity_spans(doc)
        strings = doc.vocab.strings
        for matcher in (self.surface, self.lemmas):
            keyed.extend((strings[match_id], start, end) for match_id, start, end in matcher(doc))
        keyed.extend(_shape_spans(doc))
        if "cve" in text:
            keyed.extend((strings[key], start, end) for key, start, end in self.cve_ids(doc))
        sentence_of = _sentence_index(doc)
        scope_tokens = {
            i for key, start, end in keyed if key.startswith("scope_") for i in range(start, end)
        }
        found: list[_Found] = []
        for key, start, end in _longest_per_cue(keyed):
            cue, _, form = key.partition("|")
            negated = _is_negated(doc, cue, start, end, sentence_of, scope_tokens, form == "neg")
            found.append(_Found(cue, doc[start:end].text, negated, sentence_of[start]))
        hits = tuple(CueHit(f.cue, f.text, f.negated) for f in found)
        return CueReport(vector=_vectorise(doc, found, sentence_of), hits=hits)


@dataclass(frozen=True, slots=True)
class _Found:
    cue: str
    text: str
    negated: bool
    sentence: int


def _prepare(text: str) -> str:
    # Lower-cased because the lookup lemmatizer is case-sensitive ("Customers" stays as is).
    return text[:MAX_CUE_CHARS].lower()


def _entity_spans(doc: Doc) -> list[tuple[str, int, int]]:
    """(label, start, end) of the EntityRuler's spans, read from the token arrays.

    Equivalent to iterating `doc.ents`, which builds a Token object per token and was the
    single largest cost of the cue features.
    """
    if len(doc) == 0:
        return []
    iob, types = doc.to_array(["ENT_IOB", "ENT_TYPE"]).T.tolist()
    strings = doc.vocab.strings
    spans: list[tuple[str, int, int]] = []
    start = -1
    for i, code in enumerate(iob):
        if code == 3 or (code != 1 and start >= 0):  # B opens; O or missing closes
            if start >= 0:
                spans.append((strings[types[start]], start, i))
            start = i if code == 3 else -1
    if start >= 0:
        spans.append((strings[types[start]], start, len(iob)))
    return spans


_TIME_UNITS = ("seconds", "minutes", "hours", "secs")


def _shape_spans(doc: Doc) -> list[tuple[str, int, int]]:
    """The cues that need token shapes rather than fixed words, found on token arrays.

    Same spans as these Matcher patterns, which walked the Doc token by token:
    scope_some `[LIKE_NUM] % of`, performance `[LIKE_NUM] seconds|minutes|hours|secs`,
    question `how` opening a sentence.
    """
    n = len(doc)
    if n == 0:
        return []
    strings = doc.vocab.strings
    lower, like_num, sent_start = doc.to_array([LOWER, LIKE_NUM, SENT_START]).T
    number = like_num.astype(bool)
    spans: list[tuple[str, int, int]] = []
    if n >= 3:
        some = number[:-2] & (lower[1:-1] == strings["%"]) & (lower[2:] == strings["of"])
        spans.extend(("scope_some", int(i), int(i) + 3) for i in np.flatnonzero(some))
    if n >= 2:
        unit = np.isin(lower[1:], [strings[u] for u in _TIME_UNITS])
        spans.extend(
            ("performance", int(i), int(i) + 2) for i in np.flatnonzero(number[:-1] & unit)
        )
    question = (sent_start == 1) & (lower == strings["how"])
    question[0] = lower[0] == strings["how"]
    spans.extend(("question", int(i), int(i) + 1) for i in np.flatnonzero(question))
    return sorted(spans, key=lambda span: span[2])  # the Matcher's order: by end token


def _sentence_index(doc: Doc) -> list[int]:
    """Sentence number of every token (vectorised: iterating Token objects is slow)."""
    if len(doc) == 0:
        return []
    return (np.cumsum(_sentence_starts(doc)) - 1).tolist()


def _sentence_starts(doc: Doc) -> np.ndarray:
    starts = doc.to_array("SENT_START") == 1
    if len(starts):
        starts[0] = True
    return starts


def _longest_per_cue(keyed: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop a match inside a longer match of the same cue ("down" inside "went down")."""
    ordered = sorted(keyed, key=lambda k: (k[1], -(k[2] - k[1])))
    kept: list[tuple[str, int, int]] = []
    last_end: dict[str, int] = {}
    for key, start, end in ordered:
        cue = key.partition("|")[0]
        if start < last_end.get(cue, -1):
            continue
        kept.append((key, start, end))
        last_end[cue] = end
    return kept


def _is_negated(
    doc: Doc,
    cue: str,
    start: int,
    end: int,
    sentence_of: list[int],
    scope_tokens: set[int],
    negative_form: bool,
) -> bool:
    """True when a negator or a hypothetical ("if") governs the cue within its clause."""
    if not negative_form and any(
        _is_negator(doc[i]) for i in range(start, end) if i not in scope_tokens
    ):
        return True  # "is not down": the negation sits inside the matched phrase
    sentence = sentence_of[start]
    i = start - 1
    seen = 0
    while i >= 0 and seen < _NEGATION_WINDOW and sentence_of[i] == sentence:
        token = doc[i]
        if token.is_space or token.lower_ in _CLAUSE_BREAKS:
            break
        # "no one can log in" is a scope, not a denial of the login failure.
        if i not in scope_tokens and _is_negator(token):
            return True
        seen += 1
        i -= 1
    if cue in ("env_production", "workaround"):
        return _denied_after(doc, cue, end, sentence_of)
    return False


def _is_negator(token: Token) -> bool:
    return token.lower_ in _NEGATORS or token.lemma_ == "not"


def _denied_after(doc: Doc, cue: str, end: int, sentence_of: list[int]) -> bool:
    """Denial that follows the cue: "production is fine", "the workaround doesn't work"."""
    sentence = sentence_of[end - 1]
    for i in range(end, min(len(doc), end + 8)):
        token = doc[i]
        if sentence_of[i] != sentence or token.is_space or token.lower_ in _POST_CLAUSE_END:
            return False
        if cue == "env_production" and (
            token.lower_ in _FINE_AFTER
            or (
                _is_negator(token)
                and i + 1 < len(doc)
                and doc[i + 1].lower_ in {"affected", "impacted", "involved"}
            )
        ):
            return True
        if cue == "workaround" and (token.lemma_ in _WORKAROUND_FAILS or _is_negator(token)):
            return True
    return False


def _vectorise(doc: Doc, found: Sequence[_Found], sentence_of: list[int]) -> np.ndarray:
    counts = np.zeros(len(FEATURE_NAMES), dtype=np.float64)
    for f in found:
        counts[_FEATURE_INDEX[f"cue:{f.cue}:negated" if f.negated else f"cue:{f.cue}"]] += 1.0
    vector = np.log1p(counts)

    asserted = {f.cue for f in found if not f.negated}
    denied = {f.cue for f in found if f.negated}
    impact = bool(asserted.intersection(_SERIOUS_IMPACT))
    prod_sentences = {f.sentence for f in found if f.cue == "env_production" and not f.negated}
    impact_sentences = {f.sentence for f in found if f.cue in _SERIOUS_IMPACT and not f.negated}
    prod_impact_together = bool(prod_sentences & impact_sentences)
    prod = "env_production" in asserted
    nonprod = "env_nonprod" in asserted
    combined = {
        "production_impact": impact and (prod_impact_together or (prod and not nonprod)),
        "nonprod_only_impact": impact
        and nonprod
        and not prod_impact_together
        and (not prod or "env_production" in denied),
        "widespread_impact": impact and "scope_all" in asserted,
        "single_user_impact": "scope_one" in asserted and "scope_all" not in asserted,
        "past_incident": "resolved" in asserted and ("rca_request" in asserted or impact),
        "exploited_security": "breach" in asserted,
    }
    for name, on in combined.items():
        vector[_FEATURE_INDEX[f"cue:{name}"]] = 1.0 if on else 0.0
    n_sentences = (sentence_of[-1] + 1) if sentence_of else 1
    # Sentences ending in "?": a "?" token followed by a sentence start (or the end).
    question_marks = doc.to_array("ORTH") == doc.vocab.strings["?"]
    ends_sentence = np.append(_sentence_starts(doc)[1:], True)
    questions = int(np.sum(question_marks & ends_sentence)) if len(doc) else 0
    vector[_FEATURE_INDEX["cue:question_marks"]] = min(1.0, questions / n_sentences)
    vector[_FEATURE_INDEX["cue:length"]] = math.log1p(len(doc)) / 8.0
    return vector


_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


@cache
def cue_pipeline() -> CuePipeline:
    """The process-wide cue pipeline: building spaCy and the matchers takes ~1 s, so do it once."""
    return CuePipeline()


def extract_cues(text: str) -> CueReport:
    """Cues of one message (subject and customer text joined)."""
    return cue_pipeline().reports([text])[0]


def extract_cues_many(texts: Sequence[str]) -> list[CueReport]:
    """Cues of many messages through spaCy's batched `pipe` (much faster than one by one)."""
    return cue_pipeline().reports(texts)


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """The (n_texts, len(FEATURE_NAMES)) cue matrix the model consumes."""
    reports = extract_cues_many(texts)
    if not reports:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float64)
    return np.vstack([r.vector for r in reports])
