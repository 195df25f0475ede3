"""Whoosh full-text search behind a small interface (issue 6)."""
