"""The system page's charts, rendered from its template: inline on load, out of band live."""

from __future__ import annotations

from collections.abc import Mapping

from django.template.loader import render_to_string

from hanami_client import Series
from portal.system.charts import MEASURES, SPANS, Measure, SeriesChart, series_chart

__all__ = ["chart_groups", "render_charts"]


def chart_groups(series: Mapping[str, Series]) -> list[tuple[Measure, list[SeriesChart]]]:
    """Each measure with its charts of the last minute, hour and day."""
    return [
        (
            measure,
            [
                series_chart(measure, span, getattr(series[measure.key], span.field))
                for span in SPANS
            ],
        )
        for measure in MEASURES
    ]


def render_charts(series: Mapping[str, Series]) -> dict[str, str]:
    """Every chart as an out-of-band swap of its place on the page, by chart id."""
    return {
        chart.id: render_to_string("system/page.html#oob", {"chart": chart})
        for _, charts in chart_groups(series)
        for chart in charts
    }
