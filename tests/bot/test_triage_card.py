"""The triage card as a pure function of the ticket: what engineers see and can click."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.triage_card import TriageCardView, render_triage_card

VIEW = TriageCardView(
    ticket_id=42,
    channel="email",
    origin="support email",
    requester="ops@acme.test",
    requester_name="Olga Ops",
    org="Acme",
    plan="alauda-premium",
    subject="Nightly export is empty",
    excerpt="The nightly export has produced empty files since Tuesday.\nVersion 4.2.1.",
    severity="high",
    severity_source="suggested",
    suggested_severity="high",
    confidence=0.82,
    reason="'empty files' in production output",
    needs_human=False,
    display_names={
        "critical": "Severity 1",
        "high": "Severity 2",
        "medium": "Severity 3",
        "low": "Severity 4",
    },
    complete={
        "repro_steps": False,
        "version": True,
        "logs": False,
        "first_line_confirmation": False,
    },
    required_fields=("repro_steps", "version", "logs", "first_line_confirmation"),
    deadlines={"first_response": datetime(2026, 11, 20, 10, 0, tzinfo=UTC)},
)


def _text(view: TriageCardView) -> str:
    card = render_triage_card(view)
    parts = []
    for block in card.blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields", [])]
        parts += [e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(parts)


def _controls(view: TriageCardView) -> dict[str, dict[str, object]]:
    [actions] = [b for b in render_triage_card(view).blocks if b["type"] == "actions"]
    assert actions["block_id"] == f"triage:{view.ticket_id}"
    return {e["action_id"]: e for e in actions["elements"]}


def test_the_card_carries_the_two_controls_with_exactly_the_four_level_values() -> None:
    controls = _controls(VIEW)

    assert set(controls) == {"severity_confirm", "severity_set"}
    assert controls["severity_confirm"]["type"] == "button"
    assert controls["severity_confirm"]["value"] == "42"
    assert controls["severity_set"]["type"] == "static_select"
    options = controls["severity_set"]["options"]
    assert [o["value"] for o in options] == ["critical", "high", "medium", "low"]  # type: ignore[union-attr, index]
    assert "initial_option" not in controls["severity_set"]  # nothing decided yet


def test_the_card_shows_requester_org_origin_suggestion_and_reason() -> None:
    shown = _text(VIEW)

    assert "Olga Ops &lt;ops@acme.test&gt;" in shown
    assert "Acme (alauda-premium)" in shown
    assert "Email: support email" in shown
    assert "Severity 2 · 82% confidence" in shown
    assert "'empty files' in production output" in shown
    assert ">The nightly export has produced empty files since Tuesday." in shown
    assert "Needs a human look" not in shown


def test_each_required_field_is_ticked_or_crossed_and_the_gaps_are_listed() -> None:
    shown = _text(VIEW)

    assert "✓ Product version" in shown
    assert (
        "✗ Steps to reproduce" in shown
        and "✗ Logs" in shown
        and "✗ First-line checks done" in shown
    )
    assert "Missing: Steps to reproduce, Logs, First-line checks done" in shown


def test_deadlines_render_in_each_readers_time_zone_with_an_iso_fallback() -> None:
    shown = _text(VIEW)
    assert (
        "First response: due <!date^1795168800^{date_short_pretty} {time}|2026-11-20T10:00+00:00>"
        in shown
    )

    waiting = _text(replace(VIEW, deadlines={}, clock_waiting_for_info=True))
    assert "Clock starts when the required information is complete" in waiting


def test_an_unsure_suggestion_asks_for_a_human_look() -> None:
    assert "Needs a human look" in _text(replace(VIEW, needs_human=True, confidence=0.31))


def test_after_a_decision_the_card_says_who_decided_what() -> None:
    decided = replace(
        VIEW,
        severity="critical",
        severity_source="corrected",
        decided_by="U0ENG1",
        decided_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )
    shown = _text(decided)

    assert "Set as *Severity 1* by <@U0ENG1>" in shown
    assert _controls(decided)["severity_set"]["initial_option"]["value"] == "critical"  # type: ignore[index]
    assert _controls(decided)["severity_confirm"]["text"]["text"] == "Confirm Severity 1"  # type: ignore[index]
    by_cli = _text(replace(decided, severity_source="confirmed", decided_by="alice"))
    assert "Confirmed as *Severity 1* by alice" in by_cli


def test_customer_text_cannot_ping_the_channel_or_forge_links() -> None:
    shown = _text(replace(VIEW, excerpt="<!channel> please look <https://evil.test|click>"))

    assert "<!channel>" not in shown and "<https://evil.test|click>" not in shown
    assert "&lt;!channel&gt;" in shown


def test_a_long_subject_is_cut_to_slacks_header_limit() -> None:
    card = render_triage_card(replace(VIEW, subject="x" * 400))
    header = card.blocks[0]["text"]["text"]

    assert len(header) == 150 and header.endswith("…")
