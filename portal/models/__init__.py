"""All models, imported here so that `Base.metadata` knows every table (Alembic compares it)."""

from portal.models.audit import AuditEvent
from portal.models.user import Role, User

__all__ = ["AuditEvent", "Role", "User"]
