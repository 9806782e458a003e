"""All models, imported here so that `Base.metadata` knows every table (Alembic compares it)."""

from portal.models.agency import AgencyKind, AgencyMember, BusinessAgencyLink, SupportAgency
from portal.models.applications import ApplicationHistory
from portal.models.audit import AuditEvent
from portal.models.benchmark import BenchmarkReport
from portal.models.business import (Business, BusinessKind, BusinessMember, FinancialPeriod, MemberRole, Office,
                                    Officer, Shareholder, ValueChange, ValueSource)
from portal.models.case import Case, CaseTag, case_supports
from portal.models.connection import (Connection, ConnectionState, Decision, ProposedChange, SyncOutcome,
                                      SyncRun)
from portal.models.content_state import ContentState
from portal.models.editorial import Article, ArticleCategory, Revision, RevisionState, article_supports
from portal.models.event import Event
from portal.models.expert_request import (ExpertProgrammeSettings, ExpertRequest, ExpertRequestRead, ExpertRequestReminder,
                                          ExpertRequestTransition, RequestFormat, RequestState)
from portal.models.identity import ExternalIdentity, StandinCodeUse
from portal.models.inquiry import Inquiry
from portal.models.interest import BusinessInterest
from portal.models.job import Job, JobState, JobWorker, SiteKey
from portal.models.invitation import BusinessInvitation
from portal.models.limits import LimitCounter, LoginThrottle
from portal.models.login_session import LoginSession
from portal.models.mylist import SavedItem, SavedSearch
from portal.models.news import NewsCategory, NewsItem
from portal.models.notification import (EmailFrequency, Notification, NotificationDelivery, NotificationSettings,
                                         PushSubscription)
from portal.models.oauth import OAuthAccessLog, OAuthAuthorizationCode, OAuthClient, OAuthConsent, OAuthToken
from portal.models.search_change import SearchChange
from portal.models.support import TAG_KINDS, Support, SupportTag
from portal.models.user import Role, User

__all__ = ["TAG_KINDS", "AuditEvent", "Business", "BusinessKind", "BusinessMember", "Case", "CaseTag", "Connection",
           "ConnectionState", "ContentState", "Decision", "FinancialPeriod", "MemberRole", "Office", "Officer",
           "ProposedChange", "Role", "SavedItem", "SavedSearch", "Shareholder", "Support", "SupportTag", "SyncOutcome",
           "SyncRun", "User", "ValueChange", "ValueSource", "case_supports"]
__all__ += ["OAuthAccessLog", "OAuthAuthorizationCode", "OAuthClient", "OAuthConsent", "OAuthToken"]
__all__ += ["EmailFrequency", "NewsCategory", "NewsItem", "Notification", "NotificationDelivery",
            "NotificationSettings", "PushSubscription"]
__all__ += ["BusinessInterest", "Event"]
__all__ += ["AgencyKind", "AgencyMember", "ApplicationHistory", "BusinessAgencyLink", "SupportAgency"]
__all__ += ["ExternalIdentity", "StandinCodeUse"]
__all__ += ["BenchmarkReport"]
__all__ += ["Job", "JobState", "JobWorker", "SiteKey"]
__all__ += ["SearchChange"]
__all__ += ["BusinessInvitation"]
__all__ += ["LimitCounter", "LoginSession", "LoginThrottle"]
__all__ += ["ExpertProgrammeSettings", "ExpertRequest", "ExpertRequestRead", "ExpertRequestReminder", "ExpertRequestTransition", "RequestFormat",
            "RequestState"]
__all__ += ["Article", "ArticleCategory", "Revision", "RevisionState", "article_supports"]
__all__ += ["Inquiry"]
