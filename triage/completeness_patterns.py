"""Pattern data for the completeness checker's spaCy matchers and entity ruler.

Kept apart from the detection logic so the vocabulary can grow without touching code. All
patterns are general support-language phrasing written for this project; none are copied
from evaluation data.
"""

from __future__ import annotations

from typing import Any

Pattern = list[dict[str, Any]]

# --- vocabulary -----------------------------------------------------------------------------

NUMBER_WORDS = [
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "thirty", "few", "couple", "several",
]  # fmt: skip
TIME_UNITS = [
    "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hour", "hours",
    "hr", "hrs", "h", "day", "days", "week", "weeks", "month", "months",
]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_ABBREVIATIONS = ["mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat"]
MONTHS = [
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
]  # fmt: skip
MONTH_NAMES_TITLE = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
TIME_ZONES = [
    "UTC", "GMT", "Z", "CET", "CEST", "EET", "EEST", "WET", "BST", "IST", "JST", "KST", "AEST",
    "AEDT", "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT",
    "SGT", "HKT", "local",
]  # fmt: skip
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night", "week", "weekend", "month", "year"]

_NUMBER = {"TEXT": {"REGEX": r"^~?\d+(?:[.,]\d+)?\+?$"}}
_NUMBER_OR_WORD = [_NUMBER, {"LOWER": {"IN": NUMBER_WORDS}}]
_UNIT = {"LOWER": {"IN": TIME_UNITS}}
_CLOCK = {"TEXT": {"REGEX": r"^[~(]?\d{1,2}:\d{2}(?::\d{2})?(?:[–-]\d{1,2}:\d{2})?(?:UTC|Z)?\)?$"}}
_DAY = {"TEXT": {"REGEX": r"^~?\d{1,2}(?:st|nd|rd|th)?$"}}
_MONTH = {"LOWER": {"IN": MONTHS}}
_MONTH_TITLE = {"ORTH": {"IN": MONTH_NAMES_TITLE}}
_ZONE = {"TEXT": {"REGEX": r"^\(?(?:UTC|GMT)[+-]\d{1,2}\)?$|^(?:" + "|".join(TIME_ZONES) + ")$"}}
_WEEKDAY_ANY = {"LOWER": {"IN": WEEKDAYS + WEEKDAY_ABBREVIATIONS}}


def _when(kind: str, *patterns: Pattern) -> list[dict[str, Any]]:
    return [{"label": "WHEN", "id": kind, "pattern": pattern} for pattern in patterns]


# --- time expressions (EntityRuler, label WHEN, id = kind) ----------------------------------
# kinds: relative ("yesterday", "3 hours ago"), today, clock ("13:05 UTC"), date ("5 March"),
# weekday ("Tuesday"), month ("February"), duration ("for two days"), vague ("the weekend").

TIME_ENTITY_PATTERNS: list[dict[str, Any]] = [
    *_when(
        "relative",
        [{"LOWER": {"IN": ["yesterday", "overnight", "tonight", "yday", "yesterdays"]}}],
        [
            {"LOWER": {"IN": ["this", "last", "yesterday", "previous", "early", "late"]}},
            {"LOWER": {"IN": PARTS_OF_DAY + WEEKDAYS}},
        ],
        [{"LOWER": "earlier"}, {"LOWER": {"IN": ["today", "this"]}}, {"LOWER": "morning", "OP": "?"}],
        [{"LOWER": {"IN": ["over", "during"]}}, {"LOWER": "the"}, {"LOWER": "weekend"}],
        [{"LOWER": "all"}, {"LOWER": {"IN": ["morning", "day", "night", "afternoon", "week"]}}],
        [{"LOWER": "today"}, {"LOWER": {"IN": PARTS_OF_DAY}}],
        [*_NUMBER_OR_WORD[:1], _UNIT, {"LOWER": "ago"}],
        [{"LOWER": {"IN": NUMBER_WORDS}}, {"LOWER": "of", "OP": "?"}, _UNIT, {"LOWER": "ago"}],
        [
            {"LOWER": {"IN": ["a", "an"]}},
            {"LOWER": {"IN": ["couple", "few"]}},
            {"LOWER": "of", "OP": "?"},
            _UNIT,
            {"LOWER": "ago"},
        ],
        [{"LOWER": "the"}, {"LOWER": "other"}, {"LOWER": "day"}],
    ),
    *_when("today", [{"LOWER": "today"}]),
    *_when(
        "clock",
        [_CLOCK, _ZONE, _ZONE],
        [_CLOCK, _ZONE],
        [_CLOCK],
        [
            {"TEXT": {"REGEX": r"^~?\d{1,2}(?::\d{2})?$"}},
            {"LOWER": {"IN": ["am", "pm", "a.m.", "p.m."]}},
            {**_ZONE, "OP": "?"},
        ],
        [{"TEXT": {"REGEX": r"^~?\d{1,2}(?:am|pm)$"}}, {**_ZONE, "OP": "?"}],
        [{"LOWER": {"IN": ["noon", "midnight", "midday"]}}],
    ),
    *_when(
        "date",
        [{**_WEEKDAY_ANY, "OP": "?"}, _DAY, {"LOWER": "of", "OP": "?"}, _MONTH],
        [{**_WEEKDAY_ANY, "OP": "?"}, _DAY, {"LOWER": "of", "OP": "?"}, _MONTH, _NUMBER],
        [{**_WEEKDAY_ANY, "OP": "?"}, _MONTH, _DAY],
        [{**_WEEKDAY_ANY, "OP": "?"}, _MONTH, _DAY, {"ORTH": ","}, _NUMBER],
        [{"LOWER": "the"}, {"TEXT": {"REGEX": r"^\d{1,2}(?:st|nd|rd|th)$"}}],
        [
            {"TEXT": {"REGEX": r"^20\d\d$"}},
            {"ORTH": "-"},
            {"TEXT": {"REGEX": r"^[01]\d$"}},
            {"ORTH": "-"},
            {"TEXT": {"REGEX": r"^[0-3]\d$"}},
        ],
    ),
    *_when("weekday", [{"LOWER": {"IN": WEEKDAYS}}]),
    *_when("month", [_MONTH_TITLE]),
    *_when(
        "duration",
        [
            {"LOWER": {"IN": ["for", "since", "lost", "spent", "wasted", "past", "last"]}},
            {"LOWER": {"IN": ["about", "around", "over", "almost", "nearly", "the", "~"]}, "OP": "*"},
            {"LOWER": {"IN": ["past", "last"]}, "OP": "?"},
            {"TEXT": {"REGEX": r"^~?\d+\+?$"}, "OP": "?"},
            {"LOWER": {"IN": NUMBER_WORDS}, "OP": "?"},
            _UNIT,
        ],
    ),
]


# --- token patterns (Matcher) ---------------------------------------------------------------

CHECK_VERBS = [
    "checked", "check", "double-checked", "rechecked", "re-checked", "verified", "confirmed",
    "validated", "tested", "compared", "reviewed", "inspected", "investigated", "ensured",
    "audited", "examined", "looked", "went", "tried", "made", "ruled", "monitored",
]  # fmt: skip
FIX_ATTEMPT_VERBS = [
    "cleared", "reinstalled", "re-installed", "restarted", "rebooted", "power-cycled",
    "powercycled", "reseated", "re-seated", "recreated", "re-created", "regenerated",
    "re-uploaded", "reuploaded", "re-added", "readded", "re-invited", "reinvited", "removed",
    "rotated", "revoked", "reset", "disabled", "wiped", "re-enrolled", "reenrolled",
    "reconnected", "reconnecting", "re-authorized", "reauthorized", "re-deployed",
    "redeployed", "replaced", "updated", "switched", "swapped", "deleted", "flushed", "purged",
    "renewed", "re-issued", "reissued", "logged", "relaunched", "reinstalling", "clearing",
    "restarting", "rebooting", "logging", "reset", "enforced", "terminated", "rolled",
]  # fmt: skip
ENVIRONMENT_NOUNS = [
    "browser", "browsers", "device", "devices", "network", "networks", "machine", "machines",
    "computer", "computers", "laptop", "laptops", "phone", "phones", "carrier", "carriers",
    "account", "accounts", "user", "users", "profile", "profiles", "vm", "vms", "hosts",
    "servers", "connection", "connections", "wifi", "wi-fi", "isp", "locations", "sites",
    "regions", "tablets", "iphones", "pcs", "queries", "files", "templates", "clients",
]  # fmt: skip
BROWSERS_AND_OSES = [
    "chrome", "firefox", "safari", "edge", "opera", "brave", "chromium", "ie", "windows",
    "macos", "mac", "linux", "ios", "android", "ipad", "iphone", "desktop", "mobile", "web",
]  # fmt: skip
OK_WORDS = [
    "fine", "ok", "okay", "healthy", "normal", "valid", "correct", "active", "open", "up",
    "reachable", "online", "verified", "granted", "enabled", "allowed", "consented", "good",
    "synced", "intact", "fresh", "present", "there", "assigned", "green", "stable", "flat",
    "identical", "unchanged", "consistent", "accurate", "configured", "set", "arriving",
    "sufficient", "resolving", "resolves", "pingable", "current", "working", "works",
]  # fmt: skip
UNCHANGED_VERBS = [
    "changed", "touched", "modified", "edited", "altered", "deployed", "change", "touch",
    "modify", "edit", "alter", "deploy", "deleted", "delete", "updated", "update",
]  # fmt: skip
NEGATORS = ["not", "n't", "n’t", "never", "no"]
REPRO_ACTION_VERBS = [
    "open", "click", "select", "go", "navigate", "run", "send", "create", "upload", "add",
    "set", "enter", "choose", "install", "upgrade", "trigger", "place", "take", "connect",
    "subscribe", "compare", "copy", "paste", "follow", "generate", "replace", "filter",
    "hover", "drag", "type", "press", "submit", "call", "post", "load", "start", "join", "stop",
    "push", "assign", "change", "edit", "delete", "import", "export", "search", "apply",
    "configure", "enable", "disable", "refresh", "visit", "sign", "schedule", "duplicate",
    "restore", "launch", "execute", "invoke", "request", "query", "fill", "tap", "watch",
    "inspect", "look", "log", "login", "reboot", "restart", "save", "share", "drill", "pay",
    "checkout", "buy", "invite", "book", "approve", "submit", "print", "download", "scan",
    "deploy", "build", "test", "send", "leave", "wait", "reload", "close", "use", "put",
    "make", "attach", "render", "move", "rename", "resize", "zoom", "scroll", "switch",
]  # fmt: skip
REPRO_GERUNDS = [
    "clicking", "opening", "selecting", "running", "sending", "creating", "uploading",
    "adding", "setting", "entering", "choosing", "installing", "upgrading", "triggering",
    "placing", "connecting", "submitting", "calling", "posting", "loading", "starting",
    "joining", "pushing", "assigning", "changing", "editing", "deleting", "importing",
    "exporting", "searching", "applying", "enabling", "disabling", "refreshing", "saving",
    "sharing", "downloading", "printing", "approving", "scheduling", "restoring", "typing",
    "pressing", "tapping", "filtering", "hovering", "dragging", "launching", "executing",
    "generating", "duplicating", "renaming", "moving", "switching", "using",
]  # fmt: skip
SUBJECTS = ["i", "we", "they", "users", "user", "he", "she", "customers", "customer", "you"]

TOKEN_PATTERNS: dict[str, list[Pattern]] = {
    # first-line confirmation cues
    "FLC_CHECK": [
        [{"LOWER": {"IN": CHECK_VERBS}}],
        [{"LOWER": "double"}, {"ORTH": "-"}, {"LOWER": "checked"}],
        [{"LOWER": "re"}, {"ORTH": "-"}, {"LOWER": "checked"}],
    ],
    "FLC_FIX_ATTEMPT": [[{"LOWER": {"IN": FIX_ATTEMPT_VERBS}}]],
    "FLC_ENVIRONMENTS": [
        [
            {"LOWER": {"IN": ["different", "other", "multiple", "several", "two", "three",
                              "four", "five", "another", "various", "both", "all", "many",
                              "separate", "fresh", "new", "private", "incognito", "clean"]}},
            {"LOWER": {"IN": ["different", "other", "test", "our"]}, "OP": "?"},
            {"LOWER": {"IN": ENVIRONMENT_NOUNS + ["window", "profile", "install", "vm"]}},
        ],
        [
            {"LOWER": {"IN": BROWSERS_AND_OSES}},
            {"TEXT": {"REGEX": r"^\d+(?:\.\d+)*$"}, "OP": "?"},
            {"LOWER": {"IN": ["and", "+", "/", ",", "&", "or", "as", "nor"]}},
            {"LOWER": {"IN": ["well", "in", "on"]}, "OP": "*"},
            {"LOWER": {"IN": BROWSERS_AND_OSES}},
        ],
        [{"LOWER": {"REGEX": r"^(?:chrome|firefox|safari|edge)[+/](?:chrome|firefox|safari|edge)$"}}],
        [{"LOWER": "incognito"}],
        [{"LOWER": "private"}, {"LOWER": {"IN": ["window", "browsing", "mode"]}}],
        [{"LOWER": {"IN": ["cleared", "clearing", "clear", "emptied"]}}, {"OP": "?"}, {"LOWER": "cache"}],
        [{"LOWER": {"IN": ["logged", "logging", "signed", "signing"]}}, {"LOWER": "out"},
         {"LOWER": "and"}, {"LOWER": {"IN": ["back", "in"]}}],
    ],
    "FLC_SAME_RESULT": [
        [
            {"LOWER": "same"},
            {"LOWER": {"IN": ["result", "results", "error", "behaviour", "behavior", "thing",
                              "issue", "problem", "crash", "timings", "story", "message",
                              "outcome", "404", "500", "symptoms"]}, "OP": "?"},
            {"LOWER": {"IN": ["in", "on", "with", "from", "across", "everywhere", "when",
                              "using", "for", "both", "there", "."]}},
        ],
        [{"ORTH": {"IN": ["—", "–", ";", ":", "-", "(", ","]}}, {"LOWER": "same"}],
        [{"IS_SENT_START": True, "LOWER": "same"}],
        [{"LOWER": {"IN": ["still", "keeps"]}}, {"LOWER": {"IN": ["crashes", "fails", "failing",
                                                                     "happens", "broken", "crashing"]}}],
        [{"LOWER": "no"}, {"LOWER": {"IN": ["change", "difference", "luck", "improvement"]}}],
        [{"LOWER": {"IN": ["did", "does"]}}, {"LOWER": {"IN": ["n't", "n’t", "not"]}},
         {"LOWER": {"IN": ["help", "fix", "change", "work"]}}],
        [{"LOWER": "nothing"}, {"ORTH": {"IN": [".", "!"]}}],
    ],
    "FLC_UNCHANGED": [
        [
            {"LOWER": {"IN": ["have", "has", "had", "did", "do", "does", "were", "was", "is", "are"]}},
            {"LOWER": {"IN": NEGATORS}},
            {"LOWER": {"IN": ["been", "be"]}, "OP": "?"},
            {"LOWER": {"IN": UNCHANGED_VERBS}},
        ],
        [{"LOWER": {"IN": ["nothing", "nobody", "none", "no one", "noone"]}},
         {"OP": "?"}, {"OP": "?"}, {"OP": "?"},
         {"LOWER": {"IN": ["changed", "edited", "deleted", "touched", "modified", "deployed",
                           "change", "changes", "wrote", "was"]}}],
        [{"LOWER": {"IN": ["unchanged", "untouched", "unmodified"]}}],
        [{"LOWER": "no"}, {"LOWER": {"IN": ["changes", "change"]}}, {"LOWER": {"IN": ["on", "to", "in", "from"]}}],
        [{"LOWER": {"IN": ["have", "has"]}}, {"LOWER": "no"}, {"LOWER": {"IN": ["changes", "change"]}}],
    ],
    "FLC_NOT_OURS": [
        [{"LOWER": {"IN": ["not", "n't", "n’t"]}}, {"LOWER": {"IN": ["coming", "caused"]}},
         {"LOWER": {"IN": ["from", "by"]}}, {"LOWER": {"IN": ["us", "our", "we"]}}],
        [{"LOWER": {"IN": ["not", "n't", "n’t"]}}, {"LOWER": {"IN": ["a", "an"]}},
         {"OP": "?"}, {"LOWER": {"IN": ["thing", "issue", "problem"]}}],
        [{"LOWER": "not"}, {"TEXT": {"REGEX": r"(?i)^(?:os|browser|network|device|platform|client)$"}},
         {"ORTH": "-", "OP": "?"}, {"LOWER": "specific"}],
        [{"LOWER": "ruled"}, {"LOWER": "out"}],
        [{"LOWER": {"IN": ["is", "was", "'s", "’s"]}}, {"LOWER": {"IN": ["n't", "n’t", "not"]}},
         {"LOWER": {"IN": ["our", "the"]}, "OP": "?"},
         {"LOWER": {"IN": ["file", "size", "network", "browser", "config", "firewall", "code",
                           "cache", "content", "side", "integration"]}}],
        [{"LOWER": "does"}, {"LOWER": {"IN": ["n't", "n’t", "not"]}}, {"LOWER": "look"},
         {"LOWER": "like"}, {"LOWER": {"IN": ["our", "us", "it"]}}],
    ],
    "FLC_OK_STATE": [
        [
            {"LOWER": {"IN": ["is", "are", "looks", "look", "seems", "seem", "shows", "show",
                              "report", "reports", "was", "were", "stay", "stays", "remain",
                              "remains", "'s", "’s", "be"]}},
            {"LOWER": {"IN": ["all", "definitely", "still", "both", "as", "completely",
                              "perfectly", "totally", "fully", "is", "should"]}, "OP": "*"},
            {"LOWER": {"IN": OK_WORDS}},
        ],
        [{"LOWER": {"IN": ["works", "work", "worked", "succeeds", "succeeded", "passes",
                           "passed", "resolves", "returns", "responds", "completes", "loads"]}},
         {"LOWER": {"IN": ["fine", "ok", "okay", "normally", "correctly"]}, "OP": "?"}],
    ],
    "FLC_SETTINGS_LOOKED": [
        [{"LOWER": {"IN": ["looked", "went", "searched", "checked", "see", "find", "found"]}},
         {"LOWER": {"IN": ["under", "in", "through", "into", "at", "all"]}, "OP": "?"},
         {"LOWER": {"IN": ["the", "our", "my", "all"]}, "OP": "?"},
         {"TEXT": {"REGEX": r"^(?:[Ss]ettings|[Aa]dmin|[Pp]rofile|[Cc]onfig|[Pp]references|[Mm]embers|[Uu]sers)$"}}],
        [{"LOWER": "only"}, {"LOWER": "see"}],
        [{"LOWER": "there"}, {"LOWER": {"IN": ["'s", "’s", "is"]}}, {"LOWER": "no"},
         {"LOWER": {"IN": ["option", "setting", "way", "button", "toggle", "field"]}}],
        [{"LOWER": {"IN": ["not", "n't", "n’t"]}}, {"LOWER": "in"}, {"LOWER": "the"},
         {"LOWER": {"IN": ["list", "menu", "dropdown"]}}],
        [{"LOWER": "ca"}, {"LOWER": {"IN": ["n't", "n’t"]}}, {"LOWER": "find"}],
    ],
    # repro-step cues
    "REPRO_LABEL": [
        [{"LOWER": {"IN": ["steps", "repro", "reproduce", "reproduction", "str", "reproducer"]}},
         {"LOWER": {"IN": ["(", "intermittent", ")", "in", "lab", "on", "our", "live", "site"]}, "OP": "*"},
         {"ORTH": ":"}],
        [{"LOWER": "to"}, {"LOWER": {"IN": ["reproduce", "repro", "see"]}}],
        [{"LOWER": "how"}, {"LOWER": "to"}, {"LOWER": {"IN": ["reproduce", "repro", "see"]}}],
        [{"LOWER": "steps"}, {"LOWER": "to"}, {"LOWER": {"IN": ["reproduce", "repro", "trigger"]}}],
        [{"LOWER": "steps"}, {"LOWER": "we"}, {"LOWER": {"IN": ["took", "followed", "did"]}}],
        [{"LOWER": {"IN": ["reproducible", "reproduces"]}}, {"LOWER": {"IN": ["with", "by", "when"]}}],
        [{"LOWER": "simple"}, {"LOWER": "repro"}],
    ],
    "REPRO_NOT_STEPS": [
        [{"LOWER": "next"}, {"LOWER": "steps"}],
        [{"LOWER": {"IN": ["what", "which"]}}, {"LOWER": {"IN": ["are", "is", "were"]}},
         {"LOWER": "the"}, {"LOWER": "steps"}],
        [{"LOWER": "steps"}, {"LOWER": "to"}, {"LOWER": {"IN": ["set", "configure", "enable",
                                                                 "install", "migrate", "transfer",
                                                                 "change", "add", "create"]}}],
        [{"LOWER": "any"}, {"LOWER": "steps"}],
    ],
    "REPRO_ACTION": [[{"LOWER": {"IN": REPRO_ACTION_VERBS}}]],
    "REPRO_TRIGGER": [
        [{"LOWER": {"IN": ["when", "whenever", "if", "after", "once"]}},
         {"LOWER": {"IN": SUBJECTS + ["someone", "anyone", "the", "a", "our"]}},
         {"LOWER": {"IN": ["user", "admin", "customer", "new"]}, "OP": "?"},
         {"LOWER": {"IN": REPRO_ACTION_VERBS + ["tries", "try", "click", "clicks", "opens",
                                                 "selects", "enters", "uploads", "sends",
                                                 "adds", "runs", "creates", "changes",
                                                 "submits", "joins", "starts", "presses",
                                                 "clicked", "opened", "selected", "entered",
                                                 "uploaded", "sent", "added", "ran", "created",
                                                 "changed", "submitted", "joined", "started",
                                                 "pressed", "put", "attempt", "attempts"]}}],
        [{"LOWER": {"IN": ["every", "each"]}}, {"LOWER": "time"},
         {"LOWER": {"IN": SUBJECTS + ["someone", "anyone", "a"]}}],
        [{"LOWER": {"IN": REPRO_GERUNDS}, "IS_SENT_START": True}],
        [{"LOWER": {"IN": ["tried", "try", "trying", "ran", "running", "run"]}},
         {"LOWER": {"IN": ["passing", "setting", "calling", "sending", "adding", "with",
                           "using", "a", "an", "the"]}, "OP": "?"},
         {"ORTH": "`"}],
        [{"LOWER": "any"}, {"LOWER": {"NOT_IN": ["idea", "ideas", "update", "updates", "news",
                                                 "help", "way", "chance", "plans", "other",
                                                 "advice", "suggestions", "more", "of",
                                                 "thoughts", "questions", "issues", "sign",
                                                 "signs", "evidence", "indication"]},
                                     "IS_ALPHA": True}],
    ],
    # impact cues
    "IMPACT_SCOPE": [
        [
            {"LOWER": {"IN": ["all", "every", "most", "many", "several", "some", "half",
                              "none", "whole", "entire", "any", "both", "each", "only"]}},
            {"LOWER": {"IN": ["of", "our", "the", "my", "their", "its", "single"]}, "OP": "*"},
            {"IS_ALPHA": True, "OP": "?"},
            {"LOWER": {"IN": [
                "users", "customers", "employees", "staff", "people", "agents", "devices",
                "stores", "sites", "orders", "teams", "team", "developers", "devs", "engineers",
                "clients", "members", "shoppers", "recipients", "subscribers", "hosts",
                "company", "organisation", "organization", "org", "office", "offices",
                "workers", "nurses", "doctors", "managers", "fleet", "region", "regions",
                "traffic", "revenue", "sales", "transactions", "payments", "services",
                "builds", "pipelines", "releases", "plants", "warehouses", "locations",
                "countries", "dashboards", "campaigns", "units", "meters", "gateways",
                "accounts", "tenants", "merchants", "patients", "students", "riders",
                "drivers", "dispatchers", "colleagues", "admins", "partners", "branches",
                "kiosks", "lockers", "calls", "meetings", "emails", "contacts", "data",
            ]}},
        ],
    ],
    "IMPACT_POPULATION_COUNT": [
        [
            {"TEXT": {"REGEX": r"^[~≈]?\d[\d,.]*[kK+]?$"}},
            {"IS_ALPHA": True, "OP": "?"},
            {"LOWER": {"IN": [
                "users", "customers", "employees", "staff", "people", "agents", "devices",
                "stores", "sites", "developers", "devs", "engineers", "clients", "members",
                "shoppers", "recipients", "subscribers", "workers", "nurses", "associates",
                "orders", "registrants", "attendees", "participants", "merchants", "locations",
                "hosts", "servers", "meters", "units", "kiosks", "lockers", "offices", "teams",
                "patients", "students", "drivers", "contacts", "services", "repositories",
                "repos", "signups", "transactions", "payments", "employees", "managers",
            ]}},
        ],
    ],
    "IMPACT_PERCENT": [
        [{"TEXT": {"REGEX": r"^[~≈]?\d+(?:\.\d+)?%$"}}, {"LOWER": "of"}],
        [{"TEXT": {"REGEX": r"^[~≈]?\d+(?:\.\d+)?$"}}, {"ORTH": "%"}, {"LOWER": "of"}],
        [{"LOWER": {"IN": ["half", "third", "quarter", "fifth", "majority"]}}, {"LOWER": "of"}],
        [{"LOWER": {"IN": ["one", "1"]}}, {"LOWER": "in"}, {"TEXT": {"REGEX": r"^(?:\d+|five|ten|three|four)$"}}],
    ],
    "IMPACT_CANNOT": [
        [
            {"LOWER": {"IN": ["ca", "can", "could", "cannot", "unable", "able", "wo"]}},
            {"LOWER": {"IN": ["n't", "n’t", "not", "to"]}, "OP": "*"},
            {"LOWER": {"IN": ["longer", "even", "currently", "really", "at"]}, "OP": "*"},
            {"LOWER": {"IN": [
                "work", "ship", "release", "deploy", "pay", "log", "login", "sell", "process",
                "send", "clock", "join", "approve", "merge", "build", "take", "reach", "buy",
                "complete", "collect", "access", "use", "sign", "start", "test", "invoice",
                "bill", "read", "detect", "run", "push", "refresh", "publish", "get", "do",
                "operate", "trade", "close", "report", "file", "submit", "serve", "checkout",
                "investigate", "see", "create", "book", "review", "make", "keep", "trust",
                "accept", "receive", "print", "export", "fix", "verify",
            ]}},
        ],
        [{"LOWER": {"IN": ["nobody", "noone", "no-one"]}}, {"LOWER": {"IN": ["can", "could", "is", "has", "who"]}}],
        [{"LOWER": "no"}, {"LOWER": "one"}, {"LOWER": {"IN": ["can", "could", "is", "has"]}}],
    ],
}

PHRASE_PATTERNS: dict[str, list[str]] = {
    "IMPACT_PHRASE": [
        # consequence
        "blocked", "blocking", "blocker", "is down", "are down", "went down", "completely down",
        "outage", "standing still", "at a standstill", "stopped", "halted", "losing", "lost",
        "loosing", "missed", "missing out", "late", "delayed", "behind", "backed up",
        "piling up", "filling up", "waiting on", "waiting for", "depends on", "depend on",
        "rely on", "relies on", "relying on", "required to", "deadline", "due at", "due by",
        "due on", "due tomorrow", "due friday", "is due", "manually", "by hand", "on paper",
        "manual entry", "complaints", "complaining", "complained", "support tickets",
        "revenue", "compliance", "audit", "auditors", "regulator", "regulatory", "legal",
        "customers are", "customers can", "customers cannot", "customers can't",
        "customers have", "customers see", "our customers", "nobody can", "no one can",
        "everyone else", "everybody else", "others are fine", "other users", "prod is fine",
        "production is fine", "production is unaffected", "prod is up", "unaffected",
        "not affected", "cosmetic", "not urgent", "no rush", "not blocking", "not a blocker",
        "annoying", "annoyance", "nuisance", "minor", "no harm", "no impact", "harmless",
        "nothing is lost", "nothing's lost", "no data is lost", "nothing lost", "workable",
        "not the end of the world", "not a huge deal", "not a big deal", "not a huge problem",
        "big deal", "makes it hard", "makes it really hard", "makes it useless",
        "kind of useless", "useless", "wasted", "wasting", "cost us", "cost me", "can still",
        "still work", "still works", "still working", "still running", "still going",
        "works fine", "work fine", "at risk", "exposed", "exposing", "anyone with",
        "anyone could", "anyone can", "could view", "could access", "could read",
        "out of service", "offline", "blind", "impact", "affects", "affected", "affecting",
        "is critical for", "system of record", "how we", "we need it for", "we use it",
        "we need these for", "we need this for", "our board", "the board", "month-end",
        "payroll", "paid", "get paid", "can't get paid", "on hold", "on call", "incident",
        "production incident", "prod incident", "sla", "penalties", "fines", "refund",
        "refunding", "chargeback", "chargebacks", "conversion", "abandonment",
        "data breach", "breach", "leak", "leaked", "excluded from", "stuck", "idle",
        "frustrated", "confused", "confusing", "confuses", "hard to", "embarrassing for",
        "unprofessional", "just flagging", "fyi", "heads up", "flagging", "noise",
        "for now", "in the meantime", "meanwhile", "workaround", "covering", "pairing",
        "all our", "each day", "per day", "a day", "every day", "every morning",
        "every night", "every week", "each week", "per week", "per month", "a month",
        "the whole", "entire", "everyone", "everybody", "nobody", "no one", "only one",
        "only a few", "a handful", "a few users", "some users", "some customers",
        "one user", "one customer", "one employee", "single user", "just me", "only me",
        "only for me", "only her", "only him", "our ceo", "our cfo", "executives",
        "customer-facing", "customer facing", "revenue-impacting", "business-critical",
        "mission critical", "critical for us", "hurting", "hurts", "risk", "danger",
        "safety", "fraud", "fraudulent", "phishing", "unauthorized", "dropped",
        "queues up", "queue times", "capacity", "throughput", "slower", "takes longer",
        "three times longer", "twice as long", "hours of", "days of", "minutes of",
        "productivity", "can't work", "cannot work", "unable to work", "not working for",
        "going back to", "reverting to", "switched to", "switching to", "moved to",
        "paper sheets", "spreadsheets", "excel",
    ],
    "ERROR_PHRASE": [
        "connection refused", "connection reset", "connection reset by peer",
        "read-only file system", "permission denied", "access denied", "out of memory",
        "no space left on device", "service unavailable", "bad gateway", "gateway timeout",
        "internal server error", "too many requests", "payload too large",
        "request entity too large", "certificate verify failed", "certificate has expired",
        "segmentation fault", "stack overflow", "access violation", "handshake failed",
        "host unreachable", "name or service not known", "broken pipe", "disk full",
    ],
}
