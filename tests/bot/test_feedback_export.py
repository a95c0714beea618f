"""Engineers' confirmations and corrections become training examples for `intake retrain`."""

from __future__ import annotations

from bot.feedback_export import decided_severity_examples
from bot.runtime import IntakeRuntime
from tests.bot.test_email_path import email, process, send
from triage.levels import Severity


async def test_only_decided_tickets_are_exported_with_the_customers_words_and_final_level(
    runtime: IntakeRuntime,
) -> None:
    await send(runtime, email(subject="Export broken", body="The CSV export fails for everyone."))
    await send(runtime, email(subject="Typo on the login page", body="'Pasword' is misspelt."))
    await send(runtime, email(subject="Dark mode?", body="Could you add a dark mode?"))
    await process(runtime)

    await runtime.desk.decide_severity(1, level=Severity.HIGH, actor="U0ENG1")
    await runtime.desk.decide_severity(2, level=None, actor="U0ENG1")

    examples = await decided_severity_examples(runtime.store)

    assert [(e.ticket_id, e.subject) for e in examples] == [
        (1, "Export broken"),
        (2, "Typo on the login page"),
    ]
    assert examples[0].severity == "high"
    assert examples[0].text == "The CSV export fails for everyone."
    assert (
        "Thank you for contacting support" not in examples[0].text
    )  # the bot's reply is not training text
    assert {e.source for e in examples} <= {"confirmed", "corrected"}
