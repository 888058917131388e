"""Email: SMTP settings from .env, messages, sending through yagmail, .eml files."""
