"""Everything a connector may import: the `Connector` base class, what it is given, what it yields.

A connector is a small class that reads one external service and yields records; it never sees the
database, Flask, the refresh token or the operator's client secret. The host (the sync runner)
decides when it runs, hands it a `FetchContext` (the 法人番号, an HTTP client, the credentials it
may use, uploaded files), writes what it yields through the once-only store as proposed changes,
and turns the errors below into a message on マイページ. Keeping this module free of the portal's
other imports is what lets a third party build a connector from `portal.sdk` alone.
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Literal, Protocol

from portal.records import (
    ApplicationRecord,
    FinancialPeriodRecord,
    OfficeRecord,
    OfficerRecord,
    ProfileRecord,
    Record,
    Section,
    ShareholderRecord,
    SupportAgencyRecord,
    SupportMeasureRecord,
    field_labels,
)

Mode = Literal["live", "sandbox"]
MODES: tuple[Mode, ...] = ("live", "sandbox")
AuthKind = Literal["oauth2", "api_key", "file_upload", "none"]


# --- errors: the message is Japanese and shown to the user as it is --------------------------------

class ConnectorError(Exception):
    """A fetch failed. `message` is shown on マイページ; `detail` only goes to the log."""

    default_message = "連携先からデータを取得できませんでした。"

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)


class AuthExpired(ConnectorError):
    """The service refused the credentials; the host refreshes the token once, then asks the user."""

    default_message = "連携先の認証が切れています。もう一度「連携」してください。"


class RateLimited(ConnectorError):
    """The service asked us to slow down; the host retries after `retry_after` seconds (None: later)."""

    default_message = "連携先が混み合っています。しばらくしてから自動で再取得します。"

    def __init__(self, retry_after: float | None = None, message: str | None = None, *,
                 detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after


class UpstreamError(ConnectorError):
    """The service failed or answered something unreadable; nothing is written, the next sync retries."""

    default_message = "連携先のサービスから正しい応答がありませんでした。時間をおいて再度お試しください。"


# --- how the user authorises the connector ----------------------------------------------------------

@dataclass(frozen=True)
class CredentialField:
    """One value the user types in for an API-key service (the host encrypts and stores it).

    A public value (`secret=False`, e.g. an agency's 認定番号) is sent in the sandbox too; `required`
    makes the consent form ask for it in both modes instead of letting the sandbox pick one. With a
    `pattern` (a regular expression the whole value must match, after full-width characters are
    made half-width and spaces dropped), the consent form refuses anything else beside the field,
    saying `format_hint` (「12桁の数字」), and nothing is stored."""

    name: str
    label: str
    secret: bool = True
    required: bool = False
    pattern: str = ""
    format_hint: str = ""


@dataclass(frozen=True)
class FileKind:
    """One kind of file a file-upload connector accepts, e.g. 貸借対照表 CSV."""

    name: str
    label: str
    extensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuthSpec:
    """The auth step the host runs before the first sync; build it with the class methods."""

    kind: AuthKind
    authorize_url: str = ""
    token_url: str = ""
    scopes: tuple[str, ...] = ()
    fields: tuple[CredentialField, ...] = ()
    file_kinds: tuple[FileKind, ...] = ()

    @classmethod
    def oauth2(cls, authorize_url: str, token_url: str, scopes: Iterable[str] = ()) -> AuthSpec:
        """Authorization code (the host adds PKCE, client id/secret, and refreshes the token)."""
        return cls("oauth2", authorize_url=authorize_url, token_url=token_url, scopes=tuple(scopes))

    @classmethod
    def api_key(cls, *fields: CredentialField) -> AuthSpec:
        return cls("api_key", fields=fields or (CredentialField("api_key", "APIキー"),))

    @classmethod
    def file_upload(cls, *file_kinds: FileKind) -> AuthSpec:
        return cls("file_upload", file_kinds=file_kinds)

    @classmethod
    def none(cls) -> AuthSpec:
        """Public data: no auth step, only the consent page."""
        return cls("none")

    def __post_init__(self) -> None:
        if self.kind == "oauth2" and not (self.authorize_url and self.token_url):
            raise ValueError("oauth2 needs authorize_url and token_url")
        if self.kind == "file_upload" and not self.file_kinds:
            raise ValueError("file_upload needs at least one FileKind")


# --- what the host hands a connector ----------------------------------------------------------------

@dataclass(frozen=True)
class Credentials:
    """The secrets this connector may use for one fetch: an access token or the typed-in fields.

    The host never puts a refresh token or its client secret here; refreshing is its job, so a
    connector that leaks what it was given leaks at most one short-lived token.
    """

    access_token: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)

    FORBIDDEN: ClassVar[frozenset[str]] = frozenset({"refresh_token", "client_secret"})

    def __post_init__(self) -> None:
        if self.FORBIDDEN & set(self.fields):
            raise ValueError("a connector is never given a refresh token or client secret")

    def require(self, name: str = "access_token") -> str:
        """The named secret; AuthExpired when missing, so the user is asked to link again."""
        value = self.access_token if name == "access_token" else self.fields.get(name)
        if not value:
            raise AuthExpired(detail=f"credential {name!r} missing")
        return value


@dataclass(frozen=True)
class UploadedFile:
    """A file the user uploaded for a file-upload connector, as bytes (the encoding is the connector's)."""

    filename: str
    content: bytes
    kind: str = ""


@dataclass(frozen=True)
class HttpResponse:
    """What `HttpClient.get` returns. Header names are case-insensitive."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", {k.lower(): v for k, v in self.headers.items()})

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def text(self) -> str:
        content_type = self.header("content-type", "") or ""
        charset = content_type.partition("charset=")[2].split(";")[0].strip() or "utf-8"
        return self.content.decode(charset, errors="replace")

    def json(self) -> object:
        """The body as JSON; a malformed body is the service's fault, hence UpstreamError."""
        try:
            return _json.loads(self.text)
        except ValueError as error:
            raise UpstreamError(detail=f"malformed JSON: {error}") from None

    def raise_for_status(self) -> HttpResponse:
        """Map the statuses every service uses to the SDK errors, so connectors agree on them."""
        if self.status == 401:
            raise AuthExpired(detail="HTTP 401")
        if self.status == 429:
            raise RateLimited(_retry_after(self.header("retry-after")), detail="HTTP 429")
        if self.status >= 500:
            raise UpstreamError(detail=f"HTTP {self.status}")
        if self.status >= 400:
            raise ConnectorError(detail=f"HTTP {self.status}: {self.text[:200]}")
        return self


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # an HTTP date: let the host choose its own back-off
        return None


class HttpClient(Protocol):
    """The host's HTTP client: it sets timeouts, the User-Agent, and records each call."""

    def get(self, url: str, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None) -> HttpResponse: ...


@dataclass(frozen=True)
class FetchContext:
    """Everything one fetch may use. `settings` holds the operator's non-secret settings for this
    connector (a base URL, say, so tests can point a live client at a local server); the host's
    OAuth client settings (client id and secret, token URL) are never among them.
    `uploaded_files` are the files the user chose on the consent page of a file-upload connector
    (live mode), each tagged with its `FileKind.name`; they come with that one sync only and the
    host keeps none of them, so a later scheduled sync of such a connection does not run."""

    corporate_number: str
    mode: Mode
    http: HttpClient
    today: date
    credentials: Credentials = field(default_factory=Credentials)
    uploaded_files: tuple[UploadedFile, ...] = ()
    settings: Mapping[str, str] = field(default_factory=dict)


# --- the connector ----------------------------------------------------------------------------------

class Connector:
    """Subclass this, fill in the class attributes, implement `fetch`, and register the class from
    a `register_connectors` hook. The host creates one instance per fetch."""

    name: ClassVar[str]
    """Stable id (lower-case letters, digits, `_`); stored with every value it brings."""
    title: ClassVar[str]
    """Japanese display name, e.g. 「gBizINFO（法人インフォ）」."""
    version: ClassVar[str] = "0.1.0"
    description: ClassVar[str] = ""
    auth: ClassVar[AuthSpec] = AuthSpec.none()
    reads: ClassVar[tuple[str, ...]] = ()
    """The sections it reads, as the consent page lists them: use `Section` values."""
    modes: ClassVar[tuple[Mode, ...]] = MODES
    live_settings: ClassVar[tuple[str, ...]] = ()
    """Operator settings (`CONNECTOR_SETTINGS[name][…]`) live mode cannot work without, e.g. the
    address of a published list: until they are set, the consent page offers the sandbox only."""

    def fetch(self, context: FetchContext) -> Iterable[Record]:
        """Yield the records for `context.corporate_number`. Raise a ConnectorError on failure:
        the host then writes nothing from this fetch."""
        raise NotImplementedError


__all__ = [
    "ApplicationRecord", "AuthExpired", "AuthSpec", "Connector", "ConnectorError", "CredentialField",
    "Credentials", "FetchContext", "FileKind", "FinancialPeriodRecord", "HttpClient", "HttpResponse",
    "MODES", "Mode", "OfficeRecord", "OfficerRecord", "ProfileRecord", "RateLimited", "Record",
    "Section", "ShareholderRecord", "SupportAgencyRecord", "SupportMeasureRecord", "UploadedFile", "UpstreamError",
    "field_labels",
]
