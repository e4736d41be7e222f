#!/usr/bin/env python3
"""Plots scaling_benchmark JSON reports (several are merged, e.g. the two halves of
scripts/bench_manycore.sh's run): MPSC scaling by producer count, and SPSC throughput by mode, one bar per
queue (median msg/s; whiskers min-max). After a capacity sweep (--capacity A,B,...) every
series and bar is named with its capacity.
Usage: plot.py out.png report.json [report.json ...]"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    reports = []
    for path in sys.argv[2:]:
        with open(path) as f:
            reports.append(json.load(f))
    report = reports[0]
    groups = [g for r in reports for g in r["groups"]]
    env = report["environment"]
    swept = len({g.get("capacity") for g in groups if g["mode"] in ("mpsc", "single", "batch")}) > 1

    def named(queue, group):
        return f'{queue} [capacity {group["capacity"]}]' if swept else queue

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 6))
    mpsc = [g for g in groups if g["mode"] == "mpsc"]
    series = {}
    for g in mpsc:
        for r in g["rows"]:
            series.setdefault(named(r["queue"], g), []).append(
                (g["producers"], r["median_msgs_per_s"] / 1e6, r["min_msgs_per_s"] / 1e6, r["max_msgs_per_s"] / 1e6))
    for name, pts in series.items():
        pts.sort()
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        lo = [p[1] - p[2] for p in pts]
        hi = [p[3] - p[1] for p in pts]
        style = "-o" if "ringmpsc" in name else "--."
        ax1.errorbar(xs, ys, yerr=[lo, hi], fmt=style, capsize=3, label=name,
                     linewidth=2.5 if "ringmpsc" in name else 1.2)
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log")
    ax1.set_xlabel("producers (one consumer)")
    ax1.set_ylabel("M msg/s (median, min-max)")
    ax1.set_title("MPSC scaling, u64, single-item push")
    ax1.grid(True, which="both", alpha=0.3)
    ax1.legend(fontsize=7)

    spsc = [g for g in groups if g["mode"] in ("single", "batch") and (g["mode"] == "single" or g["batch"] == 256)]
    labels, values, colors = [], [], []
    for g in spsc:
        tag = "single" if g["mode"] == "single" else "batch 256"
        for r in g["rows"]:
            labels.append(f'{named(r["queue"], g)} [{tag}]')
            values.append(r["median_msgs_per_s"] / 1e6)
            colors.append("tab:red" if r["ours"] else "tab:gray")
    ax2.barh(range(len(values)), values, color=colors)
    ax2.set_yticks(range(len(values)))
    ax2.set_yticklabels(labels, fontsize=7)
    ax2.invert_yaxis()
    ax2.set_xscale("log")
    ax2.set_xlabel("M msg/s (median)")
    ax2.set_title("SPSC, u64: single item and batches of 256")
    ax2.grid(True, axis="x", which="both", alpha=0.3)

    fig.suptitle(f'ringmpsc vs peers — {env["cpu"]}, {env["cores"]} CPUs, {env["compiler"]}, '
                 f'{report["rounds"]} rounds x {report["duration_ms"]:.0f} ms', fontsize=10)
    fig.tight_layout()
    fig.savefig(sys.argv[1], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
