"""The metrics as tables: one per CSV file of `coach metrics --csv DIR` and the dashboard's
download. Each table is a header and rows of plain values."""

from __future__ import annotations

import csv
import io
from typing import Any

from coach.domain.escalation import CATEGORIES
from coach.tracking.metrics import Metrics

Table = tuple[list[str], list[list[Any]]]
TIMES = ("measured", "median_minutes", "mean_minutes", "p90_minutes", "median_calendar_minutes",
         "mean_calendar_minutes", "p90_calendar_minutes")


def tables(found: Metrics) -> dict[str, Table]:
    """Every table, by its file's stem."""
    numbers = list(found.levels)
    header = ["level", "opened", "reopened", "clock", "achieved", "breached", "attainment",
              *TIMES]
    rows: list[list[Any]] = []
    for number, level in found.levels.items():
        for clock in ("first_response", "resolution", "next_update"):
            figures = getattr(level, clock).model_dump()
            rows.append([number, level.opened, level.reopened, clock, figures["achieved"],
                              figures["breached"], figures["attainment"],
                              *(figures.get(name) for name in TIMES)])
    return {
        "levels": (header, rows),
        "weekly": (["week_start", *(f"level_{n}" for n in numbers)],
                   [[w.week_start.isoformat(), *(w.by_level.get(n, 0) for n in numbers)]
                    for w in found.weekly]),
        "breaches_by_level": (["level", "breaches"],
                              [[n, c] for n, c in found.breaches.by_level.items()]),
        "breaches_by_owner": (["owner", "breaches"],
                              [[o, c] for o, c in found.breaches.by_owner.items()]),
        "breaches_by_week": (["week_start", "breaches"],
                             [[w.week_start.isoformat(), w.count]
                              for w in found.breaches.by_week]),
        "categories": (["month", *CATEGORIES],
                       [[m.month, *(m.by_category.get(c, 0) for c in CATEGORIES)]
                        for m in found.categories]),
        "repeat_accounts": (["account", "opened"],
                            [[r.account, r.opened] for r in found.repeat_accounts]),
        "open_work": (["figure", "value"], [[name, getattr(found, name)] for name in (
            "opened", "reopened_share", "open", "at_risk", "breached_now", "reviews_due",
            "reviews_overdue", "action_items_overdue")]),
        "at_risk": (["id", "account", "severity", "owner", "status", "breached", "clocks"],
                    [[r.id, r.account, r.severity, r.owner, r.status, r.breached, r.clocks]
                     for r in found.at_risk_now]),
    }


def csv_text(table: Table) -> str:
    """A table as CSV text (empty cells for None)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table[0])
    writer.writerows([["" if v is None else v for v in row] for row in table[1]])
    return out.getvalue()
