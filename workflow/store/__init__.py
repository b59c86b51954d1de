"""The SQLAlchemy 2.x store: typed models and the unit of work. SQL is the source of truth."""

from .auth_models import ApiToken, LoginState
from .db import Store, UnitOfWork
from .definition_models import DefinitionDraft  # noqa: F401  (definition drafts, issue #7)
from .document_models import ActivationCode, AssessmentScore, DocumentCounter, IssuedDocument
from .evidence_models import EvidenceBlob, EvidenceHistory, EvidenceRecord, EvidenceVersion, WindowExtension
from .jobs_models import Delivery, Notification, ReminderSent
from .models import (
    Assignment,
    AuditEntry,
    Base,
    Case,
    DefinitionVersion,
    OutboxMessage,
    Person,
    Task,
    Timer,
    Unit,
)

__all__ = [
    "ApiToken", "LoginState",
    "Assignment", "AuditEntry", "Base", "Case", "DefinitionVersion", "OutboxMessage", "Person", "Store",
    "Task", "Timer", "Unit", "UnitOfWork",
    "EvidenceBlob", "EvidenceHistory", "EvidenceRecord", "EvidenceVersion", "WindowExtension",
    "Delivery", "Notification", "ReminderSent",
    "ActivationCode", "AssessmentScore", "DocumentCounter", "IssuedDocument",
]
