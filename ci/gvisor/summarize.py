#!/usr/bin/env python3
"""Counts of googletest JSON reports (--gtest_output=json) per binary and side, and the tests
that fail on the model side while passing on the kernel side.

Usage: summarize.py OUT_DIR BINARY...   (reads OUT_DIR/{kernel,model}-BINARY.json)
Exit status 1 when a test passes on the kernel and not on the model, 2 when a report is missing.
"""
import json
import os
import sys


def results(path):
    """{test name: 'pass' | 'fail' | 'skip'} of one report, or None when it is missing."""
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print(f"  {path}: no report ({e})")
        return None
    out = {}
    for suite in report.get("testsuites", []):
        for t in suite.get("testsuite", []):
            name = f"{suite['name']}.{t['name']}"
            if t.get("failures"):
                out[name] = "fail"
            elif t.get("result") == "SKIPPED":
                out[name] = "skip"
            else:
                out[name] = "pass"
    return out


def main():
    out_dir, binaries = sys.argv[1], sys.argv[2:]
    status = 0
    print(f"{'binary':<24} {'side':<7} {'pass':>5} {'fail':>5} {'skip':>5}")
    regressions = []
    for b in binaries:
        sides = {}
        for side in ("kernel", "model"):
            r = results(os.path.join(out_dir, f"{side}-{b}.json"))
            sides[side] = r
            if r is None:
                status = 2
                print(f"{b:<24} {side:<7} {'-':>5} {'-':>5} {'-':>5}")
                continue
            counts = [sum(1 for v in r.values() if v == k) for k in ("pass", "fail", "skip")]
            print(f"{b:<24} {side:<7} {counts[0]:>5} {counts[1]:>5} {counts[2]:>5}")
        k, m = sides["kernel"], sides["model"]
        if k is not None and m is not None:
            for name, v in sorted(k.items()):
                if v == "pass" and m.get(name) != "pass":
                    regressions.append(f"{b}: {name} ({m.get(name, 'not run')} on the model)")
    if regressions:
        print("passing on the kernel, not on the model:")
        for r in regressions:
            print(f"  {r}")
        status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
