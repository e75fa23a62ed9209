"""Who is calling: API keys (hashed in veil.db), their roles and groups, and the server's local admin token."""
