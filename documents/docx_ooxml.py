"""WordprocessingML names and attribute readers shared by the .docx importer's modules.

Values in an uploaded file are untrusted: every reader here returns a default instead of
raising when an attribute is missing or malformed.
"""

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def qn(name: str) -> str:
    """Return the Clark name of a prefixed name ("w:p" -> "{...main}p")."""
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


W_VAL = qn("w:val")
_FALSE = ("0", "false", "off")


def child_val(el, name: str) -> str | None:
    """Return the w:val of el's child `name` ("w:pStyle"), None if either is missing."""
    if el is None:
        return None
    child = el.find(name)
    return None if child is None else child.get(W_VAL)


def to_int(value: str | None, default: int | None = None, low: int = 0,
           high: int = 32767) -> int | None:
    """Parse an integer attribute, clamped to [low, high]; default if missing or malformed."""
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        return default
    return max(low, min(high, number))


def is_on(el, name: str) -> bool:
    """Return whether el's toggle child `name` ("w:vanish") is present and not switched off."""
    if el is None:
        return False
    child = el.find(name)
    return child is not None and (child.get(W_VAL) or "1").lower() not in _FALSE
