"""Placeholder: filled in by its issue."""

from bot.cli import app  # noqa: F401
