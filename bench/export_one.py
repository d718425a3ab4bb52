"""One download of every report, made as the worker makes a large download
(commitments.documents.reports_export, the same query and writer as the page's), in a
process of its own: prints the seconds it took, the process's peak resident memory in MB,
and the bytes. Called by bench/run.py with the benchmark's environment."""

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from commitments.documents import reports_export  # noqa: E402


def main(export_format: str) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as file:
        reports_export(export_format, {"query": {}}, file)
        size = file.tell()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {peak_mb:.1f} {size}")


if __name__ == "__main__":
    main(sys.argv[1])
