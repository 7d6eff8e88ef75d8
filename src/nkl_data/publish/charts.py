"""SVG charts built as text: dated events on lanes, and counts over time per series.

Drawing in Python keeps the page free of script libraries and of the network, and makes every mark
testable as a string. Callers pass raw text; this module escapes all of it. It knows nothing about
tables or schemas: ``sections`` turns rows into ``Event`` and ``Estimate`` records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..escape import safe_href

WIDTH = 960
LEFT, RIGHT = 200, 24  # room for lane labels and the last date label
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f", "#000000"]  # Okabe-Ito


@dataclass(frozen=True)
class Event:
    """One dated row on the timeline."""

    day: dt.date
    lane: str
    label: str
    href: str | None


@dataclass(frozen=True)
class Estimate:
    """One count at a date; any of low, best and high may be missing."""

    day: dt.date
    series: str
    low: int | None
    best: int | None
    high: int | None
    label: str
    href: str | None


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def linked(inner: str, label: str, href: str | None) -> str:
    """A mark group with its tooltip, inside a link to its source when there is one (an http(s)
    or relative address: any other is dropped, see ``escape.safe_href``)."""
    body = f"<title>{esc(label)}</title>{inner}"
    href = safe_href(href)
    if href is None:
        return f'<g class="point">{body}</g>'
    return f'<a class="point" href="{esc(href)}" rel="noreferrer">{body}</a>'


class TimeAxis:
    """Maps dates to x between LEFT and WIDTH - RIGHT, padded so no point sits on the edge."""

    def __init__(self, days: Sequence[dt.date]):
        first, last = min(days), max(days)
        pad = max(15, (last - first).days // 20)
        self.start, self.end = first - dt.timedelta(days=pad), last + dt.timedelta(days=pad)

    def x(self, day: dt.date) -> float:
        span = (self.end - self.start).days
        return round(LEFT + (day - self.start).days / span * (WIDTH - LEFT - RIGHT), 1)

    def ticks(self) -> list[tuple[dt.date, str]]:
        """First days of months, every 1, 3, 6, 12 or 24 months: the smallest step giving at most 10."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        step = next((s for s in (1, 3, 6, 12, 24, 60) if months / s <= 10), 120)
        out = []
        year, month = self.start.year, self.start.month
        while dt.date(year, month, 1) <= self.end:
            day = dt.date(year, month, 1)
            if day >= self.start and ((year * 12 + month - 1) % step == 0):
                out.append((day, str(year) if step >= 12 else day.strftime("%Y-%m")))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def draw(self, top: float, bottom: float) -> str:
        parts = [f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"/>']
        for day, label in self.ticks():
            x = self.x(day)
            parts.append(
                f'<line class="grid" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}"/>'
                f'<text class="tick" x="{x}" y="{bottom + 16}" text-anchor="middle">{esc(label)}</text>'
            )
        return "".join(parts)


def svg(name: str, title: str, height: float, body: str) -> str:
    return (
        f'<svg data-chart="{esc(name)}" role="group" aria-label="{esc(title)}" width="{WIDTH}" height="{height:g}" '
        f'viewBox="0 0 {WIDTH} {height:g}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def timeline(events: Sequence[Event], lanes: Sequence[str], title: str, rules: Sequence[Event] = ()) -> str:
    """Events as dots on one lane each; events sharing a lane and a day stack vertically.

    RULES (deadlines) are also drawn as dashed vertical lines across all lanes; the axis spans them too.
    """
    if not events:
        return '<p class="empty">No dated rows.</p>'
    lane_height, top = 56, 10
    bottom = top + lane_height * len(lanes)
    axis = TimeAxis([e.day for e in [*events, *rules]])
    parts = [axis.draw(top, bottom)]
    for rule in rules:
        x = axis.x(rule.day)
        parts.append(f'<line class="rule" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}"/>')
    stacks: dict[tuple[str, dt.date], list[Event]] = defaultdict(list)
    for event in events:
        stacks[event.lane, event.day].append(event)
    for index, lane in enumerate(lanes):
        middle = top + lane_height * (index + 0.5)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text class="lane" x="{LEFT - 10}" y="{middle + 4}" text-anchor="end">{lane_label(lane, LEFT - 10)}</text>'
            f'<line class="lane-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{middle}" y2="{middle}"/>'
        )
        for (stack_lane, day), stack in sorted(stacks.items(), key=lambda item: item[0][1]):
            if stack_lane != lane:
                continue
            gap = min(12, (lane_height - 12) / max(1, len(stack) - 1))
            for k, event in enumerate(stack):
                y = round(middle + (k - (len(stack) - 1) / 2) * gap, 1)
                mark = f'<circle class="mark" cx="{axis.x(day)}" cy="{y}" r="6" fill="{colour}"/>'
                parts.append(linked(mark, event.label, event.href))
    return svg("timeline", title, bottom + 26, "".join(parts))


def lane_label(lane: str, x: float) -> str:
    """A lane's name, in two lines when it would not fit left of the axis (about 7 pixels a letter)."""
    if len(lane) * 7 <= LEFT - 16 or " " not in lane:
        return esc(lane)
    words = lane.split(" ")
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(lane) / 2))
    first, second = " ".join(words[:cut]), " ".join(words[cut:])
    return f'<tspan x="{x}" dy="-7">{esc(first)}</tspan><tspan x="{x}" dy="15">{esc(second)}</tspan>'


def count_ticks(largest: int) -> list[int]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least LARGEST, at most 6 of them."""
    largest = max(largest, 1)
    power = 10 ** max(0, math.floor(math.log10(largest)) - 1)
    step = next(s * power for s in (1, 2, 5, 10, 20, 50, 100) if largest / (s * power) <= 5)
    return list(range(0, step * math.ceil(largest / step) + 1, step))


def estimates(points: Sequence[Estimate], series: Sequence[str], title: str) -> str:
    """Counts over time, one colour per series: best estimate as a dot joined by a line, the
    low-high range as a vertical bar, a bound with nothing on its other side as a triangle
    pointing into the open range ("at least" up, "at most" down)."""
    drawn = [p for p in points if p.low is not None or p.best is not None or p.high is not None]
    if not drawn:
        return '<p class="empty">No estimate with a count.</p>'
    top, plot_bottom = 16, 300
    ticks = count_ticks(max(v for p in drawn for v in (p.low, p.best, p.high) if v is not None))
    ceiling = ticks[-1]
    y = lambda value: round(plot_bottom - value / ceiling * (plot_bottom - top), 1)  # noqa: E731
    axis = TimeAxis([p.day for p in drawn])
    parts = [axis.draw(top, plot_bottom)]
    for value in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}"/>'
            f'<text class="tick" x="{LEFT - 8}" y="{y(value) + 4}" text-anchor="end">{value:,}</text>'
        )
    for index, name in enumerate(series):
        line = sorted((p.day, p.best) for p in drawn if p.series == name and p.best is not None)
        if len(line) > 1:
            path = " ".join(f"{axis.x(day)},{y(best)}" for day, best in line)
            parts.append(f'<polyline class="trend" points="{path}" stroke="{PALETTE[index % len(PALETTE)]}"/>')
    for point in sorted(drawn, key=lambda p: p.day):
        colour = PALETTE[series.index(point.series) % len(PALETTE)]
        parts.append(linked(estimate_marks(point, axis.x(point.day), y, colour), point.label, point.href))
    return svg("estimates", title, plot_bottom + 26, "".join(parts))


def estimate_marks(point: Estimate, x: float, y, colour: str) -> str:
    marks = []
    if point.low is not None and point.high is not None:
        if point.low != point.high:
            marks.append(
                f'<line class="mark range" x1="{x}" x2="{x}" y1="{y(point.low)}" y2="{y(point.high)}" stroke="{colour}"/>'
            )
    elif point.low is not None:
        marks.append(triangle(x, y(point.low), -1, colour))
    elif point.high is not None:
        marks.append(triangle(x, y(point.high), 1, colour))
    centre = point.best if point.best is not None else (point.low if point.low == point.high else None)
    if centre is not None:
        marks.append(f'<circle class="mark" cx="{x}" cy="{y(centre)}" r="5" fill="{colour}"/>')
    return "".join(marks)


def triangle(x: float, y: float, direction: int, colour: str) -> str:
    """A triangle whose base sits on the bound and whose tip points up (-1) or down (1)."""
    tip = round(y + 10 * direction, 1)
    return f'<path class="mark bound" d="M{x - 6},{y} L{x + 6},{y} L{x},{tip} Z" fill="{colour}"/>'


def legend(series: Sequence[str]) -> str:
    """The series' colours as an HTML list, which wraps however many series there are."""
    items = "".join(
        f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{PALETTE[i % len(PALETTE)]}"/></svg> {esc(name)}</li>'
        for i, name in enumerate(series)
    )
    return f'<ul class="legend">{items}</ul>'
