"""Fixtures shared by the triage tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from triage.sla_plans import SlaPlan, parse_plans

if TYPE_CHECKING:  # imported lazily below: the SLA tests need not load scikit-learn and spaCy
    from triage.severity import SeverityClassifier
    from triage.severity_model import SeverityExample, TrainedModel

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


@pytest.fixture(scope="session")
def sla_presets() -> dict[str, SlaPlan]:
    """The SLA plans shipped in the repository's config.yaml (the presets of issue 3)."""
    raw = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))
    return parse_plans(raw["plans"])


# --- severity classifier fixtures ----------------------------------------------------------
# Two small hand-written sets, distinct texts: BASE to train on, FEEDBACK to play the
# engineers' confirmed/corrected tickets. Short on purpose: tests train in well under a second.

SEVERITY_BASE: dict[str, tuple[str, ...]] = {
    "critical": (
        "Production is down for all users since 9:00, nobody can log in, no workaround.",
        "Our live store checkout fails for every customer, we are losing all orders right now.",
        "prod database corrupted after the upgrade, production data is gone for all tenants",
        "Attackers are actively exploiting the admin API, customer data was leaked publicly.",
        "Everything is down in production: API, web app and mobile all return 503 for everyone.",
        "All payroll runs failed in production and 4,000 employees will not be paid today.",
        "Entire production cluster offline, every service unreachable, business stopped.",
        "Production outage: all our stores cannot take payments, no workaround at all.",
        "Data loss in production: every record created since Monday has vanished.",
        "We were breached: someone logged in as our admin and exported all customer records.",
        "Whole company locked out of production SSO, nobody can work, completely down.",
        "All production emails stopped sending for every customer, total outage since noon.",
    ),
    "high": (
        "The reporting module is completely down but the rest of the app works.",
        "Exports take 20 minutes instead of seconds, severe slowdown for the finance team.",
        "Reproducible XSS vulnerability in the comment field, no sign of exploitation yet.",
        "Mobile sync fails for most field users; they fall back to paper, which barely works.",
        "Search is broken across the whole app; users can still browse lists by hand.",
        "Half of our API calls time out since the update, capacity is badly reduced.",
        "The scheduling module does not load at all, no acceptable workaround for planners.",
        "Invoices module is down, we can still take orders but cannot bill anyone.",
        "SQL injection in the search endpoint can read other tenants' rows, not exploited.",
        "Dashboards load in two minutes instead of two seconds, analysts are severely slowed.",
        "Webhook deliveries are failing for the integration module, partners get nothing.",
        "Single sign-on fails for the whole admin console; the end-user app still works.",
    ),
    "medium": (
        "The CSV export sometimes fails, re-running it works fine.",
        "Staging environment is down after the upgrade, production is fine.",
        "One report shows the wrong date format; we work around it in Excel.",
        "Intermittent 502 errors on the settings page, a refresh usually fixes it.",
        "Please send an RCA for last week's outage, it was resolved the same day.",
        "Our sandbox tenant cannot log in since yesterday, prod is unaffected.",
        "Bulk edit ignores the tag field now and then; editing one by one works.",
        "The test server crashed overnight, no customer impact.",
        "Search results are a bit slow on large accounts, but usable.",
        "We'd like a root cause analysis for the incident on Tuesday.",
        "The filter on the orders page resets occasionally, workaround is to reapply it.",
        "One of our admins cannot upload a profile picture; a colleague did it for her.",
    ),
    "low": (
        "How do I change the logo on the invoice template?",
        "Typo on the login page: 'pasword' should be 'password'.",
        "Could you add a dark mode? Would be nice to have.",
        "Where can I find the API documentation for webhooks?",
        "Please send us a copy of last month's invoice for our accounting.",
        "Are you affected by the new OpenSSL CVE? Our security questionnaire asks.",
        "The button colour on the settings page looks slightly off.",
        "Is there a way to export users to CSV?",
        "Feature request: allow sorting the ticket list by priority.",
        "How many seats are included in our licence and how do we add more?",
        "The documentation link in the footer is broken.",
        "Can you explain how the SOC 2 report can be requested?",
    ),
}

SEVERITY_FEEDBACK: dict[str, tuple[str, ...]] = {
    "critical": (
        "production api down for every client, all requests fail, nothing works",
        "All production orders are lost since the deploy, data is gone, no workaround",
        "our whole production platform is offline and every user is affected",
        "customer data exposed: an attacker exploited the file share and downloaded everything",
        "Payment processing is down in production for all merchants since 8am",
        "Every production login fails; the entire organisation is locked out",
        "Production database unreachable, all sites halted, nobody can work",
        "total outage of the live site for all customers, revenue stopped",
    ),
    "high": (
        "The analytics module is down, everything else still works",
        "Uploads are severely slow, 10 minutes per file, the team is badly limited",
        "Found a privilege escalation bug, no evidence anyone used it",
        "Calendar sync fails for most users; manual entry is barely workable",
        "The whole billing module errors out, we can still ship but not invoice",
        "API latency is ten times normal, capacity reduced for all integrations",
        "Notifications module completely broken for everyone, no acceptable workaround",
        "Reporting exports fail for all accounts, month-end is at risk",
    ),
    "medium": (
        "Sync fails sometimes at night; a manual re-run fixes it",
        "The QA environment is down, production is not affected",
        "Could you share a root-cause report for Monday's resolved incident?",
        "One widget shows stale numbers now and then, refreshing helps",
        "Our dev cluster lost its nodes after the upgrade, prod is fine",
        "Import of a single file fails, splitting it into two works",
        "Occasional timeout on the profile page, retry works",
        "A single agent cannot print labels; another agent prints them for him",
    ),
    "low": (
        "How can I rename a project?",
        "Small typo in the welcome email footer",
        "Would be great to have keyboard shortcuts in the editor",
        "Where do I update our billing address on the invoice?",
        "Is there a guide for setting up the mobile app?",
        "Does your product hold ISO 27001 certification? compliance team asks",
        "The icon alignment in the sidebar is a little off",
        "Please add an option to hide archived items",
    ),
}


def _severity_examples(sets: dict[str, tuple[str, ...]]) -> list[SeverityExample]:
    from triage.levels import Severity
    from triage.severity_model import SeverityExample

    return [
        SeverityExample(subject=None, text=text, severity=Severity(level), channel="slack")
        for level, texts in sets.items()
        for text in texts
    ]


@pytest.fixture(scope="session")
def severity_base_examples() -> list[SeverityExample]:
    """48 short labelled tickets, 12 per level."""
    return _severity_examples(SEVERITY_BASE)


@pytest.fixture(scope="session")
def severity_feedback_examples() -> list[SeverityExample]:
    """32 further labelled tickets (8 per level), never in the base set."""
    return _severity_examples(SEVERITY_FEEDBACK)


@pytest.fixture(scope="session")
def tiny_severity_model(severity_base_examples: list[SeverityExample]) -> TrainedModel:
    """A model trained once per session on the base set."""
    from triage.severity_model import train

    return train(severity_base_examples, seed=0)


@pytest.fixture(scope="session")
def tiny_severity_classifier(tiny_severity_model: TrainedModel) -> SeverityClassifier:
    from triage.severity import SeverityClassifier

    return SeverityClassifier(tiny_severity_model)
