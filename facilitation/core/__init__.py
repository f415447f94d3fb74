"""Cross-cutting pieces: database setup, errors, i18n, security headers, authorisation."""
