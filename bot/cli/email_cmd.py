"""`intake email parse`: show what the intake server will make of raw email files.

It calls the same `parse_email` the SMTP intake worker calls, with the staff lists from
config.yaml, and touches no database, so support staff (and automated checks) can see the
requester, subject, new text and attachments of a mail before it ever reaches the server.

Exit status: 0 when every file could be read (a malformed mail is still an answer: its
problems are listed in its object), 1 when at least one file could not be read (its object
carries an "error"); every file gets its line either way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import app
from bot.cli.errors import CliError
from bot.email_parser import ParsedEmail, parse_email

email_app = typer.Typer(
    help="Email tools: parse raw messages exactly as the intake server does.",
    no_args_is_help=True,
)
app.add_typer(email_app, name="email")

_BODY_PREVIEW_LINES = 20


@email_app.command("parse")
def parse(
    files: Annotated[
        list[Path], typer.Argument(help="Raw RFC 5322 message files (.eml).", show_default=False)
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file, one per line.")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="config.yaml to read staff domains/addresses from."),
    ] = None,
) -> None:
    """Parse each FILE and print sender, requester, subject, new text and attachments."""
    staff_domains, staff_addresses = _staff_lists(config)
    unreadable = 0
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            unreadable += 1
            _emit(_error_object(str(file), exc), as_json)
            continue
        parsed = parse_email(raw, staff_domains=staff_domains, staff_addresses=staff_addresses)
        if as_json:
            _emit(parsed.to_json_dict(file=str(file)), True)
        else:
            _write(_human_summary(str(file), parsed))
    if unreadable:
        raise CliError(f"{unreadable} of {len(files)} files could not be read")


def _staff_lists(config_path: Path | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Staff domains/addresses from config; none (with a note on stderr) when it cannot load.

    Without staff lists a clearly forwarded mail still names its original sender as the
    requester, so the output stays useful on a machine without a config.
    """
    try:
        from bot.config import load_config

        loaded = load_config(config_path)
    except Exception as exc:  # noqa: BLE001 - any config trouble: parse without staff lists
        print(f"intake: note: parsing without staff lists ({exc})", file=sys.stderr)
        return (), ()
    return tuple(loaded.staff_domains), tuple(loaded.staff_addresses)


def _error_object(file: str, exc: OSError) -> dict[str, object]:
    """The contract's shape with empty values, so consumers can read every line alike."""
    reason = exc.strerror or type(exc).__name__
    return {
        "file": file,
        "error": f"cannot read file: {reason}",
        "from": "",
        "from_name": "",
        "requester": "",
        "subject": "",
        "body": "",
        "full_text": "",
        "attachments": [],
        "forwarded": None,
        "message_id": None,
        "in_reply_to": None,
        "references": [],
        "auto_reply": False,
        "problems": [f"cannot read file: {reason}"],
    }


def _emit(obj: dict[str, object], as_json: bool) -> None:
    if as_json:
        _write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        _write(f"{obj['file']}: {obj.get('error', '')}\n\n")


def _write(text: str) -> None:
    # Bytes, so a C locale or a pipe never turns a non-ASCII name into an encoding crash.
    sys.stdout.buffer.write(text.encode("utf-8", "replace"))
    sys.stdout.buffer.flush()


def _human_summary(file: str, parsed: ParsedEmail) -> str:
    lines = [
        f"== {file}",
        f"from:       {parsed.from_name} <{parsed.from_address}>",
        f"requester:  {parsed.requester_name} <{parsed.requester_address}>",
        f"subject:    {parsed.subject}",
    ]
    if parsed.forwarded is not None:
        lines.append(
            f"forwarded:  from {parsed.forwarded.from_address or parsed.forwarded.from_name!r}"
            f" ({parsed.forwarded.source}), subject {parsed.forwarded.subject!r}"
        )
    if parsed.is_auto_reply:
        lines.append(f"automatic:  {parsed.auto_reply_reason}")
    if parsed.ticket_tag is not None:
        lines.append(f"ticket tag: #{parsed.ticket_tag}")
    for attachment in parsed.attachments:
        lines.append(
            f"attachment: {attachment.filename} ({attachment.content_type}, "
            f"{attachment.size} bytes)"
        )
    for problem in parsed.problems:
        lines.append(f"problem:    {problem}")
    body_lines = parsed.body.splitlines()
    lines.append("body:")
    lines.extend(f"  {line}" for line in body_lines[:_BODY_PREVIEW_LINES])
    if len(body_lines) > _BODY_PREVIEW_LINES:
        lines.append(f"  … {len(body_lines) - _BODY_PREVIEW_LINES} more lines")
    return "\n".join(lines) + "\n\n"
