"""Security headers on every response and a guard against off-site redirect parameters."""

from urllib.parse import urlencode

from flask import Response, abort, redirect, request

from portal.redirects import is_local_path

REDIRECT_PARAMS = ("url", "next")

CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def apply_security_headers(response: Response) -> Response:
    """Set CSP, framing, sniffing and caching headers."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/") and not request.path.startswith("/admin/static/"):
        # Pages carry personal data: no copies in browser or proxy caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def reject_foreign_redirects():
    """Drop `url`/`next` parameters that are not local paths (Flask-Admin trusts http:evil)."""
    bad = [p for p in REDIRECT_PARAMS if p in request.values
           and not is_local_path(request.values.get(p))]
    if not bad:
        return None
    if request.method != "GET":
        abort(400, description="The return address must be a page of this portal.")
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in bad]
    query = urlencode(kept) if kept else ""
    return redirect(request.path + (f"?{query}" if query else ""))
