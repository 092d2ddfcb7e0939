"""HTML pages of a class grading: one feedback page per student (from the
JSON report, so that it says what the text report says) and the class
summary. Templates are in templates/; their texts go through `_()` too."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .feedback import visible
from .i18n import _, current_language
from .report import short_name
from .similarity import THRESHOLD, Pair

TEMPLATES_DIR = Path(__file__).parent / "templates"
HISTOGRAM_BANDS = 10  # 0-10 %, ..., 90-100 %


def _env() -> jinja2.Environment:
    # every value a page shows goes through visible(): a program's output, a
    # hand-in's name, may hold control characters (feedback.visible)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                             autoescape=jinja2.select_autoescape(["html"]),
                             finalize=lambda value: visible(value) if isinstance(value, str) else value)
    env.globals.update(_=_, fmt=lambda x: f"{x:g}", lang=current_language())
    return env


def feedback_page(report: dict) -> str:
    notes = [n for n in (report.get("output") or "").split("\n") if n.strip()]
    return _env().get_template("feedback.html").render(
        report=report, student=report.get("student", {"name": ""}), notes=notes)


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    count: int
    label: str


def histogram(percents: list[float], width: int = 600, height: int = 220) -> dict:
    counts = [0] * HISTOGRAM_BANDS
    for p in percents:
        counts[min(int(p // (100 / HISTOGRAM_BANDS)), HISTOGRAM_BANDS - 1)] += 1
    top, base = max(counts + [1]), height - 20
    slot = width / HISTOGRAM_BANDS
    bars = []
    for i, n in enumerate(counts):
        h = (base - 20) * n / top
        bars.append(Bar(i * slot + 4, base - h, slot - 8, h, n, f"{i * 10}-{(i + 1) * 10}%"))
    return {"width": width, "height": height, "base": base, "bars": bars}


def summary_page(reports: list[dict], links: list[str], pairs: list[Pair]) -> str:
    """`reports`: one JSON report per student (with its "student"), `links`:
    the path of each one's feedback page."""
    exercises = []
    for ex in dict.fromkeys(e["id"] for r in reports for e in r.get("exercises", [])):
        rows = [e for r in reports for e in r.get("exercises", []) if e["id"] == ex]
        top = max(e["max_score"] for e in rows)
        exercises.append({"id": ex, "name": rows[0]["name"], "short": short_name(ex),
                          "mean": round(statistics.mean(e["score"] for e in rows), 2), "max": top,
                          "full": sum(1 for e in rows if e["score"] == e["max_score"])})
    checks: dict[str, dict] = {}
    for r in reports:
        for t in r.get("tests", []):
            c = checks.setdefault(t["name"], {"name": t["name"], "passed": 0, "graded": 0,
                                              "max_score": t["max_score"]})
            c["graded"] += 1
            c["passed"] += t["status"] == "passed"
    for c in checks.values():
        c["rate"] = round(100 * c["passed"] / c["graded"])
    totals = [r["score"] for r in reports]
    max_total = max((r["max_score"] for r in reports), default=0)
    students = []
    for r, link in zip(reports, links):
        by_id = {e["id"]: e["score"] for e in r.get("exercises", [])}
        students.append({"name": r["student"]["name"], "link": link, "total": r["score"],
                         "max": r["max_score"], "scores": [by_id.get(e["id"], 0) for e in exercises]})
    names = {r["student"]["key"]: r["student"]["name"] for r in reports}
    shown_pairs = [{"exercise": p.exercise, "first": names.get(p.first, p.first),
                    "second": names.get(p.second, p.second), "score": p.score} for p in pairs]
    return _env().get_template("summary.html").render(
        count=len(reports), mean=round(statistics.mean(totals), 2) if totals else 0,
        median=statistics.median(totals) if totals else 0, max_total=max_total,
        hist=histogram([100 * r["score"] / r["max_score"] if r["max_score"] else 0 for r in reports]),
        exercises=exercises, checks=sorted(checks.values(), key=lambda c: (c["rate"], c["name"])),
        students=students, pairs=shown_pairs, threshold=round(THRESHOLD * 100))
