"""Charts as inline SVG, drawn on the server: no script, no library, nothing from the network.

Each chart is an ``<svg role="img">`` with a title and a description for screen readers; the
pages put the same numbers in a table beside it. Colours come from the stylesheet through
class names (``s-<series>``), so the charts follow the page's palette and contrast rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 560
LABEL_GAP = 4
Format = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    key: str
    """Also the CSS class suffix: ``s-<key>``."""
    label: str


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height:.0f}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d"'
        ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, content: str, cls: str = "", anchor: str = "start") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(content)}</text>'


def _rect(x: float, y: float, w: float, h: float, *, cls: str, tip: str = "") -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}"'
        f' class="{cls}">{title}</rect>'
    )


def legend(series: Sequence[Series], y: float = 14) -> tuple[list[str], float]:
    """Legend swatches in rows across the width; returns the parts and the height used."""
    parts, x, row = [], 0.0, 0
    for s in series:
        width = 26 + 13 * max(len(s.label), 2)
        if x + width > WIDTH and x > 0:
            x, row = 0.0, row + 1
        top = y + row * 20
        parts.append(_rect(x, top - 10, 12, 12, cls=f"s-{s.key}"))
        parts.append(_text(x + 17, top, s.label, "legend"))
        x += width
    return parts, (row + 1) * 20 + 6


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    *,
    rows: Sequence[tuple[str, dict[str, int]]],
    series: Sequence[Series],
    fmt: Format,
) -> Markup:
    """One bar per row, split by series (the board's states per unit); the total at the end."""
    parts, top = legend(series)
    most = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    span = WIDTH - 60
    y = top + 6
    for label, counts in rows:
        parts.append(_text(0, y + 12, label, "label"))
        x, total = 0.0, sum(counts.values())
        for s in series:
            value = counts.get(s.key, 0)
            if value:
                width = span * value / most
                parts.append(
                    _rect(
                        x,
                        y + 18,
                        width,
                        16,
                        cls=f"s-{s.key}",
                        tip=f"{label} {s.label} {fmt(value)}",
                    )
                )
                x += width
        parts.append(_text(x + 6, y + 31, fmt(total), "value"))
        y += 46
    return _svg(chart_id, title, desc, y + 4, parts)


def bars(
    chart_id: str,
    title: str,
    desc: str,
    *,
    items: Sequence[tuple[str, float | None]],
    fmt: Format,
    scale: float | None = None,
    series: str = "bar",
    empty: str = "—",
    target: float | None = None,
    target_label: str = "",
    classes: Sequence[str] | None = None,
) -> Markup:
    """One horizontal bar per item; ``scale`` is the full length (1.0 for rates); an item with
    no value says so instead of drawing a zero. ``classes`` colours each bar on its own."""
    most = scale or max((v for _, v in items if v is not None), default=0) or 1
    if target is not None:
        most = max(most, target)
    span = WIDTH - 70
    parts, y = [], 4.0
    for index, (label, value) in enumerate(items):
        kind = classes[index] if classes else series
        parts.append(_text(0, y + 12, label, "label"))
        parts.append(_rect(0, y + 18, span, 16, cls="track"))
        if value is None:
            parts.append(_text(6, y + 31, empty, "muted"))
        else:
            width = span * max(value, 0) / most
            parts.append(_rect(0, y + 18, width, 16, cls=f"s-{kind}", tip=f"{label} {fmt(value)}"))
            parts.append(_text(span + 6, y + 31, fmt(value), "value"))
        y += 46
    if target is not None:
        x = span * target / most
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{y - 8:.1f}" class="target"/>')
        parts.append(
            _text(
                min(x + 4, WIDTH - 4),
                y + 8,
                target_label,
                "muted",
                "start" if x < WIDTH - 140 else "end",
            )
        )
        y += 14
    return _svg(chart_id, title, desc, y + 2, parts)


def lines(
    chart_id: str,
    title: str,
    desc: str,
    *,
    x_labels: Sequence[str],
    series: Sequence[tuple[Series, Sequence[float | None]]],
    fmt: Format,
    top_value: float = 1.0,
) -> Markup:
    """Values over time (rates per month); a month with nothing counted leaves a gap."""
    parts, top = legend([s for s, _ in series])
    left, right, height = 44.0, WIDTH - 26.0, 190.0
    bottom = top + height
    for step in range(5):
        y = bottom - height * step / 4
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(top_value * step / 4), "axis", "end"))
    count = max(len(x_labels), 1)
    step_x = (right - left) / max(count - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        return left + step_x * index, bottom - height * min(value, top_value) / top_value

    for index, label in enumerate(x_labels):
        if count <= 12 or index % 2 == 0:
            x, _ = point(index, 0)
            parts.append(_text(x, bottom + 18, label, "axis", "middle"))
    for s, values in series:
        segment: list[str] = []
        ended: list[float | None] = [*values, None]
        for index, found in enumerate(ended):
            if found is None:
                if len(segment) > 1:
                    parts.append(f'<polyline points="{" ".join(segment)}" class="line s-{s.key}"/>')
                segment = []
                continue
            x, y = point(index, found)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="dot s-{s.key}">'
                f"<title>{escape(x_labels[index])} {escape(s.label)} {escape(fmt(found))}</title>"
                "</circle>"
            )
    return _svg(chart_id, title, desc, bottom + 28, parts)


def columns(
    chart_id: str,
    title: str,
    desc: str,
    *,
    items: Sequence[tuple[str, float]],
    fmt: Format,
    series: str = "bar",
) -> Markup:
    """Vertical bars over time (visits per month), each with its value on top."""
    left, height, top = 6.0, 150.0, 18.0
    bottom = top + height
    most = max((v for _, v in items), default=0) or 1
    slot = (WIDTH - left) / max(len(items), 1)
    parts = [f'<line x1="0" y1="{bottom:.1f}" x2="{WIDTH}" y2="{bottom:.1f}" class="grid"/>']
    for index, (label, value) in enumerate(items):
        h = height * value / most
        x = left + slot * index + slot * 0.18
        w = slot * 0.64
        parts.append(_rect(x, bottom - h, w, h, cls=f"s-{series}", tip=f"{label} {fmt(value)}"))
        parts.append(_text(x + w / 2, bottom - h - LABEL_GAP, fmt(value), "value", "middle"))
        parts.append(_text(x + w / 2, bottom + 16, label, "axis", "middle"))
    return _svg(chart_id, title, desc, bottom + 24, parts)


def ring(chart_id: str, title: str, desc: str, *, part: int, whole: int, caption: str) -> Markup:
    """A share as a ring (key enterprises with a linked leader), the fraction in its middle."""
    radius, cx, cy, stroke = 52.0, 70.0, 66.0, 16.0
    circumference = 2 * 3.14159265 * radius
    share = part / whole if whole else 0.0
    dash = circumference * share
    body = [
        f'<circle cx="{cx}" cy="{cy}" r="{radius}" class="ring-track"'
        f' stroke-width="{stroke}" fill="none"/>',
        f'<circle cx="{cx}" cy="{cy}" r="{radius}" class="ring-value" stroke-width="{stroke}"'
        f' fill="none" stroke-dasharray="{dash:.1f} {circumference:.1f}"'
        f' transform="rotate(-90 {cx} {cy})"/>',
        _text(cx, cy + 2, f"{part}/{whole}", "ring-big", "middle"),
        _text(cx, cy + 20, caption, "axis", "middle"),
    ]
    svg = _svg(chart_id, title, desc, 140, body)
    return Markup(str(svg).replace(f'viewBox="0 0 {WIDTH} 140"', 'viewBox="0 0 140 140"', 1))
