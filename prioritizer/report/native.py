"""Native, editable PowerPoint charts (python-pptx's chart API) for the simple charts: bars
and the value bridge. Fonts are set at :data:`~.slides.CHART_PT` points; values on the bars
are written with :mod:`prioritizer.formatting`, the same words as everywhere else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import formatting as fmt
from .slides import CHART_PT, Box, _emu, set_alt_text

BLUE, VERMILLION, NAVY, SKY = "0072B2", "D55E00", "1F3A5F", "56B4E9"


def money_format(currency: str, values: Sequence[float]) -> str:
    """An Excel number format for money axes: millions (``€#,##0.0,,"M"``) or thousands."""
    symbol = fmt.symbol(currency).strip()
    quoted = f'"{symbol}"' if len(symbol) == 1 else f'"{symbol} "'
    top = max((abs(v) for v in values), default=0.0)
    if top >= 1e6:
        return f'{quoted}#,##0.0,,"M";-{quoted}#,##0.0,,"M"'
    if top >= 1e3:
        return f'{quoted}#,##0,"k";-{quoted}#,##0,"k"'
    return f"{quoted}#,##0;-{quoted}#,##0"


def _style(chart: Any, *, legend: bool) -> None:
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    chart.font.size = Pt(CHART_PT)
    chart.has_title = False
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(CHART_PT)


def _colour(fill: Any, hex_colour: str) -> None:
    from pptx.dml.color import RGBColor

    fill.solid()
    fill.fore_color.rgb = RGBColor.from_string(hex_colour)


def bar_chart(
    slide: Any,
    box: Box,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    labels: Sequence[Sequence[str]],
    number_format: str,
    alt: str,
) -> Any:
    """Horizontal bars, first category on top, each bar labelled with ``labels``."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Pt

    data = CategoryChartData(number_format=number_format)
    data.categories = list(reversed(categories))
    for name, values in series:
        data.add_series(name, list(reversed([float(v) for v in values])))
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED,
        _emu(box.left),
        _emu(box.top),
        _emu(box.width),
        _emu(box.height),
        data,
    )
    set_alt_text(frame, alt)
    chart = frame.chart
    _style(chart, legend=len(series) > 1)
    colours = (BLUE, SKY, VERMILLION)
    for k, plot_series in enumerate(chart.plots[0].series):
        _colour(plot_series.format.fill, colours[k % len(colours)])
        texts = list(reversed(labels[k]))
        for j, point in enumerate(plot_series.points):
            label = point.data_label
            label.has_text_frame = True
            label.text_frame.text = texts[j]
            label.position = XL_LABEL_POSITION.OUTSIDE_END
            for paragraph in label.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(CHART_PT)
    chart.plots[0].gap_width = 60
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = False
    value_axis.visible = False
    chart.category_axis.tick_labels.font.size = Pt(CHART_PT)
    return frame


def waterfall(
    slide: Any,
    box: Box,
    steps: Sequence[tuple[str, float]],
    total_label: str,
    *,
    currency: str,
    alt: str,
) -> Any | None:
    """The value bridge: one floating column per step and the total at the end (a stacked
    column chart whose base series is invisible). None when a running total goes below zero
    (a stacked chart cannot float a bar across zero; draw a picture instead)."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Pt

    bases, heights, running = [], [], 0.0
    for _label, value in steps:
        start, running = running, running + value
        bases.append(min(start, running))
        heights.append(abs(value))
    if min([*bases, running]) < 0:
        return None
    categories = [label for label, _v in steps] + [total_label]
    values = [v for _l, v in steps] + [running]
    data = CategoryChartData(number_format=money_format(currency, values))
    data.categories = categories
    data.add_series("base", [*bases, 0.0])
    data.add_series("value", [*heights, running])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_STACKED,
        _emu(box.left),
        _emu(box.top),
        _emu(box.width),
        _emu(box.height),
        data,
    )
    set_alt_text(frame, alt)
    chart = frame.chart
    _style(chart, legend=False)
    plot = chart.plots[0]
    plot.gap_width = 50
    base, shown = plot.series
    base.format.fill.background()
    base.format.line.fill.background()
    for j, point in enumerate(shown.points):
        colour = NAVY if j == len(steps) else (BLUE if values[j] >= 0 else VERMILLION)
        _colour(point.format.fill, colour)
        label = point.data_label
        label.has_text_frame = True
        sign = "+" if 0 < j < len(steps) and values[j] > 0 else ""
        label.text_frame.text = sign + fmt.money(values[j], currency)
        label.position = XL_LABEL_POSITION.INSIDE_END
        for paragraph in label.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(CHART_PT)
                run.font.bold = True
                run.font.color.rgb = __import__("pptx").dml.color.RGBColor(0xFF, 0xFF, 0xFF)
    axis = chart.value_axis
    axis.tick_labels.number_format = money_format(currency, values)
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(CHART_PT)
    axis.major_gridlines.format.line.color.rgb = __import__("pptx").dml.color.RGBColor(
        0xD9, 0xD9, 0xD9
    )
    chart.category_axis.tick_labels.font.size = Pt(CHART_PT)
    return frame
