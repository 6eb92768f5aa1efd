"""Settings of the pages benchmark only (``python -m bench pages``): the portal's own settings with
a URL configuration that adds a minimal view as the ceiling. Production never loads this module."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench._urls"
