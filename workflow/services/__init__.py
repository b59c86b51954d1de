"""The service layer: one use case = one function = one transaction.

Every function takes a ``Runtime`` (store, handler registry, clock) and the acting person, checks
the person's role and the unit they may touch before anything else, and raises the typed errors of
``workflow.errors``. Web, API, CLI and workers all come in here."""

from .runtime import Runtime

__all__ = ["Runtime"]
