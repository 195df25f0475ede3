"""url_for for the URLs a list page builds dozens of times, for the price of a string join.

A list page builds about fifty URLs: sort links, pager, page sizes, filters, row actions, and
Flask-Admin's static files. Each `url_for` resolves the endpoint, searches the URL map and
compiles the query string again (about 40 µs each). Two shortcuts give the same strings:

- a rule without variable parts always has the same path, so the path is built once (per
  app, site root, host and blueprint) and only the query string, encoded the way Werkzeug
  encodes it, is added per URL;
- a static file's URL depends only on its arguments and the request's root, so it is kept
  across requests (file names and versions from templates, never user input).

Anything else (rules with variables, URL defaults, `_external` and other options, sorted or
host-matched URL maps) goes to `url_for` unchanged.
"""

import re
import threading
from urllib.parse import quote_plus

from flask import current_app, g, request, url_for
from werkzeug.datastructures import iter_multi_items

# Werkzeug's query-string encoding (werkzeug.urls._urlencode): these stay unescaped.
_QUERY_SAFE = "!$'()*,/:;?@"
_STATIC_CACHE_SIZE = 512
_SITES_LIMIT = 64
_static_lock = threading.Lock()


# Text urllib's quote_plus leaves as it is: its always-safe characters and the safe ones above.
_UNCHANGED = re.compile(r"[A-Za-z0-9_.~\-!$'()*,/:;?@]*")


def _quoted(value) -> str:
    if isinstance(value, bytes):
        return quote_plus(value, safe=_QUERY_SAFE)
    text = str(value)
    # Most arguments are digits and plain words: skip quote_plus's byte-by-byte pass for them.
    return text if _UNCHANGED.fullmatch(text) else quote_plus(text, safe=_QUERY_SAFE)


def query_string(values: dict) -> str:
    """Encode URL arguments as Werkzeug does for the query part of a built URL."""
    # urllib.parse.urlencode(items, safe=_QUERY_SAFE), pair by pair.
    return "&".join(f"{_quoted(key)}={_quoted(value)}"
                    for key, value in iter_multi_items(values) if value is not None)


def _absolute(endpoint: str) -> str:
    if endpoint[:1] == ".":
        blueprint = request.blueprint
        return f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
    return endpoint


def _plain_rules(endpoint: str) -> bool | None:
    """Tell whether every rule of the endpoint has a fixed path; None if it has rules with parts."""
    app = current_app
    url_map = app.url_map
    if url_map.sort_parameters or url_map.host_matching or any(app.url_default_functions
                                                               .values()):
        return None
    try:
        rules = list(url_map.iter_rules(endpoint))
    except KeyError:
        return None  # unknown endpoint: let url_for raise its BuildError
    if any(rule.defaults or rule.subdomain or rule.websocket for rule in rules):
        return None
    return not any(rule.arguments for rule in rules)


def _known_kinds() -> dict:
    """Return {endpoint: how to build its URLs} for this request's site root and blueprint."""
    kinds = g.get("portal_url_kinds")
    if kinds is None:
        # Kept per app (each has its own URL map) and per site root, host and blueprint (what
        # url_for reads from the request): a fixed path stays the same between requests.
        sites = current_app.extensions.setdefault("portal_url_kinds", {})
        site = (request.script_root, request.host, request.blueprint)
        kinds = sites.get(site)
        if kinds is None:
            if len(sites) >= _SITES_LIMIT:
                sites.clear()
            kinds = sites[site] = {}
        g.portal_url_kinds = kinds
    return kinds


def _kind_of(endpoint: str) -> tuple:
    full = _absolute(endpoint)
    plain = _plain_rules(full)
    if plain:
        # A fixed path: arguments can only become the query string.
        return ("path", url_for(full))
    if plain is False and full.endswith(".static"):
        return ("static", (request.script_root, request.host, full))
    return ("other", full)


def build(endpoint: str, **values) -> str:
    """Return what `url_for(endpoint, **values)` returns, in a request, without most of its work."""
    if any(key[:1] == "_" for key in values):
        return url_for(endpoint, **values)
    kinds = _known_kinds()
    kind = kinds.get(endpoint)
    if kind is None:
        kind = kinds[endpoint] = _kind_of(endpoint)
    if kind[0] == "path":
        query = query_string(values)
        return f"{kind[1]}?{query}" if query else kind[1]
    if kind[0] == "static":
        return _static_url(kind[1], values)
    return url_for(kind[1], **values)


def _static_url(where: tuple, values: dict) -> str:
    endpoint = where[2]
    try:
        key = (*where, tuple(sorted(values.items())))
        hash(key)
    except TypeError:  # an unhashable argument: build it fresh
        return url_for(endpoint, **values)
    known = current_app.extensions.setdefault("portal_static_urls", {})  # per app, as its map
    found = known.get(key)
    if found is None:
        found = url_for(endpoint, **values)
        with _static_lock:
            if len(known) >= _STATIC_CACHE_SIZE:
                known.clear()
            known[key] = found
    return found
