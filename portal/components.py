"""Plain data for the shared page components (templates/components/, tags in
``portal.templatetags.components``): what a sortable table, a chart or a key figure shows.

Views build these from what selectors return; nothing here queries the database, so every page
shows its tables and charts the same way and no component hides a query of its own."""

from dataclasses import dataclass, field

from django.core.paginator import Page
from django.http import QueryDict

# --- The paged sortable table --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sortable: bool = True
    numeric: bool = False


def sort_from_query(params: QueryDict, columns: list[Column], *, default: str) -> tuple[str, bool]:
    """``?sort=key`` ascending, ``?sort=-key`` descending; anything unknown falls back to
    ``default`` (itself ``key`` or ``-key``) rather than failing the page."""
    for raw in (params.get("sort", ""), default):
        key = raw.removeprefix("-")
        if any(c.key == key and c.sortable for c in columns):
            return key, raw.startswith("-")
    raise ValueError(f"default sort {default!r} names no sortable column")


@dataclass
class SortableTable:
    """A table of one page of rows: its header's sort links (with ``aria-sort``) and the pager
    keep every other query parameter (search, filters) as they are."""

    columns: list[Column]
    sort: str
    descending: bool
    page: Page
    params: QueryDict
    caption: str = ""

    def _query(self, **changes) -> str:
        return query_with(self.params, **changes)

    def headers(self) -> list[dict]:
        cells = []
        for column in self.columns:
            current = column.sortable and column.key == self.sort
            cell = {"column": column, "current": current, "href": None, "aria_sort": None}
            if column.sortable:
                # A click on the current column turns its direction; another column starts ascending.
                next_sort = column.key if not current or self.descending else f"-{column.key}"
                cell["href"] = self._query(sort=next_sort, page=None)
                cell["aria_sort"] = ("descending" if self.descending else "ascending") if current else "none"
            cells.append(cell)
        return cells

    def pages(self) -> dict:
        return page_links(self.page, self.params)


def query_with(params: QueryDict, fragment: str = "", **changes) -> str:
    """``params`` as a query string with ``changes`` (None removes a parameter)."""
    params = params.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return (f"?{encoded}" if encoded else "?") + (f"#{fragment}" if fragment else "")


def page_links(page: Page, params: QueryDict, *, fragment: str = "") -> dict:
    """What the pager shows: where the page is and the links to the others (each keeping the
    other query parameters; ``fragment`` brings the reader back to the list on a long page)."""
    pages = page.paginator.num_pages

    def link(number: int) -> str:
        return query_with(params, fragment, page=number)

    return {
        "number": page.number,
        "count": pages,
        "total": page.paginator.count,
        "first": page.start_index(),
        "last": page.end_index(),
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "first_page": link(1) if page.number > 2 else None,
        "last_page": link(pages) if page.number < pages - 1 else None,
    }


@dataclass
class PagedList:
    """A page of a list that is not a table (a timeline) for the shared pager: ``{% pager list %}``."""

    page: Page
    params: QueryDict
    fragment: str = ""

    def pages(self) -> dict:
        return page_links(self.page, self.params, fragment=self.fragment)


# --- Charts and key figures --------------------------------------------------------------------


@dataclass
class Series:
    label: str
    values: list[float | None]


@dataclass
class Band:
    """A band of ± ``margins`` around a chart's first series (e.g. the 95 % margin of error)."""

    label: str
    margins: list[float | None]


@dataclass
class Chart:
    """A chart as data: ``kind`` is "sparkline" (a small trend line in a table cell), "line" or
    "bar". ``values`` that are None are gaps (no answers, or hidden to protect privacy); the
    page shows every figure as a table as well, for screen readers and for print."""

    id: str
    kind: str
    labels: list[str]
    series: list[Series]
    caption: str = ""
    target: float | None = None
    target_label: str = ""
    unit: str = ""
    suppressed: bool = False
    hidden_labels: list[str] = field(default_factory=list)
    #: Why hidden cells are hidden, in the suppression note's words: "" (too few answers),
    #: "published" (too few answers, or derivable from the figures shown), "employees".
    suppression_reason: str = ""
    #: A shaded band around the first series (e.g. the NPS's 95 % margin of error): the lower
    #: and upper value of each label, None where there is none.
    band_lower: list[float | None] | None = None
    band_upper: list[float | None] | None = None
    band_label: str = ""
    #: Fixed ends of the value axis (a percentage or an NPS never passes 100), or None for automatic.
    y_min: float | None = None
    y_max: float | None = None
    #: The same band given as ± margins around the first series (its table then shows "±").
    band: Band | None = None

    def __post_init__(self) -> None:
        if self.band is not None and self.band_lower is None and self.series:
            values = self.series[0].values
            margins = self.band.margins
            self.band_label = self.band.label
            self.band_lower = [None if v is None or m is None else v - m for v, m in zip(values, margins, strict=False)]
            self.band_upper = [None if v is None or m is None else v + m for v, m in zip(values, margins, strict=False)]

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.series for v in s.values)

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    def config(self) -> dict:
        """What static/portal/charts.js draws (read from a json_script element, no inline script)."""
        return {
            "kind": self.kind,
            "labels": self.labels,
            "series": [{"label": s.label, "values": s.values} for s in self.series],
            "target": self.target,
            "targetLabel": self.target_label,
            "unit": self.unit,
            "yMin": self.y_min,
            "yMax": self.y_max,
            "band": None
            if self.band_lower is None
            else {"label": self.band_label, "lower": self.band_lower, "upper": self.band_upper},
        }

    def rows(self) -> list[dict]:
        """The figures by label, for the fallback table."""
        return [
            {
                "label": label,
                "values": [s.values[i] for s in self.series],
                "hidden": label in self.hidden_labels,
                "band": None if self.band_lower is None else (self.band_lower[i], self.band_upper[i]),
                "margin": self.band.margins[i] if self.band is not None else None,
            }
            for i, label in enumerate(self.labels)
        ]


@dataclass
class KeyFigure:
    """A key-figure card: the value now, its target and whether it is met, its trend."""

    label: str
    value: float | int | str | None
    unit: str = ""
    target: float | None = None
    target_met: bool | None = None
    trend: Chart | None = None
    note: str = ""
    suppressed: bool = False
    #: As Chart.suppression_reason.
    suppression_reason: str = ""
