"""連携 (linking), the host side: credentials kept encrypted, connectors run, their data proposed.

    connection = link(session, business, "gbizinfo", "sandbox", {"X-hojinInfo-api-token": "…"})
    run = run_sync(session, app, connection, today)      # never raises; errors go to the connection
    accept(session, user, chosen_ids)  # ConflictingChoice when two values for one field are chosen
    unlink(session, business, "gbizinfo", keep_data=False)  # .removal says what the store removed
    session.commit()                                      # the caller commits, as with the store

Connectors never see the database, refresh tokens or client secrets: `services` decrypts the
credentials, hands a connector only its access token (or the API key fields its AuthSpec declares),
and writes what it yields as `ProposedChange` rows; accepted changes go through `portal.store`.
The OAuth 2.0 client side (PKCE, code exchange, refresh) is `portal.linking.oauth`; `run_sync`
refreshes an expired token and waits out rate limits itself, and hands a file-upload connector the
files given to it (`uploaded_files`) without keeping them.
"""

from portal.linking.crypto import CredentialsError, decrypt_credentials, encrypt_credentials
from portal.linking.decisions import ConflictingChoice, accept, reject
from portal.linking.services import LinkingError, due_connections, get_connection, link, pending_changes, run_sync, unlink

__all__ = ["ConflictingChoice", "CredentialsError", "LinkingError", "accept", "decrypt_credentials",
           "due_connections", "encrypt_credentials", "get_connection", "link", "pending_changes", "reject", "run_sync",
           "unlink"]
