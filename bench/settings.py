"""The app's own settings, with the benchmark's floor added to the URLs."""

from bali_followup.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
