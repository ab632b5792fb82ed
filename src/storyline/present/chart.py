"""The coverage chart: reports per day (or week, month, year) by outlet, as an SVG drawn on the
server, so a story page and a dossier show it with no script, no font and no network.

It scales to the width of its box (a phone shows the same chart, smaller), its labels are outside
the bars, and every bar says what it counts when pointed at (the SVG <title>).
"""

from __future__ import annotations

from collections import Counter
from html import escape

from ..config import current
from .coverage import DayCount

# Okabe & Ito's palette, told apart with any colour vision; the last grey is the other outlets.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]
OTHERS = "other outlets"


def colours(bars: list[DayCount]) -> dict[str, str]:
    """The busiest outlets keep a colour of their own, in order of how many reports they made."""
    totals: Counter[str] = Counter()
    for bar in bars:
        totals.update(bar.by_outlet)
    ranked = sorted(totals, key=lambda o: (-totals[o], o))
    shown = min(current().presenting.chart_outlets, len(PALETTE) - 1)
    named = ranked if len(ranked) <= shown + 1 else ranked[:shown]
    found = {outlet: PALETTE[k % (len(PALETTE) - 1)] for k, outlet in enumerate(named)}
    if len(named) < len(ranked):
        found[OTHERS] = PALETTE[-1]
    return found


def _stack(bar: DayCount, palette: dict[str, str]) -> list[tuple[str, int]]:
    grouped: Counter = Counter()
    for outlet, count in bar.by_outlet.items():
        grouped[outlet if outlet in palette else OTHERS] += count
    return sorted(grouped.items(), key=lambda kv: list(palette).index(kv[0]))


def _short(name: str) -> str:
    """A legend entry that fits its half of the chart's width; the whole name is its tooltip."""
    return name if len(name) <= 22 else name[:21] + "…"


def svg(bars: list[DayCount]) -> str:
    """The chart as one <svg> element; an empty string when fewer than two reports are dated (one report
    has no coverage over time to show). A few periods are drawn as narrow bars in the middle of the chart,
    as wide as they would be among presenting.chart_min_slots, not stretched into one block."""
    if sum(sum(b.by_outlet.values()) for b in bars) < 2:
        return ""
    palette = colours(bars)
    width, plot_height, left, top, legend_row = 400, 120, 30, 10, 20
    legend_rows = -(-len(palette) // 2)
    height = top + plot_height + 26 + legend_rows * legend_row
    tallest = max(sum(b.by_outlet.values()) for b in bars)
    step = (width - left) / max(len(bars), current().presenting.chart_min_slots)
    start = left + (width - left - step * len(bars)) / 2
    unit = "day" if all(b.start == b.end for b in bars) else "period"
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="reports per {unit} by outlet, '
             f'{escape(bars[0].start)} to {escape(bars[-1].end)}" font-family="sans-serif" font-size="13">',
             f'<line x1="{left}" y1="{top + plot_height}" x2="{width}" y2="{top + plot_height}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{top + 10}" text-anchor="end">{tallest}</text>',
             f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end">0</text>']
    for k, bar in enumerate(bars):
        x, y = start + k * step, float(top + plot_height)
        total = sum(bar.by_outlet.values())
        when = bar.start if bar.start == bar.end else f"{bar.start} to {bar.end}"
        detail = ", ".join(f"{o} {n}" for o, n in sorted(bar.by_outlet.items(), key=lambda kv: (-kv[1], kv[0])))
        parts.append(f"<g><title>{escape(when)}: {total} report{'s' if total != 1 else ''}"
                     f"{' (' + escape(detail) + ')' if detail else ''}</title>")
        for outlet, count in _stack(bar, palette):
            h = plot_height * count / tallest
            y -= h
            parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{y:.1f}" width="{max(step * 0.8, 1):.1f}" '
                         f'height="{h:.1f}" fill="{palette[outlet]}"/>')
        parts.append("</g>")
    axis = top + plot_height + 15
    parts.append(f'<text x="{start:.1f}" y="{axis}">{escape(bars[0].start)}</text>')
    if len(bars) > 1:
        parts.append(f'<text x="{start + step * len(bars):.1f}" y="{axis}" text-anchor="end">{escape(bars[-1].end)}</text>')
    for k, (outlet, colour) in enumerate(palette.items()):
        x, y = left + (k % 2) * (width - left) / 2, axis + 8 + (k // 2) * legend_row
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="11" height="11" fill="{colour}"/>'
                     f'<text x="{x + 15:.1f}" y="{y + 10:.1f}">{escape(_short(outlet))}<title>{escape(outlet)}</title></text>')
    parts.append("</svg>")
    return "".join(parts)
