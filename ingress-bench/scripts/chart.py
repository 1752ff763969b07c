#!/usr/bin/env python3
"""Draws match time against rule count (log-log) for `compiled` and `linearScan` as an SVG.

    java -jar ingress-bench/target/benchmarks.jar MatchBenchmark -rf json -rff match.json
    python3 ingress-bench/scripts/chart.py match.json ingress-bench/match-vs-rules.svg

Only the standard library: the SVG is written by hand.
"""
import json
import math
import sys


def load(path):
    series = {}
    for row in json.load(open(path)):
        name = row["benchmark"].rsplit(".", 1)[1]
        rules = int(row["params"]["rules"])
        series.setdefault(name, []).append((rules, row["primaryMetric"]["score"]))
    return {k: sorted(v) for k, v in series.items()}


def draw(series, out):
    width, height, left, right, top, bottom = 640, 420, 70, 150, 40, 50
    xs = [r for pts in series.values() for r, _ in pts]
    ys = [t for pts in series.values() for _, t in pts]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if x1 == x0:
        x1 += 1
    if y1 == y0:
        y1 += 1

    def px(v):
        return left + (math.log10(v) - x0) / (x1 - x0) * (width - left - right)

    def py(v):
        return height - bottom - (math.log10(v) - y0) / (y1 - y0) * (height - top - bottom)

    colors = {"compiled": "#1f77b4", "linearScan": "#d62728"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2 - right / 2 + left / 2}" y="22" text-anchor="middle" font-size="14">Match time against rule count (log-log)</text>']
    for e in range(x0, x1 + 1):
        x = px(10 ** e)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{10 ** e:,}</text>')
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">rules</text>')
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(top + height - bottom) / 2})">ns per match</text>')
    for i, (name, pts) in enumerate(sorted(series.items())):
        color = colors.get(name, "#555")
        path = " ".join(f"{px(r):.1f},{py(t):.1f}" for r, t in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for r, t in pts:
            parts.append(f'<circle cx="{px(r):.1f}" cy="{py(t):.1f}" r="3.5" fill="{color}"><title>{name} {r:,} rules: {t:.1f} ns</title></circle>')
        ly = top + 20 + i * 20
        parts.append(f'<line x1="{width - right + 15}" y1="{ly}" x2="{width - right + 40}" y2="{ly}" stroke="{color}" stroke-width="2"/>')
        parts.append(f'<text x="{width - right + 46}" y="{ly + 4}">{name}</text>')
    parts.append("</svg>")
    open(out, "w").write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    draw(load(sys.argv[1]), sys.argv[2])
