"""The app's own settings, with the benchmark's floor added to the URLs."""

import os

from bali_followup.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_NO_CACHE"):
    # Every page built from the database each time: what the pages cost on a cache miss.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
