"""Charts drawn on the server as small inline SVG: no script, readable on a cheap phone."""

from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from steering.metrics import Chart

WIDTH, HEIGHT = 340, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 26
COLOURS = ["#b3261e", "#0b57d0", "#1e7a3c", "#9a6700"]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if value <= step * 4:
            return step * 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((int(value) // magnitude) + 1) * magnitude


def _number(value: float, percent: bool) -> str:
    text = f"{value:,.0f}".replace(",", ".")
    return f"{text}%" if percent else text


def line_chart(chart: Chart) -> SafeString:
    days = sorted({day for _label, points in chart.series for day, _value in points})
    if not days:
        return format_html('<p class="meta chart-empty">{}</p>', chart.title)
    top = 100.0 if chart.percent else _nice_max(max(value for _l, points in chart.series for _d, value in points))
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * ((day - first).days / span if len(days) > 1 else 0.5)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="axis" '
        'text-anchor="end">{}</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                f"{y(top * i / 4):.1f}",
                f"{y(top * i / 4):.1f}",
                LEFT - 4,
                f"{y(top * i / 4) + 4:.1f}",
                _number(top * i / 4, chart.percent),
            )
            for i in range(5)
        ),
    )
    lines = []
    for index, (_label, points) in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        coords = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points)
        lines.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>', coords, colour))
        if points:
            day, value = points[-1]
            lines.append(
                format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', f"{x(day):.1f}", f"{y(value):.1f}", colour)
            )
    labels = format_html(
        '<text x="{}" y="{}" class="axis">{}</text><text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
        LEFT,
        HEIGHT - 6,
        date_format(first, "SHORT_DATE_FORMAT"),
        WIDTH - RIGHT,
        HEIGHT - 6,
        date_format(last, "SHORT_DATE_FORMAT"),
    )
    legend = format_html_join(
        "",
        '<span class="legend"><i style="background:{}"></i>{} <b>{}</b></span>',
        (
            (COLOURS[i % len(COLOURS)], label, _number(points[-1][1], chart.percent) if points else "—")
            for i, (label, points) in enumerate(chart.series)
        ),
    )
    svg = format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart.title,
        grid,
        mark_safe("".join(lines)),  # noqa: S308 - built from format_html fragments above
        labels,
    )
    return format_html('<div class="legend-row">{}</div>{}', legend, svg)


def bar_chart(chart: Chart) -> SafeString:
    if not chart.bars:
        return format_html('<p class="meta chart-empty">{}</p>', "—")
    top = max(value for _label, value in chart.bars) or 1
    rows = format_html_join(
        "",
        '<div class="hbar"><span class="hbar-label">{}</span><span class="hbar-track"><span style="width:{}%">'
        "</span></span><b>{}</b></div>",
        ((label, f"{100 * value / top:.1f}", _number(value, chart.percent)) for label, value in chart.bars),
    )
    return format_html('<div class="hbars" role="img" aria-label="{}">{}</div>', chart.title, rows)


def render(chart: Chart) -> SafeString:
    return line_chart(chart) if chart.kind == "line" else bar_chart(chart)
