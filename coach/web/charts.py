"""The dashboard's three charts as Plotly figure documents (data and layout), built from the
metrics alone: weekly volume stacked by level, SLA attainment by level and clock, and the
distribution of time to first response. Backgrounds are transparent and text is a neutral
grey, so they read in the light and the dark theme; public/dashboard.css gives the text the
theme's own colour in the browser."""

from __future__ import annotations

from typing import Any

from coach.tracking.metrics import Metrics

Figure = dict[str, Any]
LEVEL_COLOURS = {"1": "#d62728", "2": "#ff7f0e", "3": "#1f77b4", "4": "#7f7f7f"}
CLOCK_COLOURS = {"first_response": "#2a9d8f", "resolution": "#6a4c93", "next_update": "#e9c46a"}
CLOCK_NAMES = {"first_response": "First response", "resolution": "Resolution",
               "next_update": "Updates"}
GRID = "rgba(128,128,128,0.25)"


def charts(found: Metrics) -> list[tuple[str, Figure]]:
    """(name, figure) for each chart."""
    return [("weekly-volume", weekly_volume(found)), ("sla-attainment", attainment(found)),
            ("first-response-times", first_response_times(found))]


def _layout(title: str, x_title: str, y_title: str, **more: Any) -> dict[str, Any]:
    axis = {"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True}
    return {"title": {"text": title, "x": 0.02}, "height": 340,
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"color": "#8a8f98", "family": "system-ui, sans-serif", "size": 12},
            "margin": {"l": 50, "r": 20, "t": 50, "b": 50},
            "legend": {"orientation": "h", "y": -0.25},
            "xaxis": {**axis, "title": {"text": x_title}},
            "yaxis": {**axis, "title": {"text": y_title}}, **more}


def _colour(level: str) -> str:
    return LEVEL_COLOURS.get(level, "#9467bd")


def weekly_volume(found: Metrics) -> Figure:
    weeks = [w.week_start.isoformat() for w in found.weekly]
    return {"data": [{"type": "bar", "name": f"Severity {n}", "x": weeks,
                      "y": [w.by_level.get(n, 0) for w in found.weekly],
                      "marker": {"color": _colour(n)}} for n in found.levels],
            "layout": _layout("Escalations opened per week, by level", "week starting",
                              "escalations", barmode="stack")}


def attainment(found: Metrics) -> Figure:
    levels = list(found.levels)
    data = []
    for clock, name in CLOCK_NAMES.items():
        shares = [getattr(found.levels[n], clock).attainment for n in levels]
        data.append({"type": "bar", "name": name, "x": [f"Severity {n}" for n in levels],
                     "y": [None if s is None else round(100 * s, 1) for s in shares],
                     "marker": {"color": CLOCK_COLOURS[clock]}})
    layout = _layout("SLA attainment by level and clock", "level", "on time (%)",
                     barmode="group")
    layout["yaxis"]["range"] = [0, 100]
    return {"data": data, "layout": layout}


def first_response_times(found: Metrics) -> Figure:
    labels = [b.label for b in found.first_response_distribution]
    return {"data": [{"type": "bar", "name": f"Severity {n}", "x": labels,
                      "y": [b.by_level.get(n, 0) for b in found.first_response_distribution],
                      "marker": {"color": _colour(n)}} for n in found.levels],
            "layout": _layout("Time to first response (covered time)", "time to first response",
                              "escalations", barmode="stack")}
