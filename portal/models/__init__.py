"""All models, imported here so that `Base.metadata` knows every table (Alembic compares it)."""

from portal.models.audit import AuditEvent
from portal.models.business import (Business, BusinessKind, BusinessMember, FinancialPeriod, MemberRole, Office,
                                    Officer, Shareholder, ValueChange, ValueSource)
from portal.models.case import Case, CaseTag, case_supports
from portal.models.connection import (Connection, ConnectionState, Decision, ProposedChange, SyncOutcome,
                                      SyncRun)
from portal.models.content_state import ContentState
from portal.models.mylist import SavedItem, SavedSearch
from portal.models.support import TAG_KINDS, Support, SupportTag
from portal.models.user import Role, User

__all__ = ["TAG_KINDS", "AuditEvent", "Business", "BusinessKind", "BusinessMember", "Case", "CaseTag", "Connection",
           "ConnectionState", "ContentState", "Decision", "FinancialPeriod", "MemberRole", "Office", "Officer",
           "ProposedChange", "Role", "SavedItem", "SavedSearch", "Shareholder", "Support", "SupportTag", "SyncOutcome",
           "SyncRun", "User", "ValueChange", "ValueSource", "case_supports"]
