"""Charts drawn on the server as SVG: the same picture on the page and in the PDF (WeasyPrint
runs no JavaScript). Presentation attributes only — no style attributes or scripts — so the page
keeps its Content-Security-Policy. Each chart sits beside a table of its figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 44
COLOURS = ("#1f5f8b", "#6b3fa0", "#2e7d32")
TARGET_COLOUR = "#8a4b00"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(
    *,
    title: str,
    labels: list[str],
    series: list[Series],
    low: float,
    high: float,
    target: float | None = None,
    target_label: str = "",
    unit: str = "",
) -> SafeString:
    """Lines over ``labels`` between ``low`` and ``high``; a gap where a value is missing."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        value = min(max(value, low), high)
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="svg-chart"><title>{escape(title)}</title>'
    ]
    for tick in range(5):
        value = low + (high - low) * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#d8dee4"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" fill="#444">'
            f"{_number(value)}{escape(unit)}</text>"
        )
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" fill="#444">'
                f"{escape(label)}</text>"
            )
    if target is not None:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    for index, line in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        run: list[str] = []
        for i, value in enumerate(line.values + [None]):
            if value is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
                    )
                run = []
                continue
            run.append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3.5" fill="{colour}"/>')
    legend = [(COLOURS[i % len(COLOURS)], s.name, False) for i, s in enumerate(series)]
    if target is not None:
        legend.append((TARGET_COLOUR, target_label, True))
    lx = LEFT
    for colour, name, dashed in legend:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{HEIGHT - 10}" y2="{HEIGHT - 10}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/><text x="{lx + 22}" y="{HEIGHT - 6}" font-size="11" fill="#222">'
            f"{escape(name)}</text>"
        )
        lx += 30 + 7 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
