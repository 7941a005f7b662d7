"""Time and peak memory of one job, each job in a fresh process so its peak RSS is its own (and its children's)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    name: str
    seconds: float
    peak_rss_mb: float
    detail: dict


_CHILD = """
import json, resource, sys, time
from importlib import import_module
module, function, arg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
job = getattr(import_module(module), function)
start = time.perf_counter()
detail = job(*arg)
seconds = time.perf_counter() - start
# the job's own peak plus the largest of its children's (the import's parser process): both are the job's memory
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "detail": detail or {}}))
"""


def measure(name: str, module: str, function: str, *args: str) -> Measurement:
    """Run module.function(*args) in a new interpreter and read back its timing line."""
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, module, function, json.dumps(list(args))],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return Measurement(name, result["seconds"], result["peak_rss_mb"], result["detail"])


def print_table(title: str, rows: list[Measurement], baseline: Measurement) -> None:
    print(f"\n{title}")
    print(f"{'job':<34}{'seconds':>9}{'x baseline':>12}{'peak RSS MB':>13}")
    for row in rows:
        ratio = row.seconds / baseline.seconds if baseline.seconds else float("nan")
        print(f"{row.name:<34}{row.seconds:>9.2f}{ratio:>12.2f}{row.peak_rss_mb:>13.0f}")


@contextmanager
def durable_postgres(benchmark: str) -> Iterator[str | None]:
    """A PostgreSQL server of the benchmark's own with the default durability (as a firm's), its address; None, said
    on stderr, where the machine has no PostgreSQL."""
    from tests.postgres import PostgresMissing, running_postgres

    try:
        server_context = running_postgres(durable=True)
        server = server_context.__enter__()
    except PostgresMissing as missing:
        print(f"\n{benchmark} skipped: {missing}", file=sys.stderr)
        yield None
        return
    try:
        yield server
    finally:
        server_context.__exit__(None, None, None)
