"""The rows of a list table built in Python: one template call per page instead of one per cell.

Flask-Admin's list template asks `get_value(row, column)` once per cell. Each such call goes
through Jinja's call machinery and Flask-Admin's formatter lookup (a scan of every type
formatter with isinstance); at 25 rows x 13 columns that was most of the list page's own time.
Here the same values come from the same formatters, escaped the same way, in the same HTML the
template wrote (byte for byte), with what does not change within a page worked out once.
"""

from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar
from operator import attrgetter
from typing import Any

from flask_admin.model.base import BaseModelView
from jinja2.runtime import Context
from markupsafe import Markup, escape

# The HTML around each row, exactly as portal_list.html's row loop wrote it.
_ROW_START = "\n        <tr>\n            "
_CELLS_START = "\n            "
_ROW_END = "\n        </tr>\n        "
_ACTIONS_START = '<td class="list-buttons-column">'
_ACTIONS_END = "\n            </td>"
_CHECKBOX = ('<td><input type="checkbox" name="rowid" class="action-checkbox" value="{pk}" '
             'title="{title}" /></td>')

# Methods whose Flask-Admin versions the fast cell path reproduces; a view overriding any of
# them gets every cell through its own get_list_value instead.
_VALUE_METHODS = ("get_list_value", "_get_list_value", "_get_field_value")

_NO_FORMATTER = object()
# What a formatter asks once per page instead of once per cell (locale, permissions): a fresh
# dict while render_rows draws a page, None elsewhere.
_page_memo: ContextVar[dict | None] = ContextVar("list_page_memo", default=None)


def page_value(key: Hashable, compute: Callable[[], Any]) -> Any:
    """Return compute(), worked out once per list page being drawn (every time elsewhere)."""
    memo = _page_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class TypeFormatterLookup:
    """Flask-Admin's "first type formatter whose type the value is an instance of", per type."""

    def __init__(self, formatters: dict) -> None:
        self.formatters = formatters
        self._by_type: dict[type, Any] = {}

    def find(self, value: Any) -> Callable | None:
        """Return the type formatter Flask-Admin would apply to `value`, or None."""
        kind = type(value)
        found = self._by_type.get(kind, _NO_FORMATTER)
        if found is _NO_FORMATTER:
            # The same scan as Flask-Admin's: isinstance depends on the value's type only.
            found = next((formatter for typeobj, formatter in self.formatters.items()
                          if isinstance(value, typeobj)), None)
            self._by_type[kind] = found
        return found


def _type_lookup(view: BaseModelView) -> TypeFormatterLookup:
    formatters = view.column_type_formatters
    lookup = view.__dict__.get("_portal_type_lookup")
    if lookup is None or lookup.formatters is not formatters:
        lookup = view._portal_type_lookup = TypeFormatterLookup(formatters)
    return lookup


def _overrides_value_methods(view: BaseModelView) -> bool:
    return any(getattr(type(view), name) is not getattr(BaseModelView, name)
               for name in _VALUE_METHODS)


def cell_getter(view: BaseModelView, name: str) -> Callable[[Context, Any], Any]:
    """Return f(context, row) giving what `view.get_list_value(context, row, name)` gives."""
    if _overrides_value_methods(view):
        return lambda context, row: view.get_list_value(context, row, name)
    column_fmt = view.column_formatters.get(name)
    choices_map = view._column_choices_map.get(name, {})
    lookup = _type_lookup(view)
    attribute = attrgetter(name)  # what Flask-Admin's rec_getattr reads, dotted names too

    def value(context: Context, row: Any) -> Any:
        # Flask-Admin's _get_list_value, step by step.
        if column_fmt is not None:
            raw = column_fmt(view, context, row, name)
        else:
            try:
                raw = attribute(row)
            except AttributeError:
                raw = None  # rec_getattr's default
        if choices_map:
            return choices_map.get(raw) or raw
        type_fmt = lookup.find(raw)
        if type_fmt is None:
            return raw
        try:
            return type_fmt(view, raw, name)
        except TypeError:
            # An old two-argument type formatter: Flask-Admin warns and retries it its way.
            return view._get_list_value(context, row, name, view.column_formatters,
                                        view.column_type_formatters)

    return value


def render_rows(context: Context, view: BaseModelView, data: Iterable, cells: list,
                row_actions: list, show_checkbox: bool, show_actions: bool,
                checkbox_title: str) -> Markup:
    """Return the table rows of a list page.

    `cells` is [(column, opening <td> tag)], `row_actions` is [(kind, action, start, end)]:
    a view/edit link or delete form is start + pk + end, any other action renders itself.
    """
    getters = [(td, cell_getter(view, column)) for column, td in cells]
    title = escape(checkbox_title)
    token = _page_memo.set({})
    try:
        return _rows(context, view, data, getters, row_actions, show_checkbox, show_actions,
                     title)
    finally:
        _page_memo.reset(token)


def _rows(context: Context, view: BaseModelView, data: Iterable, getters: list,
          row_actions: list, show_checkbox: bool, show_actions: bool, title: str) -> Markup:
    out: list[str] = []
    append = out.append
    for row in data:
        pk = view.get_pk_value(row)
        safe_pk = escape(pk)
        # Digits need no URL encoding; any other key goes through the action's own URL building.
        plain_pk = isinstance(pk, str) and pk.isascii() and pk.isdigit()
        append(_ROW_START)
        if show_checkbox:
            append(_CHECKBOX.format(pk=safe_pk, title=title))
        append(_CELLS_START)
        if show_actions:
            append(_ACTIONS_START)
            for kind, action, start, end in row_actions:
                if kind == "delete" or (kind and plain_pk):
                    append(f"\n{start}{safe_pk}{end}")
                else:
                    append(f"\n              {escape(action.render_ctx(context, pk, row))}")
            append(_ACTIONS_END)
        append(_CELLS_START)
        for td, value in getters:
            append(td)
            append(escape(value(context, row)))
            append("</td>")
        append(_ROW_END)
    # Every piece is escaped above or is this module's own HTML, as in the template it replaces.
    return Markup("".join(out))  # noqa: S704


def _gap(spaces: int) -> str:
    return "\n" + " " * spaces


# Flask-Admin's list_header block (admin/model/list.html), as it renders: each piece below is
# the template's own text between its tags, indentation included.
_CHECKBOX_HEADER = (_gap(20) + '<th class="list-checkbox-column">' + _gap(24)
                    + '<input type="checkbox" name="rowtoggle" class="action-rowtoggle" '
                    'title="{title}" />' + _gap(20) + "</th>" + _gap(20))
_ACTIONS_HEADER = _gap(24) + '<th class="">&nbsp;</th>' + _gap(24)
_SORTED_LINK = (_gap(32) + '<a href="{url}" title="{title}">' + _gap(36) + "{name}" + _gap(36)
                + _gap(40) + '<span class="fa fa-chevron-{way} glyphicon glyphicon-chevron-{way}">'
                "</span>" + _gap(36) + _gap(32) + "</a>" + _gap(28))
_SORT_LINK = _gap(32) + '<a href="{url}" title="{title}">{name}</a>' + _gap(28)
_DESCRIPTION = (_gap(28) + '<a class="fa fa-question-circle glyphicon glyphicon-question-sign"'
                + _gap(31) + 'title="{text}"' + _gap(31)
                + 'href="javascript:void(0)" data-role="tooltip"' + _gap(28) + "></a>" + _gap(24))


def render_header(view: BaseModelView, columns: list, actions: list, sort_column: int | None,
                  sort_desc: Any, sort_url: Callable, gettext: Callable) -> Markup:
    """Return the list table's header cells, as Flask-Admin's list_header block draws them."""
    out = [_gap(20)]
    if actions:
        out.append(_CHECKBOX_HEADER.format(title=escape(gettext("Select all records"))))
    out.append(_gap(20) + _gap(24))  # the list_row_actions_header block
    if view.column_display_actions:
        out.append(_ACTIONS_HEADER)
    out.append(_gap(20) + _gap(20))
    descriptions = view.column_descriptions
    for index, (column, name) in enumerate(columns):
        out.append(f'{_gap(20)}{_gap(20)}<th class="column-header col-'
                   f'{escape(column.replace(".", "-"))}">{_gap(24)}{_gap(28)}')
        if view.is_sortable(column):
            title = escape(gettext("Sort by %(name)s", name=name))
            if sort_column == index:
                out.append(_SORTED_LINK.format(url=escape(sort_url(index, True)), title=title,
                                               name=escape(name),
                                               way="down" if sort_desc else "up"))
            else:
                out.append(_SORT_LINK.format(url=escape(sort_url(index)), title=title,
                                             name=escape(name)))
        else:
            out.append(escape(name))
        out.append(_gap(24) + _gap(24))
        description = descriptions.get(column)
        if description:
            out.append(_DESCRIPTION.format(text=escape(description)))
        out.append(f"{_gap(20)}</th>{_gap(20)}")
    out.append(_gap(16))
    # Every piece is escaped above or is Flask-Admin's own HTML.
    return Markup("".join(out))  # noqa: S704


# Flask-Admin's pager macro (admin/lib.html) as it renders, piece by piece.
_PAGE_LINK = ('\n    <li class="page-item">\n        <a class="page-link" href="{url}">{text}</a>'
              "\n    </li>\n    ")
_PAGE_OFF = ('\n    <li class="page-item disabled">\n        <a class="page-link" '
             'href="javascript:void(0)">{text}</a>\n    </li>\n    ')
_PAGE_HERE = ('\n    <li class="page-item active">\n        <a class="page-link" '
              'href="javascript:void(0)">{text}</a>\n    </li>\n    ')


def render_pager(page: int, pages: int, page_url: Callable[[int], str]) -> Markup:
    """Return what list.html's list_pager block draws with Flask-Admin's numbered pager."""
    html = _gap(4) + _gap(4) + _pager(page, pages, page_url) + _gap(4) + _gap(4)
    return Markup(html)  # noqa: S704 -- URLs escaped, the rest is the macro's own HTML


def _pager(page: int, pages: int, page_url: Callable[[int], str]) -> str:
    if not pages > 1:
        return ""
    out = ['\n<ul class="pagination">\n    ', "\n    ", "\n\n    "]
    # The macro's window of seven pages around the current one, step by step.
    low, high = page - 3, page + 3 + 1
    if low < 0:
        high = high - low
        out.append("\n        \n    ")
    out.append("\n    ")
    if high >= pages:
        low = low - high + pages
        out.append("\n        \n    ")
    out.append("\n\n    ")
    if low < 0:
        low = 0
        out.append("\n        \n    ")
    out.append("\n    ")
    if high >= pages:
        high = pages
        out.append("\n        \n    ")
    out.append("\n\n    ")

    def link(number: int, text: str) -> str:
        return _PAGE_LINK.format(url=escape(page_url(number)), text=text)

    out.append(link(0, "&laquo;") if low > 0 else _PAGE_OFF.format(text="&laquo;"))
    out.append("\n    ")
    out.append(link(page - 1, "&lt;") if page > 0 else _PAGE_OFF.format(text="&lt;"))
    out.append("\n\n    ")
    for number in range(low, high):
        out.append("\n    ")
        out.append(_PAGE_HERE.format(text=number + 1) if page == number
                   else link(number, str(number + 1)))
        out.append("\n    ")
    out.append("\n\n    ")
    out.append(link(page + 1, "&gt;") if page + 1 < pages else _PAGE_OFF.format(text="&gt;"))
    out.append("\n    ")
    out.append(link(pages - 1, "&raquo;") if high < pages else _PAGE_OFF.format(text="&raquo;"))
    out.append("\n</ul>\n")
    return "".join(out)
