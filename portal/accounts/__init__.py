"""Local accounts: registration, confirmation, log-in, password reset and account settings."""
