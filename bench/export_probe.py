"""Time CSV exports in a fresh process and report its peak memory, as JSON on stdout.

bench.run starts one probe per view and size, so each peak RSS belongs to one export series
and nothing measured before (the list timings, another view's export) inflates it.
"""

import argparse
import json
import resource
import time

import psutil

from bench.portal_app import build_app, login

MB = 2**20


def _reset_peak_rss() -> bool:
    """Reset this process's peak-RSS mark (Linux 4.0+); tell whether that worked."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _peak_rss() -> int:
    """Return the peak RSS since the last reset (VmHWM), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _export_once(client, view: str) -> tuple[float, int]:
    """Stream one CSV export to nowhere; return seconds taken and data rows received."""
    start = time.perf_counter()
    response = client.get(f"/{view}/export/csv/", buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"/{view}/export/csv/ answered HTTP {response.status_code}")
    lines = sum(chunk.count(b"\n") for chunk in response.response)
    response.close()
    return time.perf_counter() - start, lines - 1  # minus the header line


def probe(url: str, view: str, rows: int, repeat: int) -> dict:
    """Export `rows` rows `repeat` times from `view`; return times, rows and memory."""
    app = build_app(url, export_rows=rows)
    client = app.test_client()
    login(client)
    client.get(f"/{view}/")  # templates compiled, mappers configured: not export memory
    before = psutil.Process().memory_info().rss
    # Login's argon2 check alone takes 64 MiB: reset the high-water mark so the peak we
    # report is the one reached while exporting.
    startup_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if not _reset_peak_rss():
        raise RuntimeError("cannot reset the peak RSS (/proc/self/clear_refs)")
    runs = [_export_once(client, view) for _ in range(repeat)]
    return {"view": view, "rows": runs[-1][1], "seconds": [seconds for seconds, _ in runs],
            "rss_before_mb": before / MB, "peak_rss_mb": _peak_rss() / MB,
            "startup_peak_rss_mb": startup_peak / MB}


def main() -> None:
    """Parse the command line, run the probe and print its JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--view", required=True, choices=["accounts", "plain_accounts"])
    parser.add_argument("--rows", type=int, required=True, help="export cap (rows exported)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(probe(args.url, args.view, args.rows, args.repeat)))


if __name__ == "__main__":
    main()
