"""One export of every report, as the reports page makes it, in a process of its own:
prints the seconds it took, the process's peak resident memory in MB, and the bytes.
Called by bench/run.py with the benchmark's environment."""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402


def main(export_format: str) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench-secretariat"))
    started = time.perf_counter()
    response = client.get(f"/reports/?export={export_format}")
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {peak_mb:.1f} {size}")


if __name__ == "__main__":
    main(sys.argv[1])
