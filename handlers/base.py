"""The project's handler registry; the handler modules register into it on import."""

from workflow.registry import Registry

REGISTRY = Registry()
