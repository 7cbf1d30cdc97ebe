#!/usr/bin/python3
"""Where the time goes in a JFR recording: execution samples per thread, each attributed to the first
seq4j frame outside org.seq4j.tensor and the JDK (so a matrix product counts at the call site that asked
for it), with the sampled top frame in <...>.

Usage: bench/jfr_summary.py RECORDING.jfr [rows per thread, default 20]
Needs the JDK's `jfr` tool on the PATH.
"""
import collections
import json
import subprocess
import sys


def main():
    recording = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
                          recording], capture_output=True, text=True, check=True).stdout
    per_thread = collections.defaultdict(collections.Counter)
    for event in json.loads(out)["recording"]["events"]:
        values = event["values"]
        frames = values["stackTrace"]["frames"] if values.get("stackTrace") else []
        if not frames:
            continue
        thread = values["sampledThread"]["javaName"] if values.get("sampledThread") else "?"
        types = [f["method"]["type"]["name"] for f in frames]
        names = [t.split("/")[-1] + "." + f["method"]["name"] for t, f in zip(types, frames)]
        site = names[0]
        for name, t in zip(names, types):
            if not (t.startswith("org/seq4j/tensor") or t.startswith("java/") or t.startswith("jdk/")):
                site = name + ("" if name == names[0] else " <" + names[0] + ">")
                break
        per_thread[thread][site] += 1
    for thread, sites in sorted(per_thread.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(sites.values())
        if total < 10:
            continue
        print("== thread %s: %d samples" % (thread, total))
        for site, n in sites.most_common(top):
            print("%6.1f%%  %s" % (100.0 * n / total, site))


if __name__ == "__main__":
    main()
