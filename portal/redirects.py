"""Redirect targets limited to local paths on this site."""

from urllib.parse import urlparse


def is_local_path(target: str | None) -> bool:
    """Accept only '/path' style targets: no scheme, no host, no backslash, no '//' start."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ch.isspace() for ch in target):
        return False
    parsed = urlparse(target)
    return not parsed.scheme and not parsed.netloc


def safe_target(target: str | None, fallback: str) -> str:
    """Return the target when it is a local path, else the fallback."""
    return target if is_local_path(target) else fallback
