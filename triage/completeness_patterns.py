"""Pattern data for the completeness checker's spaCy matchers and entity ruler.

Kept apart from the detection logic so the vocabulary can grow without touching code. All
patterns are general support-language phrasing written for this project; none are copied
from evaluation data. Word lists are named constants so token patterns stay one line each.
"""

from __future__ import annotations

from typing import Any

Pattern = list[dict[str, Any]]


def word_set(words: str) -> frozenset[str]:
    """A set of whitespace-separated words: keeps long vocabularies readable in code."""
    return frozenset(words.split())


def _lower(*words: str, op: str | None = None) -> dict[str, Any]:
    """A token whose lowercase form is one of `words` (optionally with a quantifier)."""
    token: dict[str, Any] = {"LOWER": {"IN": list(words)}}
    if op:
        token["OP"] = op
    return token


def _one_of(words: list[str], op: str | None = None) -> dict[str, Any]:
    return _lower(*words, op=op)


# --- vocabulary -----------------------------------------------------------------------------

NUMBER_WORDS = [
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "thirty", "few", "couple", "several",
]  # fmt: skip
TIME_UNITS = [
    "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hour", "hours", "hr",
    "hrs", "h", "day", "days", "week", "weeks", "month", "months",
]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_ABBREVIATIONS = ["mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat"]
MONTHS = [
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec",
]  # fmt: skip
MONTH_NAMES_TITLE = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
TIME_ZONES = [
    "UTC", "GMT", "Z", "CET", "CEST", "EET", "EEST", "WET", "BST", "IST", "JST", "KST", "AEST",
    "AEDT", "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT", "SGT",
    "HKT", "local",
]  # fmt: skip
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night", "week", "weekend", "month", "year"]
NEGATORS = ["not", "n't", "n’t", "never", "no"]
NOT = ["not", "n't", "n’t"]

CHECK_VERBS = [
    "checked", "check", "double-checked", "rechecked", "re-checked", "verified", "confirmed",
    "validated", "tested", "compared", "reviewed", "inspected", "investigated", "ensured",
    "audited", "examined", "looked", "went", "tried", "made", "ruled", "monitored",
]  # fmt: skip
FIX_ATTEMPT_VERBS = [
    "cleared", "reinstalled", "re-installed", "restarted", "rebooted", "power-cycled",
    "powercycled", "reseated", "re-seated", "recreated", "re-created", "regenerated",
    "re-uploaded", "reuploaded", "re-added", "readded", "re-invited", "reinvited", "removed",
    "rotated", "revoked", "reset", "disabled", "wiped", "re-enrolled", "reenrolled", "reconnected",
    "reconnecting", "re-authorized", "reauthorized", "re-deployed", "redeployed", "replaced",
    "updated", "switched", "swapped", "deleted", "flushed", "purged", "re-issued", "reissued",
    "logged", "relaunched", "reinstalling", "clearing", "restarting", "rebooting", "logging",
    "enforced", "rolled",
]  # fmt: skip
# "re-uploaded" is tokenised as "re", "-", "uploaded".
RE_PREFIXED_VERBS = [
    "uploaded", "added", "invited", "created", "installed", "enrolled", "seated", "deployed",
    "issued", "authorized", "authorised", "generated", "connected", "entered", "imported",
    "synced", "linked", "paired", "registered", "configured",
]  # fmt: skip
ENVIRONMENT_NOUNS = [
    "browser", "browsers", "device", "devices", "network", "networks", "machine", "machines",
    "computer", "computers", "laptop", "laptops", "phone", "phones", "carrier", "carriers",
    "account", "accounts", "user", "users", "profile", "profiles", "vm", "vms", "hosts", "servers",
    "connection", "connections", "wifi", "wi-fi", "isp", "locations", "sites", "regions",
    "tablets", "iphones", "pcs", "queries", "files", "templates", "clients",
]  # fmt: skip
VARIETY_WORDS = [
    "different", "other", "multiple", "several", "two", "three", "four", "five", "another",
    "various", "both", "separate", "fresh", "private", "incognito", "clean",
]  # fmt: skip
BROWSERS_AND_OSES = [
    "chrome", "firefox", "safari", "edge", "opera", "brave", "chromium", "ie", "windows", "macos",
    "mac", "linux", "ios", "android", "ipad", "iphone", "desktop", "mobile", "web",
]  # fmt: skip
SAME_RESULT_NOUNS = [
    "result", "results", "error", "behaviour", "behavior", "thing", "issue", "problem", "crash",
    "timings", "story", "message", "outcome", "symptoms",
]  # fmt: skip
SAME_RESULT_AFTER = [
    "in", "on", "with", "from", "across", "everywhere", "when", "using", "for", "both", "there",
    ".",
]  # fmt: skip
OK_WORDS = [
    "fine", "ok", "okay", "healthy", "normal", "valid", "correct", "active", "open", "up",
    "reachable", "online", "verified", "granted", "enabled", "allowed", "consented", "good",
    "synced", "intact", "fresh", "present", "there", "assigned", "green", "stable", "flat",
    "identical", "unchanged", "consistent", "accurate", "configured", "set", "arriving",
    "sufficient", "resolving", "resolves", "pingable", "current", "working", "works",
]  # fmt: skip
STATE_VERBS = [
    "is", "are", "looks", "look", "seems", "seem", "shows", "show", "report", "reports", "was",
    "were", "stay", "stays", "remain", "remains", "'s", "’s", "be",
]  # fmt: skip
STATE_MODIFIERS = [
    "all", "definitely", "still", "both", "as", "completely", "perfectly", "totally", "fully",
    "is", "should", "'", '"', "“",
]  # fmt: skip
WORKS_VERBS = [
    "works", "work", "worked", "succeeds", "succeeded", "passes", "passed", "resolves", "responds",
    "completes",
]  # fmt: skip
UNCHANGED_VERBS = [
    "changed", "touched", "modified", "edited", "altered", "deployed", "change", "touch", "modify",
    "edit", "alter", "deploy", "deleted", "delete", "updated", "update",
]  # fmt: skip
NOBODY_CHANGED_VERBS = [
    "changed", "edited", "deleted", "touched", "modified", "deployed", "change", "changes",
    "wrote", "was",
]  # fmt: skip
NOT_OURS_NOUNS = [
    "file", "size", "network", "browser", "config", "firewall", "code", "cache", "content", "side",
    "integration", "link", "connection", "wifi", "signal", "device", "proxy",
]  # fmt: skip
SETTINGS_WORDS = ["settings", "admin", "profile", "config", "preferences", "members", "users"]
_BROWSERS = ["chrome", "firefox", "safari", "edge"]

REPRO_ACTION_VERBS = [
    "open", "click", "select", "go", "navigate", "run", "send", "create", "upload", "add", "set",
    "enter", "choose", "install", "upgrade", "trigger", "place", "take", "connect", "subscribe",
    "compare", "copy", "paste", "follow", "generate", "replace", "filter", "hover", "drag", "type",
    "press", "submit", "call", "post", "load", "start", "join", "stop", "push", "assign", "change",
    "edit", "delete", "import", "export", "search", "apply", "configure", "enable", "disable",
    "refresh", "visit", "sign", "schedule", "duplicate", "restore", "launch", "execute", "invoke",
    "request", "query", "fill", "tap", "watch", "inspect", "look", "log", "login", "reboot",
    "restart", "save", "share", "drill", "pay", "checkout", "buy", "invite", "book", "approve",
    "print", "download", "scan", "deploy", "build", "test", "leave", "wait", "reload", "close",
    "use", "put", "make", "attach", "render", "move", "rename", "resize", "zoom", "scroll",
    "switch", "capture", "issue", "refund", "cancel", "void", "charge", "authorize", "process",
    "sync", "fire", "complete", "receive", "reply", "forward", "reconnect", "disconnect", "plug",
    "unplug", "power", "rotate", "revoke", "grant", "remove", "archive", "publish", "merge",
    "commit", "tag", "release", "migrate", "convert", "map", "link", "pair", "enroll", "register",
    "claim", "provision", "reject", "transfer", "sort", "group", "color", "colour", "expand",
    "collapse", "toggle", "uncheck", "answer", "dial", "record", "play", "mute", "unmute",
    "proceed", "return", "clone", "fork", "update",
]  # fmt: skip
REPRO_GERUNDS = [
    "clicking", "opening", "selecting", "running", "sending", "creating", "uploading", "adding",
    "setting", "entering", "choosing", "installing", "upgrading", "triggering", "placing",
    "connecting", "submitting", "calling", "posting", "loading", "starting", "joining", "pushing",
    "assigning", "changing", "editing", "deleting", "importing", "exporting", "searching",
    "applying", "enabling", "disabling", "refreshing", "saving", "sharing", "downloading",
    "printing", "approving", "scheduling", "restoring", "typing", "pressing", "tapping",
    "filtering", "hovering", "dragging", "launching", "executing", "generating", "duplicating",
    "renaming", "moving", "switching", "using",
]  # fmt: skip
THIRD_PERSON_ACTIONS = [
    "clicks", "opens", "selects", "enters", "uploads", "sends", "adds", "runs", "creates",
    "changes", "submits", "joins", "starts", "presses", "types", "taps", "saves", "imports",
    "exports", "installs", "upgrades", "logs", "signs", "pays", "places", "applies", "scans",
    "downloads", "shares", "books", "approves", "schedules", "edits", "deletes", "connects",
]  # fmt: skip
PAST_ACTIONS = [
    "clicked", "opened", "selected", "entered", "uploaded", "sent", "added", "ran", "created",
    "changed", "submitted", "joined", "started", "pressed", "put", "upgrade", "upgraded",
    "installed", "imported", "exported", "deployed", "enabled", "disabled", "scheduled", "edited",
    "deleted", "applied", "configured", "set", "switched", "rotated", "updated",
]  # fmt: skip
TRIGGER_VERBS = sorted(
    set(THIRD_PERSON_ACTIONS + PAST_ACTIONS + REPRO_ACTION_VERBS)
    - {"look", "use", "wait", "watch", "make"}
)
SUBJECTS = ["i", "we", "they", "users", "user", "he", "she", "customers", "customer", "you"]
ACTORS = [
    "customer", "user", "employee", "admin", "shopper", "host", "participant", "visitor", "buyer",
    "driver", "agent",
]  # fmt: skip
REPRO_LABEL_WORDS = [
    "steps", "repro", "reproduce", "reproduction", "str", "reproducer", "command", "commands",
]  # fmt: skip
REPRO_LABEL_FILLERS = ["(", "intermittent", ")", "in", "lab", "on", "our", "live", "site"]
HOW_TO_VERBS = [
    "set", "configure", "enable", "install", "migrate", "transfer", "change", "add", "create",
]  # fmt: skip
COMMAND_LEADS = ["passing", "setting", "calling", "sending", "adding", "with", "using", "a", "an"]

POPULATION_NOUNS = [
    "users", "customers", "employees", "staff", "people", "agents", "devices", "stores", "sites",
    "developers", "devs", "engineers", "clients", "members", "shoppers", "recipients",
    "subscribers", "workers", "nurses", "associates", "orders", "registrants", "attendees",
    "participants", "merchants", "locations", "hosts", "servers", "meters", "units", "kiosks",
    "lockers", "offices", "teams", "patients", "students", "drivers", "contacts", "services",
    "repositories", "repos", "signups", "transactions", "payments", "managers", "doctors",
    "technicians", "operators", "analysts", "branches", "warehouses", "plants", "vehicles",
    "dashboards", "alerts", "reports", "pipelines", "jobs", "campaigns", "tickets", "accounts",
    "projects", "workflows", "machines", "laptops", "pcs", "computers", "tablets", "phones", "vms",
    "nodes", "clusters", "instances", "gateways", "controllers", "sensors", "cameras", "stations",
    "terminals", "workstations", "registers", "tills", "printers", "scanners", "tenants",
    "contractors", "admins", "volunteers", "residents", "guests", "passengers",
]  # fmt: skip
SCOPE_NOUNS = POPULATION_NOUNS + [
    "team", "company", "organisation", "organization", "org", "office", "fleet", "region",
    "regions", "traffic", "revenue", "sales", "builds", "pipelines", "releases", "locations",
    "countries", "dashboards", "campaigns", "gateways", "accounts", "tenants", "colleagues",
    "admins", "partners", "calls", "meetings", "emails", "data", "build", "pipeline", "order",
    "user", "customer", "device", "release", "deploy", "deploys", "job", "jobs", "run", "runs",
    "meeting", "call", "email", "campaign", "payment", "transaction", "page", "pages", "dashboard",
    "report", "reports", "employee", "store", "site", "host", "cluster", "clusters", "environment",
    "workloads", "invoices", "shipments", "deliveries", "apps", "projects", "workspaces", "tables",
    "records",
]  # fmt: skip
SCOPE_QUANTIFIERS = [
    "all", "every", "most", "many", "several", "some", "half", "none", "whole", "entire", "any",
    "both", "each", "only",
]  # fmt: skip
SCOPE_FILLERS = ["of", "our", "the", "my", "their", "its", "single"]
CONSEQUENCE_VERBS = [
    "work", "ship", "release", "deploy", "pay", "log", "login", "sell", "process", "send", "clock",
    "join", "approve", "merge", "build", "take", "reach", "buy", "complete", "collect", "access",
    "use", "sign", "start", "test", "invoice", "bill", "read", "detect", "run", "push", "refresh",
    "publish", "get", "do", "operate", "trade", "close", "report", "file", "submit", "serve",
    "checkout", "investigate", "see", "create", "book", "review", "make", "keep", "trust",
    "accept", "receive", "print", "export", "fix", "verify", "afford", "continue", "finish",
    "onboard", "hire", "dispatch", "deliver", "load", "open", "save", "upload",
]  # fmt: skip
PEOPLE_WORDS = [
    "people", "users", "customers", "employees", "staff", "colleagues", "agents", "members",
    "shoppers", "clients", "engineers", "developers", "devs", "managers", "admins",
]  # fmt: skip

# Phrases that state consequence or severity on their own ("not blocking", "by hand").
IMPACT_STRONG_PHRASES = [
    "blocked", "blocking", "blocker", "blocks", "this blocks", "is down", "are down",
    "standing still", "at a standstill", "losing", "loosing", "missed", "falling behind",
    "fell behind", "deadline", "depends on", "depend on", "rely on", "relies on", "relying on",
    "required to", "manually", "by hand", "on paper", "manual entry", "complaints", "complaining",
    "revenue", "nobody can", "no one can", "everyone else", "everybody else", "prod is fine",
    "production is fine", "production is unaffected", "prod is up", "unaffected", "not affected",
    "cosmetic", "not urgent", "no rush", "not blocking", "not a blocker", "annoying", "annoyance",
    "nuisance", "no harm", "no real harm", "no impact", "harmless", "nothing is lost",
    "nothing's lost", "no data is lost", "nothing lost", "workable", "not the end of the world",
    "not a huge deal", "not a big deal", "not a huge problem", "big deal", "makes it hard",
    "makes it really hard", "makes it useless", "kind of useless", "wasted", "wasting", "cost us",
    "cost me", "at risk", "exposed", "exposing", "anyone with", "anyone could", "anyone can",
    "could view", "could access", "could read", "out of service", "blind", "impact", "affects",
    "affected", "affecting", "system of record", "month-end", "month end", "on hold",
    "production incident", "prod incident", "chargeback", "chargebacks", "conversion",
    "abandonment", "data breach", "excluded from", "idle", "unprofessional", "customer-facing",
    "customer facing", "queue times", "capacity", "throughput", "takes longer",
    "three times longer", "twice as long", "productivity", "can't work", "cannot work",
    "going back to", "paper sheets", "delayed", "backed up", "piling up", "filling up",
    "waiting on", "waiting for", "can still", "fraudulent", "phishing", "confuses", "confusing",
    "hard to", "just flagging", "noise", "not critical", "informational", "defeats the purpose",
    "we use it", "we use them", "supposed to", "minor", "at this rate", "stale", "not noticing",
    "no functional issue", "wakes people up", "wake people up", "reportable", "regulator",
    "legally required", "we are required", "we're required", "locked out", "data exposure",
    "exposure",
]  # fmt: skip
# Weaker phrases: they count only together with another cue in the same sentence.
IMPACT_WEAK_PHRASES = [
    "stopped", "halted", "lost", "late", "behind", "due at", "due by", "due on", "due tomorrow",
    "due friday", "is due", "complained", "support tickets", "customers are", "customers can",
    "customers cannot", "customers can't", "customers have", "customers see", "our customers",
    "other users", "useless", "still work", "still works", "still working", "still running",
    "still going", "works fine", "work fine", "offline", "is critical for", "how we", "our board",
    "the board", "get paid", "on call", "refund", "refunding", "breach", "leak", "leaked", "stuck",
    "frustrated", "confused", "embarrassing for", "fyi", "heads up", "flagging", "for now",
    "in the meantime", "meanwhile", "workaround", "covering", "pairing", "each day", "per day",
    "a day", "every day", "every morning", "every night", "every week", "each week", "per week",
    "per month", "a month", "the whole", "entire", "everyone", "everybody", "nobody", "no one",
    "only one", "only a few", "a handful", "a few users", "some users", "some customers",
    "one user", "one customer", "one employee", "single user", "just me", "only me", "only for me",
    "only her", "only him", "our ceo", "our cfo", "executives", "revenue-impacting",
    "business-critical", "mission critical", "critical for us", "hurting", "hurts", "danger",
    "safety", "fraud", "unauthorized", "queues up", "slower", "hours of", "days of", "minutes of",
    "not working for", "reverting to", "spreadsheets", "our production", "in production",
    "production data", "it's just", "it's only", "just the", "only the", "we need these for",
    "we need this for", "we need it for", "cancelled", "canceled", "postponed", "paused", "pulled",
]  # fmt: skip
# Workaround wording says how the customer copes, not what is affected: counted once at most.
IMPACT_WORKAROUND_PHRASES = [
    "for now", "in the meantime", "meanwhile", "workaround", "covering", "pairing",
]  # fmt: skip
ERROR_PHRASES = [
    "connection refused", "connection reset", "connection reset by peer", "read-only file system",
    "permission denied", "access denied", "out of memory", "no space left on device",
    "service unavailable", "bad gateway", "gateway timeout", "internal server error",
    "too many requests", "payload too large", "request entity too large",
    "certificate verify failed", "certificate has expired", "segmentation fault", "stack overflow",
    "access violation", "handshake failed", "host unreachable", "name or service not known",
    "broken pipe", "disk full",
]  # fmt: skip

# --- time expressions (EntityRuler, label WHEN, id = kind) ----------------------------------
# kinds: relative ("yesterday", "3 hours ago"), today, clock ("13:05 UTC"), date ("5 March"),
# weekday ("Tuesday"), month ("February"), duration ("for two days").

# Token shapes and generated word lists instead of REGEX predicates: a regex is evaluated on
# every token of every message, a set lookup costs next to nothing.
_NUMBER = {"LIKE_NUM": True}
_UNIT = _one_of(TIME_UNITS)
_CLOCK = {
    "SHAPE": {
        "IN": [
            f"{lead}{clock}{tail}"
            for lead in ("", "~", "(", "(~")
            for clock in ("d:dd", "dd:dd", "d:dd:dd", "dd:dd:dd", "dd:dd–dd:dd", "dd:dd-dd:dd")
            for tail in ("", ")", "XXX", "X")
        ]
    }
}
_DAY = {"SHAPE": {"IN": ["d", "dd", "dxx", "ddxx", "~d", "~dd"]}}
_MONTH = _one_of(MONTHS + [f"{month}." for month in MONTHS if len(month) <= 4])
_ZONE_NAMES = TIME_ZONES + [
    f"{zone}{sign}{hours}" for zone in ("UTC", "GMT") for sign in "+-" for hours in range(15)
]
_ZONE = {"TEXT": {"IN": _ZONE_NAMES}}
_OPTIONAL_ZONE = {"TEXT": {"IN": _ZONE_NAMES}, "OP": "?"}
_HOUR = {"SHAPE": {"IN": ["d", "dd", "d:dd", "dd:dd", "~d", "~dd"]}}
_HOUR_WITH_SUFFIX = _one_of(
    [
        f"{tilde}{hour}{half}"
        for tilde in ("", "~")
        for hour in range(1, 13)
        for half in ("am", "pm")
    ]
)
_OPTIONAL_WEEKDAY = _one_of(WEEKDAYS + WEEKDAY_ABBREVIATIONS, "?")
_OPTIONAL_OF = _lower("of", op="?")
_DURATION_LEAD = _lower("for", "since", "lost", "spent", "wasted")
_DURATION_FILLER = _lower("about", "around", "over", "almost", "nearly", "roughly", "~", op="*")


def _when(kind: str, *patterns: Pattern) -> list[dict[str, Any]]:
    return [{"label": "WHEN", "id": kind, "pattern": pattern} for pattern in patterns]


TIME_ENTITY_PATTERNS: list[dict[str, Any]] = [
    *_when(
        "relative",
        [_lower("yesterday", "overnight", "tonight", "yday", "yesterdays")],
        [
            _lower("this", "last", "yesterday", "previous", "early", "late"),
            _one_of(PARTS_OF_DAY + WEEKDAYS),
        ],
        [_lower("earlier"), _lower("today", "this"), _lower("morning", op="?")],
        [_lower("over", "during"), _lower("the"), _lower("weekend")],
        [_lower("all"), _lower("morning", "day", "night", "afternoon", "week")],
        [_lower("today"), _one_of(PARTS_OF_DAY)],
        [_NUMBER, _UNIT, _lower("ago")],
        [_one_of(NUMBER_WORDS), _OPTIONAL_OF, _UNIT, _lower("ago")],
        [_lower("a", "an"), _lower("couple", "few"), _OPTIONAL_OF, _UNIT, _lower("ago")],
        [_lower("the"), _lower("other"), _lower("day")],
    ),
    *_when("today", [_lower("today")]),
    *_when(
        "clock",
        [_CLOCK, _ZONE, _ZONE],
        [_CLOCK, _ZONE],
        [_CLOCK],
        [_HOUR, _lower("am", "pm", "a.m.", "p.m."), _OPTIONAL_ZONE],
        [_HOUR_WITH_SUFFIX, _OPTIONAL_ZONE],
        [_lower("noon", "midnight", "midday")],
    ),
    *_when(
        "date",
        [_OPTIONAL_WEEKDAY, _DAY, _OPTIONAL_OF, _MONTH],
        [_OPTIONAL_WEEKDAY, _DAY, _OPTIONAL_OF, _MONTH, _NUMBER],
        [_OPTIONAL_WEEKDAY, _MONTH, _DAY],
        [_OPTIONAL_WEEKDAY, _MONTH, _DAY, {"ORTH": ","}, _NUMBER],
        [_lower("the"), {"SHAPE": {"IN": ["dxx", "ddxx"]}}],
        [{"SHAPE": "dddd"}, {"ORTH": "-"}, {"SHAPE": "dd"}, {"ORTH": "-"}, {"SHAPE": "dd"}],
    ),
    *_when("weekday", [_one_of(WEEKDAYS)]),
    *_when("month", [{"ORTH": {"IN": MONTH_NAMES_TITLE}}]),
    *_when("weekday", [_lower("the"), _lower("weekend")]),
    *_when(
        "duration",
        [_DURATION_LEAD, _DURATION_FILLER, _NUMBER, {"ORTH": "+", "OP": "?"}, _UNIT],
        [_DURATION_LEAD, _DURATION_FILLER, _one_of(NUMBER_WORDS), _UNIT],
        [
            _lower("for", "over", "in", "during"),
            _lower("the"),
            _lower("past", "last"),
            {"LIKE_NUM": True, "OP": "?"},
            _UNIT,
        ],
        [
            _lower("for", "over", "in", "during"),
            _lower("the"),
            _lower("past", "last"),
            _one_of(NUMBER_WORDS),
            _UNIT,
        ],
    ),
]


# --- token patterns (Matcher) ---------------------------------------------------------------

TOKEN_PATTERNS: dict[str, list[Pattern]] = {
    # first-line confirmation cues
    "FLC_CHECK": [
        [_one_of(CHECK_VERBS)],
        [_lower("double", "re"), {"ORTH": "-"}, _lower("checked")],
    ],
    "FLC_FIX_ATTEMPT": [
        [_one_of(FIX_ATTEMPT_VERBS)],
        [_lower("re"), {"ORTH": "-"}, _one_of(RE_PREFIXED_VERBS)],
        [_lower("power"), {"ORTH": "-"}, _lower("cycled", "cycling")],
        [_lower("turned"), _lower("on", "off")],
    ],
    "FLC_ENVIRONMENTS": [
        [
            _one_of(VARIETY_WORDS),
            _lower("different", "other", "test", "our", op="?"),
            _one_of(ENVIRONMENT_NOUNS + ["window", "profile", "install", "vm"]),
        ],
        [
            _one_of(BROWSERS_AND_OSES),
            {"LIKE_NUM": True, "OP": "?"},
            _lower("and", "+", "/", ",", "&", "or", "as", "nor"),
            _lower("well", "in", "on", op="*"),
            _one_of(BROWSERS_AND_OSES),
        ],
        [
            _one_of(
                [f"{a}{joint}{b}" for a in _BROWSERS for b in _BROWSERS for joint in "+/" if a != b]
            )
        ],
        [_lower("incognito")],
        [_lower("private"), _lower("window", "browsing", "mode")],
        [_lower("cleared", "clearing", "clear", "emptied"), {"OP": "?"}, _lower("cache")],
        [
            _lower("logged", "logging", "signed", "signing"),
            _lower("out"),
            _lower("and"),
            _lower("back", "in"),
        ],
    ],
    "FLC_SAME_RESULT": [
        [_lower("same"), _one_of(SAME_RESULT_NOUNS, "?"), _one_of(SAME_RESULT_AFTER)],
        [{"ORTH": {"IN": ["—", "–", ";", ":", "-", "(", ","]}}, _lower("same")],
        [{"IS_SENT_START": True, "LOWER": "same"}],
        [_lower("still", "keeps"), _lower("crashes", "fails", "failing", "happens", "broken")],
        [_lower("no"), _lower("change", "difference", "luck", "improvement")],
        [_lower("did", "does"), _one_of(NOT), _lower("help", "fix", "change", "work")],
        [_lower("nothing"), {"ORTH": {"IN": [".", "!"]}}],
    ],
    "FLC_UNCHANGED": [
        [
            _lower("have", "has", "had", "did", "do", "does", "were", "was", "is", "are"),
            _one_of(NEGATORS),
            _lower("been", "be", op="?"),
            _one_of(UNCHANGED_VERBS),
        ],
        [
            _lower("nothing", "nobody", "none", "noone"),
            {"OP": "?"},
            {"OP": "?"},
            {"OP": "?"},
            _one_of(NOBODY_CHANGED_VERBS),
        ],
        [_lower("unchanged", "untouched", "unmodified")],
        [_lower("no"), _lower("changes", "change"), _lower("on", "to", "in", "from")],
        [_lower("have", "has"), _lower("no"), _lower("changes", "change")],
    ],
    "FLC_NOT_OURS": [
        [_one_of(NOT), _lower("coming", "caused"), _lower("from", "by"), _lower("us", "our", "we")],
        [_one_of(NOT), _lower("a", "an"), {"OP": "?"}, _lower("thing", "issue", "problem")],
        [
            _lower("not"),
            _lower("os", "browser", "network", "device", "platform", "client"),
            {"ORTH": "-", "OP": "?"},
            _lower("specific"),
        ],
        [_lower("ruled"), _lower("out")],
        [
            _lower("is", "was", "'s", "’s"),
            _one_of(NOT),
            _lower("our", "the", "a", op="?"),
            {"IS_ALPHA": True, "OP": "?"},
            _one_of(NOT_OURS_NOUNS),
        ],
        [_lower("does"), _one_of(NOT), _lower("look"), _lower("like"), _lower("our", "us", "it")],
        [_lower("nothing", "none", "not"), _lower("of", op="?"), _lower("ours", "us")],
    ],
    "FLC_OK_STATE": [
        [_one_of(STATE_VERBS), _one_of(STATE_MODIFIERS, "*"), _one_of(OK_WORDS)],
        [_one_of(WORKS_VERBS), _lower("fine", "ok", "okay", "normally", "correctly", op="?")],
    ],
    "FLC_SETTINGS_LOOKED": [
        [
            _lower("looked", "went", "searched", "checked", "see", "find", "found"),
            _lower("under", "in", "through", "into", "at", "all", op="?"),
            _lower("the", "our", "my", "all", op="?"),
            _one_of(SETTINGS_WORDS),
        ],
        [_lower("only"), _lower("see")],
        [
            _lower("there"),
            _lower("'s", "’s", "is"),
            _lower("no"),
            _lower("option", "setting", "way", "button", "toggle", "field"),
        ],
        [_one_of(NOT), _lower("in"), _lower("the"), _lower("list", "menu", "dropdown")],
    ],
    # repro-step cues
    "REPRO_LABEL": [
        [
            _one_of(REPRO_LABEL_WORDS),
            _one_of(REPRO_LABEL_FILLERS, "*"),
            {"ORTH": {"IN": [":", "):"]}},
        ],
        [_lower("to"), _lower("reproduce", "repro", "see")],
        [_lower("how"), _lower("to"), _lower("reproduce", "repro", "see")],
        [_lower("steps"), _lower("to"), _lower("reproduce", "repro", "trigger")],
        [_lower("steps"), _lower("we"), _lower("took", "followed", "did")],
        [_lower("reproducible", "reproduces"), _lower("with", "by", "when")],
        [_lower("simple"), _lower("repro")],
    ],
    "REPRO_NOT_STEPS": [
        [_lower("next"), _lower("steps")],
        [_lower("what", "which"), _lower("are", "is", "were"), _lower("the"), _lower("steps")],
        [_lower("steps"), _lower("to"), _one_of(HOW_TO_VERBS)],
        [_lower("any"), _lower("steps")],
    ],
    "REPRO_ACTION": [[_one_of(REPRO_ACTION_VERBS)]],
    "REPRO_TRIGGER": [
        [
            _lower("when", "whenever", "if", "after", "once"),
            _one_of(SUBJECTS + ["someone", "anyone", "the", "a", "our"]),
            _lower("user", "admin", "customer", "new", "host", "employee", op="?"),
            _one_of(TRIGGER_VERBS),
        ],
        [_lower("every", "each"), _lower("time"), _one_of(SUBJECTS + ["someone", "anyone", "a"])],
        [{"LOWER": {"IN": REPRO_GERUNDS}, "IS_SENT_START": True}],
        [_lower("after", "by", "upon", ","), _one_of([g for g in REPRO_GERUNDS if g != "using"])],
        [_lower("the", "a", "any", "our"), _one_of(ACTORS), _one_of(THIRD_PERSON_ACTIONS)],
    ],
    "REPRO_TRIED_COMMAND": [
        [
            _lower("tried", "try", "trying", "ran", "running", "run", "typed", "entered"),
            _one_of(COMMAND_LEADS + ["the"], "?"),
            {"ORTH": "`"},
        ],
    ],
    # impact cues
    "IMPACT_SCOPE": [
        [
            _one_of(SCOPE_QUANTIFIERS),
            _one_of(SCOPE_FILLERS, "*"),
            {"IS_ALPHA": True, "OP": "?"},
            _one_of(SCOPE_NOUNS),
        ],
    ],
    "IMPACT_POPULATION_COUNT": [
        [
            {"LIKE_NUM": True, "IS_ALPHA": False},  # "2,000 users", not "two members"
            {"ORTH": "+", "OP": "?"},
            _lower("of", op="?"),
            _lower("our", "the", "their", "my", op="?"),
            {"IS_ALPHA": True, "OP": "?"},
            {"IS_ALPHA": True, "OP": "?"},
            _one_of(POPULATION_NOUNS),
        ],
    ],
    "IMPACT_PEOPLE_WORDS": [
        [
            _lower("a", "dozens", "hundreds", "thousands", "several", "many"),
            _lower("couple", "few", "dozen", "of", "our", "their", op="*"),
            _one_of(PEOPLE_WORDS),
        ],
    ],
    "IMPACT_PERCENT": [
        [{"LIKE_NUM": True}, {"ORTH": "%"}, _lower("of")],
        [_lower("half", "third", "quarter", "fifth", "majority"), _lower("of")],
        [_lower("one", "1"), _lower("in"), {"LIKE_NUM": True}],
    ],
    "IMPACT_CANNOT": [
        [
            _lower("ca", "can", "could", "wo", "is", "are", "was", "were"),
            _one_of(NOT),
            _lower("able", "to", "even", "currently", "really", "at", "all", op="*"),
            _one_of(CONSEQUENCE_VERBS),
        ],
        [
            _lower("cannot", "unable", "cant", "wont", "longer"),
            _lower("to", "able", "even", "currently", "really", op="*"),
            _one_of(CONSEQUENCE_VERBS),
        ],
        [_lower("nobody", "noone", "no-one"), _lower("can", "could", "is", "has", "who")],
        [_lower("no"), _lower("one"), _lower("can", "could", "is", "has")],
    ],
}

PHRASE_PATTERNS: dict[str, list[str]] = {
    "IMPACT_STRONG": IMPACT_STRONG_PHRASES,
    "IMPACT_WEAK": [p for p in IMPACT_WEAK_PHRASES if p not in IMPACT_WORKAROUND_PHRASES],
    "IMPACT_WORKAROUND": IMPACT_WORKAROUND_PHRASES,
    "ERROR_PHRASE": ERROR_PHRASES,
}
