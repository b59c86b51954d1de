"""Handlers named from the definitions: guards, actions, document and notification handlers.

Each is a small module-level function registered by name in ``REGISTRY``; a definition naming a
handler that is not here is rejected when it is loaded. Handlers never commit: they read the
``FiringContext`` and, for actions, append effects that the service writes in its transaction.
"""

from . import actions, documents, guards, notifications  # noqa: F401  (registration side effects)
from .base import REGISTRY

__all__ = ["REGISTRY"]
