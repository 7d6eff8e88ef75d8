import datetime as dt
import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from nkl_data.publish.charts import LEFT, RIGHT, WIDTH, Estimate, Event, TimeAxis, count_ticks, estimates, timeline

DAY = dt.date(2019, 12, 23)


@given(st.integers(min_value=0, max_value=10**9))
def test_count_ticks_are_round_even_steps_covering_the_largest_value(largest):
    ticks = count_ticks(largest)
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert ticks[0] == 0 and ticks[-1] >= largest
    assert len(steps) == 1 and 2 <= len(ticks) <= 7
    step = steps.pop()
    assert re.fullmatch(r"[125]0*", str(step))
    assert ticks[-2] < max(largest, 1)  # no empty step above the data


def test_count_ticks_example():
    assert count_ticks(30023) == [0, 10000, 20000, 30000, 40000]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(min_value=0, max_value=20000))
def test_date_ticks_are_few_and_inside_the_axis(first, span):
    axis = TimeAxis([first, first + dt.timedelta(days=span)])
    ticks = axis.ticks()
    assert len(ticks) <= 10
    assert all(axis.start <= day <= axis.end and day.day == 1 for day, _ in ticks)
    assert all(LEFT <= axis.x(day) <= WIDTH - RIGHT for day, _ in ticks)


def test_timeline_stacks_same_day_events_and_links_each_one():
    events = [Event(DAY, "Movements", f"event {i}", f"https://example.org/{i}") for i in range(3)]
    svg = timeline(events, ["Movements"], "t")
    assert len(re.findall(r'<a class="point" href="https://example.org/\d"', svg)) == 3
    ys = re.findall(r'<circle class="mark" cx="[\d.]+" cy="([\d.]+)"', svg)
    assert len(set(ys)) == 3


def test_event_without_source_is_drawn_but_not_linked():
    svg = timeline([Event(DAY, "Movements", "no source", None)], ["Movements"], "t")
    assert '<g class="point"><title>no source</title><circle class="mark"' in svg
    assert "<a " not in svg


def test_estimate_marks_follow_the_counts():
    def marks(low, best, high):
        svg = estimates(
            [
                Estimate(DAY, "Russia", low, best, high, "x", None),
                Estimate(DAY + dt.timedelta(days=400), "Russia", 10, 10, 10, "y", None),
            ],
            ["Russia"],
            "e",
        )
        return svg.split("<title>x</title>")[1].split("</g>")[0]

    assert re.fullmatch(r'<line class="mark range"[^>]*/><circle class="mark"[^>]*/>', marks(100, 300, 500))
    assert re.fullmatch(r'<line class="mark range"[^>]*/>', marks(100, None, 500))
    assert re.fullmatch(r'<circle class="mark"[^>]*/>', marks(300, 300, 300))
    assert re.fullmatch(r'<circle class="mark"[^>]*/>', marks(None, 30, None))
    up, down = marks(24, None, None), marks(None, None, 50)
    assert up.startswith('<path class="mark bound"') and down.startswith('<path class="mark bound"')
    tip = lambda path: [float(n) for n in re.search(r'd="M[\d.]+,([\d.]+) L[\d.]+,[\d.]+ L[\d.]+,([\d.]+) Z"', path).groups()]  # noqa: E731
    base, point = tip(up)
    assert point < base  # "at least": the triangle points up, to larger counts
    base, point = tip(down)
    assert point > base


def test_estimates_without_counts_are_not_drawn():
    assert "<svg" not in estimates([Estimate(DAY, "Russia", None, None, None, "x", None)], ["Russia"], "e")


def test_labels_are_escaped():
    svg = timeline([Event(DAY, "<b>lane</b>", "<script>alert(1)</script>", 'https://example.org/"x')], ["<b>lane</b>"], "t")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and 'href="https://example.org/&quot;x"' in svg
