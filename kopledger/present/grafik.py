"""Charts of the RAT pack as SVG, drawn by pygal.

Each function takes plain labels and numbers and returns one self-contained ``<svg>``
element as a string, to embed inline in the HTML (and so in the PDF): no XML
declaration, no scripts, no links to the network, and a fixed element id per chart so
the output is the same on every run. The labels come already translated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from kopledger.core.errors import translate
from kopledger.present import formatting
from kopledger.reports.grafik import Grafik

#: Print-friendly colours (readable in greyscale too: they differ in lightness).
COLORS = ("#1f5f8b", "#e07b39", "#5b9a4b", "#b8405e", "#8c6bb1", "#c9a227", "#4aa3a2", "#7f7f7f")

@functools.cache
def style() -> Any:
    """pygal's style for kopledger's charts (pygal is imported only when a chart is drawn)."""
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#888",
        opacity="1",
        opacity_hover="1",
        transition="none",
        colors=COLORS,
        font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        value_font_size=12,
        tooltip_font_size=11,
        title_font_size=14,
    )


Formatter = Callable[[Any], str]


def _strip_scripts(root: Any) -> Any:
    """pygal XML filter: drop ``<script>`` elements and comments (tooltips need no JS on paper)."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag.endswith("script") or not isinstance(child.tag, str):
                parent.remove(child)
    return root


def _config(chart_id: str, **extra: Any) -> dict[str, Any]:
    options: dict[str, Any] = dict(
        style=style(),
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=360,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=False,
        show_y_guides=True,
        show_x_guides=False,
        margin=16,
        margin_bottom=24,
        spacing=10,
        truncate_legend=-1,
        truncate_label=-1,
    )
    options.update(extra)
    return options


def _render(chart: Any, chart_id: str) -> str:
    chart.uuid = chart_id  # deterministic ids: the CSS inside the SVG is scoped by it
    chart.add_xml_filter(_strip_scripts)
    return str(chart.render(is_unicode=True))


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def bar_chart(
    chart_id: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    *,
    value_formatter: Formatter = str,
    stacked: bool = False,
    print_values: bool = True,
    whole_numbers: bool = False,
) -> str:
    """A (stacked) bar chart: one bar group per x label, one series per ``(name, values)``.

    ``whole_numbers`` puts the y axis ticks on whole numbers (for counts of people).
    """
    import pygal

    cls = pygal.StackedBar if stacked else pygal.Bar
    chart = cls(
        **_config(chart_id, print_values=print_values, print_values_position="top" if not stacked else "center"),
        value_formatter=value_formatter,
    )
    chart.x_labels = list(x_labels)
    if whole_numbers:
        chart.y_labels = whole_number_ticks(series, stacked=stacked)
    for name, values in series:
        chart.add(name, [_number(v) for v in values])
    return _render(chart, chart_id)


def whole_number_ticks(
    series: Sequence[tuple[str, Sequence[Decimal | int | None]]], *, stacked: bool = False, most: int = 8
) -> list[int]:
    """Evenly spaced whole-number ticks from 0 covering the data (at most ``most`` + 1)."""
    columns = [list(values) for _name, values in series]
    if stacked:
        top = max((sum(int(v or 0) for v in column) for column in zip(*columns, strict=False)), default=0)
    else:
        top = max((int(v or 0) for column in columns for v in column), default=0)
    step = 1
    while top / step > most:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= most:
                break
    last = -(-top // step) * step if top else step
    return list(range(0, last + 1, step))


def pie_chart(
    chart_id: str,
    slices: Sequence[tuple[str, Decimal | int]],
    *,
    value_formatter: Formatter = str,
) -> str:
    """A donut chart of ``(label, value)`` slices; zero and negative slices are left out."""
    import pygal

    chart = pygal.Pie(
        **_config(chart_id, height=260, legend_at_bottom=False, legend_box_size=14, print_values=False),
        inner_radius=0.45,
        value_formatter=value_formatter,
    )
    for name, value in slices:
        if value > 0:
            chart.add(name, [_number(value)])
    return _render(chart, chart_id)


def svg(chart: Grafik, lang: str = "id") -> str:
    """The chart as inline SVG, its words in ``lang``."""
    def number(value: Any) -> str:
        amount = Decimal(str(value))
        return formatting.rupiah(amount, lang) if chart.satuan == "rupiah" else formatting.angka(amount, lang)

    chart_id = chart.id.replace("grafik-", "rat-", 1)
    if chart.jenis == "lingkaran":
        values = [(translate(name, lang), values[0] or 0) for name, values in chart.seri]
        positive = sum((Decimal(v) for _n, v in values if v > 0), Decimal(0))
        slices = [
            (f"{name} {formatting.persen(Decimal(v) / positive * 100, lang, decimals=1)}", v)
            for name, v in values if v > 0
        ]
        return pie_chart(chart_id, slices, value_formatter=number)
    series = [(translate(name, lang), list(values)) for name, values in chart.seri]
    return bar_chart(chart_id, list(chart.label), series, value_formatter=number, stacked=chart.bertumpuk,
                     whole_numbers=chart.satuan == "orang")
