"""Benchmarks: a data generator and list/export timings against a plain Flask-Admin view."""
