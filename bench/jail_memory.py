#!/usr/bin/env python3
"""Peak memory of a run as Moodle VPL's execution server counts it.

vpl-jail-system (processMonitor::getMemoryUsedBasedOnProc) adds up, once a
second, the VmHWM (peak resident set) of every process whose real uid is the
prisoner's, and stops the run ("message:outofmemory:<limit>") as soon as the
sum is above the activity's memory limit. Shared pages count once per process
that maps them: a forked worker counts all that it inherited.

    bench/jail_memory.py [--uids 10000-12000] [--every 0.1] -- COMMAND...

runs COMMAND (typically vpl-jail-trial's run_trial.sh, as root) and samples
/proc meanwhile, more often than the jail does; prints, for each uid of the
range seen, the peak of that sum (an upper bound of what the jail can see),
the number of processes then, and the largest of them.
    bench/jail_memory.py --uids 1000-1001 -- ./grade.sh reference
does the same for a run as a user of one's own."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import defaultdict


def sample(low: int, high: int) -> dict[int, list[tuple[int, int, str]]]:
    """{uid: [(VmHWM in kB, pid, command)]} for the processes of uids low..high."""
    seen: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                status = f.read()
            with open(f"/proc/{name}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields["Uid"].split()[0])  # the real uid, as the jail reads it
        if low <= uid <= high and "VmHWM" in fields:
            seen[uid].append((int(fields["VmHWM"].split()[0]), int(name), command[:90]))
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uids", default="10000-12000", help="uid range, LOW-HIGH (the jail's prisoners)")
    parser.add_argument("--every", type=float, default=0.1, help="seconds between samples")
    parser.add_argument("--show", type=int, default=8, help="how many of the largest processes to list")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    low, high = (int(x) for x in args.uids.split("-"))
    peaks: dict[int, tuple[int, list]] = {}  # by uid, in the order they were first seen
    run = subprocess.Popen(args.command)
    while run.poll() is None:
        for uid, processes in sample(low, high).items():
            total = sum(kb for kb, _pid, _cmd in processes)
            if uid not in peaks or total > peaks[uid][0]:
                peaks[uid] = (total, sorted(processes, reverse=True))
        time.sleep(args.every)
    for uid, (total, processes) in peaks.items():
        print(f"uid {uid}: peak {total / 1024:.0f} MiB over {len(processes)} processes")
        for kb, pid, command in processes[:args.show]:
            print(f"    {kb / 1024:6.1f} MiB  {pid:>7}  {command}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
