"""The permission matrix: every page and API operation, as every role, on every kind of object
(docs/security.md)."""
