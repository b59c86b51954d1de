"""CLI commands for definition versions (filled in by issue #7 work)."""

from __future__ import annotations

import click  # noqa: F401

COMMANDS: list = []  # commands added to the `definitions` group (or top level for `cases`)
