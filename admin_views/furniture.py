"""Page furniture of list pages rendered once and reused: the menu, head, title and scripts.

These parts of Flask-Admin's page hold no records and nothing of the request beyond what the
cache key names: the view, the language, the site root, and for the menu which entries the
user may open. Rendering them again on every list page (a macro call per menu entry and per
script tag, a translation per label) took about a fifth of the page's time.

Nothing is cached when Flask-Admin is set up with a CSP nonce: every page then differs.
"""

import threading
from collections.abc import Callable

from flask import request
from flask_admin.menu import MenuCategory
from flask_babel import get_locale
from markupsafe import Markup

_LIMIT = 256  # entries per view: languages x roots x menu states stay far below it
_lock = threading.Lock()


def _entry_state(item, view) -> tuple:
    name = item.name
    children = tuple(_entry_state(child, view) for child in item._children)
    if type(item) is MenuCategory:
        # Flask-Admin derives a category's access and visibility from its children's.
        flags = (any(c[1] for c in children), any(c[2] for c in children))
    else:
        flags = (item.is_accessible(), item.is_visible())
    # A plain string is part of the key as it is (a changing name makes a new entry); a lazy
    # translation is the same object for the life of the app, its text fixed by the language.
    return (id(item), *flags, item.is_active(view), name if type(name) is str else id(name),
            children)


def menu_state(view) -> tuple:
    """Return what the main menu shows for this user: entries, access, visibility, active."""
    return tuple(_entry_state(item, view) for item in view.admin.menu())


def reuse(view, name: str, render: Callable[[], Markup], *key) -> Markup:
    """Return the block `name` of this view's list page, rendered once per key."""
    if view.admin.csp_nonce_generator is not None:
        return render()
    locale = get_locale()
    full_key = (name, str(locale) if locale else "", request.script_root, request.host, *key)
    store = view.__dict__.setdefault("_portal_furniture", {})
    found = store.get(full_key)
    if found is None:
        found = render()
        with _lock:
            if len(store) >= _LIMIT:
                store.clear()
            store[full_key] = found
    return found
