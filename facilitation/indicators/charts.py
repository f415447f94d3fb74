"""Charts drawn on the server as SVG: bars, stacked bars, a line over months.

No chart library, no script: the SVG is part of the page (and of the PDF), with a title
and a text description (``role="img"``), and the template shows the data table next to
it. Numbers are written beside the bars, never told by colour alone; the colours are the
Okabe–Ito palette (safe for colour-blind readers). A hidden count (small-cell
suppression) is drawn as a hatched box with its label, never at its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .evaluation import Shown

INK = "#1b1f24"
SOFT = "#4a5560"
LINE = "#c9d1d9"
BLUE, VERMILLION, GREEN, SKY, ORANGE, PURPLE = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#56b4e9",
    "#e69f00",
    "#cc79a7",
)
WIDTH = 640
FONT = 'font-family="DejaVu Sans, system-ui, sans-serif"'


def _svg(chart_id: str, height: int, title: str, desc: str, body: list[str]) -> Markup:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" {FONT} font-size="15">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
        f'<defs><pattern id="{escape(chart_id)}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{SOFT}" stroke-width="2"/></pattern></defs>'
    )
    # Every text in the chart went through escape() when its element was written.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704  # nosec B704


def _text(
    x: float,
    y: float,
    value: str,
    *,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
    size: int | None = None,
) -> str:
    size_attr = f' font-size="{size}"' if size else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="{fill}"{size_attr}>{escape(value)}</text>'
    )


def _shorten(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def describe(rows: Sequence[tuple[str, Shown]]) -> str:
    return " ; ".join(f"{label} : {shown.text}" for label, shown in rows) + "."


def bars(chart_id: str, title: str, rows: Sequence[tuple[str, Shown]]) -> Markup:
    """Horizontal bars, one per row, the count written at the end of each."""
    label_w, left, right = 230, 240, WIDTH - 80
    row_h, top = 34, 8
    visible = [s.value for _label, s in rows if not s.hidden and s.value]
    scale = (right - left) / max(visible) if visible else 0
    body = []
    for i, (label, shown) in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w, y + 21, _shorten(label, 26), anchor="end"))
        if shown.hidden:
            body.append(
                f'<rect x="{left}" y="{y + 5}" width="44" height="22" '
                f'fill="url(#{escape(chart_id)}-hatch)" stroke="{SOFT}"/>'
            )
            body.append(_text(left + 52, y + 21, shown.text, weight="bold"))
            continue
        width = (shown.value or 0) * scale
        if width:
            body.append(
                f'<rect x="{left}" y="{y + 5}" width="{width:.1f}" height="22" fill="{BLUE}"/>'
            )
        body.append(_text(left + width + 8, y + 21, shown.text, weight="bold"))
    body.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + len(rows) * row_h}" stroke="{SOFT}"/>'
    )
    return _svg(chart_id, top * 2 + len(rows) * row_h, title, describe(rows), body)


@dataclass(frozen=True)
class StackedRow:
    label: str
    cells: Sequence[Shown]
    total: Shown


def stacked(
    chart_id: str,
    title: str,
    series: Sequence[tuple[str, str]],  # (name, symbol) of each part, in order
    rows: Sequence[StackedRow],
) -> Markup:
    """One bar per row, split into its parts (shares of the row's total)."""
    colours = (SKY, ORANGE, PURPLE, GREEN, BLUE, VERMILLION)
    left, right = 10, WIDTH - 10
    row_h, top, legend_h = 58, 8, 30
    body = []
    x = left
    for (name, symbol), colour in zip(series, colours, strict=False):
        body.append(
            f'<rect x="{x}" y="{top}" width="16" height="16" fill="{colour}" stroke="{INK}"/>'
        )
        label = f"{symbol} {name}"
        body.append(_text(x + 22, top + 13, label))
        x += 40 + 8.5 * len(label)
    body.append(
        f'<rect x="{x}" y="{top}" width="16" height="16" '
        f'fill="url(#{escape(chart_id)}-hatch)" stroke="{SOFT}"/>'
    )
    body.append(_text(x + 22, top + 13, "…"))
    descriptions = []
    for i, row in enumerate(rows):
        y = top + legend_h + i * row_h
        body.append(_text(left, y + 15, _shorten(row.label, 70), weight="bold"))
        bar_y, bar_h = y + 22, 24
        parts = ", ".join(
            f"{symbol} {name} {cell.text}"
            for (name, symbol), cell in zip(series, row.cells, strict=False)
        )
        descriptions.append(f"{row.label} ({row.total.text}) : {parts}")
        if row.total.hidden or not row.total.value:
            body.append(
                f'<rect x="{left}" y="{bar_y}" width="{right - left}" height="{bar_h}" '
                f'fill="url(#{escape(chart_id)}-hatch)" stroke="{SOFT}"/>'
            )
            body.append(_text(left + 8, bar_y + 17, row.total.text or "0", weight="bold"))
            continue
        scale = (right - left) / row.total.value
        x = left
        hidden_sum = row.total.value
        for (_name, symbol), cell, colour in zip(series, row.cells, colours, strict=False):
            if cell.hidden or not cell.value:
                continue
            hidden_sum -= cell.value
            width = cell.value * scale
            body.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{width:.1f}" height="{bar_h}" '
                f'fill="{colour}" stroke="#ffffff"/>'
            )
            if width > 56:
                share = round(100 * cell.value / row.total.value)
                body.append(_text(x + 6, bar_y + 17, f"{symbol} {share} %", weight="bold"))
            x += width
        if hidden_sum > 0:  # hidden parts together: their sum is the total minus the others
            width = hidden_sum * scale
            body.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{width:.1f}" height="{bar_h}" '
                f'fill="url(#{escape(chart_id)}-hatch)" stroke="{SOFT}"/>'
            )
    height = top + legend_h + len(rows) * row_h + 4
    return _svg(chart_id, height, title, " ; ".join(descriptions) + ".", body)


def line(
    chart_id: str,
    title: str,
    labels: Sequence[str],  # one per month
    series: Sequence[tuple[str, Sequence[Shown]]],
) -> Markup:
    """Lines over months; a hidden count breaks its line (no point is drawn for it)."""
    styles = ((BLUE, ""), (VERMILLION, ' stroke-dasharray="6 4"'))
    left, right, top, bottom = 48, WIDTH - 34, 36, 230
    values = [s.value for _n, points in series for s in points if not s.hidden and s.value]
    top_value = max(values) if values else 2
    top_value += top_value % 2  # even: the middle line is a whole number too
    n = max(len(labels), 1)
    step = (right - left) / max(n - 1, 1)

    def xy(i: int, value: int) -> tuple[float, float]:
        return left + i * step, bottom - (bottom - top) * value / top_value

    body = []
    for fraction in (0, 0.5, 1):
        y = bottom - (bottom - top) * fraction
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{LINE}"/>')
        body.append(_text(left - 6, y + 4, str(int(top_value * fraction)), anchor="end", fill=SOFT))
    every = 1 if n <= 12 else (3 if n <= 36 else 6)
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(
                _text(left + i * step, bottom + 18, label, anchor="middle", fill=SOFT, size=11)
            )
    x = left
    for (name, _points), (colour, dash) in zip(series, styles, strict=False):
        body.append(
            f'<line x1="{x}" y1="14" x2="{x + 24}" y2="14" stroke="{colour}" '
            f'stroke-width="3"{dash}/>'
        )
        body.append(_text(x + 30, 18, name))
        x += 60 + 8.5 * len(name)
    descriptions = []
    for (name, points), (colour, dash) in zip(series, styles, strict=False):
        segment: list[str] = []
        segments = []
        for i, shown in enumerate(points):
            if shown.hidden or shown.value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            px, py = xy(i, shown.value)
            segment.append(f"{px:.1f},{py:.1f}")
            body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
        if segment:
            segments.append(segment)
        for points_ in segments:
            if len(points_) > 1:
                body.append(
                    f'<polyline points="{" ".join(points_)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash}/>'
                )
        descriptions.append(
            f"{name} : "
            + ", ".join(f"{lab} {s.text}" for lab, s in zip(labels, points, strict=False))
        )
    return _svg(chart_id, bottom + 30, title, " ; ".join(descriptions) + ".", body)
