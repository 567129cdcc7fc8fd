"""Turning measured runs into the table, the product owner's target verdicts and the JSON file.

With ``--repeats N`` every number is the median over the N runs of that configuration (the raw runs stay in the
JSON). A latency of ``None`` means "never answered within the grace period" and sorts as infinitely slow.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from configs import BERT, BUNDLED, NAIVE

Row = dict[str, Any]
#: (heading, column width)
HEADINGS = (
    ("config", 30),
    ("comments/s", 10),
    ("x naive", 7),
    ("p50 ms", 7),
    ("p99 ms", 7),
    ("t/o", 5),
    ("err", 4),
    ("50/s p50", 8),
    ("50/s p99", 8),
    ("50/s t/o", 8),
    ("50/s err", 8),
    ("RSS MB", 7),
    ("gen CPU", 7),
    ("srv CPU", 7),
    ("bg CPU", 6),
)


def median_row(runs: list[Row]) -> Row:
    """One row whose numbers are per-field medians over ``runs`` (same configuration, different repeats)."""
    merged = _median(runs)
    merged["runs"] = runs
    return dict(merged)


def _median(values: list[Any]) -> Any:
    first = values[0]
    if isinstance(first, dict):
        keys = {key for value in values for key in value}
        return {key: _median([value.get(key) for value in values]) for key in sorted(keys)}
    if all(value is None or (isinstance(value, int | float) and not isinstance(value, bool)) for value in values):
        middle = statistics.median(math.inf if value is None else value for value in values)
        return None if middle == math.inf else middle
    return first  # names and flags are the same in every run


def throughput(row: Row) -> float:
    return float(row["closed"]["scored_per_second"])


def errors(result: Row) -> int:
    """Answers that were neither moderated nor a model timeout: 5xx, 4xx other than 422, lost connections."""
    bad = sum(n for code, n in result["statuses"].items() if code not in ("201", "202", "422"))
    return int(bad + result["errors"] + result.get("unfinished", 0))


def table(rows: list[Row]) -> str:
    """A fixed-width table; ratios are against the naive baseline measured in the same run."""
    naive = next((throughput(r) for r in rows if r["model"] == NAIVE), None)
    lines = [_line([heading for heading, _ in HEADINGS])]
    lines += [_line(_cells(row, naive)) for row in rows]
    return "\n".join(lines)


def _line(cells: list[str]) -> str:
    """First column left-aligned, numbers right-aligned."""
    widths = [width for _, width in HEADINGS]
    return " ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def _cells(row: Row, naive: float | None) -> list[str]:
    closed, opened = row["closed"], row["open"]
    ratio = f"{throughput(row) / naive:.2f}" if naive else "-"
    return [
        row["config"],
        f"{throughput(row):.1f}",
        ratio,
        _ms(closed["p50_ms"]),
        _ms(closed["p99_ms"]),
        str(round(closed["model_timeouts"])),
        str(errors(closed)),
        _ms(opened["p50_ms"]),
        _ms(opened["p99_ms"]),
        str(round(opened["model_timeouts"])),
        str(errors(opened)),
        f"{row['peak_rss_mb']:.0f}",
        f"{closed['gen_cores']:.2f}",
        f"{closed['server_cores']:.2f}",
        f"{closed['other_cores']:.2f}",
    ]


def _ms(value: float | None) -> str:
    return "unans." if value is None else f"{value:.0f}"


def targets(rows: list[Row]) -> dict[str, Row]:
    """The three targets, each with the best configuration for it, its value and whether it is met."""
    naive = next((r for r in rows if r["model"] == NAIVE), None)
    bert = [r for r in rows if r["model"] == BERT]
    bundled = [r for r in rows if r["model"] == BUNDLED]
    verdicts: dict[str, Row] = {}
    if naive and bert:
        best = max(bert, key=throughput)
        ratio = throughput(best) / throughput(naive) if throughput(naive) > 0 else None
        value = f"{ratio:.2f}x ({throughput(best):.1f} vs {throughput(naive):.1f}/s)" if ratio else "no baseline"
        verdicts["bert-base >= 2.5x naive"] = _verdict(best, value, ratio is not None and ratio >= 2.5)
    if bert:
        best = min(bert, key=_open_rank)
        p99, opened = best["open"]["p99_ms"], best["open"]
        value = f"p99 {p99:.0f} ms" if p99 is not None else f"p99 unanswered ({errors(opened)} of 50/s not answered)"
        value += f", {opened['model_timeouts']:.0f} model_timeout"
        verdicts["bert-base p99 <= 300 ms at 50/s"] = _verdict(best, value, p99 is not None and p99 <= 300)
    if bundled:
        best = max(bundled, key=throughput)
        verdicts["bundled >= 300 comments/s"] = _verdict(best, f"{throughput(best):.1f}/s", throughput(best) >= 300)
    return verdicts


def _open_rank(row: Row) -> tuple[int, float]:
    """Fewest unanswered first, then lowest p99 (a model_timeout answer takes >= 2 s, so it shows in p99)."""
    p99 = row["open"]["p99_ms"]
    return errors(row["open"]), math.inf if p99 is None else float(p99)


def _verdict(row: Row, value: str, met: bool) -> Row:
    return {"config": row["config"], "value": value, "met": met}


def targets_text(verdicts: dict[str, Row]) -> str:
    return "\n".join(
        f"{'MET    ' if v['met'] else 'NOT MET'}  {name}: {v['value']}  [{v['config']}]" for name, v in verdicts.items()
    )
