"""Typed errors of the engine; each carries a human message in Indonesian (``message``)
and an English one (``message_en``). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass


class P2hamError(Exception):
    """Base of every refusal the services give; ``str()`` is the Indonesian message."""

    code = "error"

    def __init__(self, message: str, message_en: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message
        self.details = details


class NotAllowed(P2hamError):
    """The actor's role or unit does not permit this action."""

    code = "not_allowed"


class NotFound(P2hamError):
    code = "not_found"


class InvalidTransition(P2hamError):
    """The event cannot happen in the case's current state (or a guard refused it)."""

    code = "invalid_transition"


class ChangedMeanwhile(P2hamError):
    """Someone else changed the case between reading and writing it."""

    code = "changed_meanwhile"


class ValidationFailed(P2hamError):
    """Input from the actor is missing or malformed; ``fields`` maps field -> message."""

    code = "validation_failed"


@dataclass(frozen=True)
class DefinitionIssue:
    """One problem found in a definition file, with where it is."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DefinitionError(P2hamError):
    """A definition failed validation; ``issues`` lists every problem found, not only the first."""

    code = "definition_invalid"

    def __init__(self, issues: list[DefinitionIssue]):
        self.issues = list(issues)
        text = "\n".join(str(i) for i in self.issues)
        super().__init__(
            f"Definisi tidak valid ({len(self.issues)} kesalahan):\n{text}",
            f"Invalid definition ({len(self.issues)} errors):\n{text}",
        )
