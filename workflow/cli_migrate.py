"""CLI commands for definition migrate (filled in by issue #7 work)."""

from __future__ import annotations

import click  # noqa: F401

COMMANDS: list = []  # commands added to the `definitions` group (or top level for `cases`)
