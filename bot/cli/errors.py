"""Errors the CLI reports as one line on stderr with a chosen exit code."""

from __future__ import annotations


class CliError(Exception):
    """An expected failure: bad input, bad config, unreachable database."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(CliError):
    """Bad arguments or configuration: exit code 2, like click's own usage errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)
