"""Test settings with config.settings.security applied. Only needed until base.py imports
security.py itself; then config.settings.test already has everything here."""
# isort: skip_file
# The order matters: security's MIDDLEWARE must win over test's (base's) copy.

from .test import *  # noqa: F403
from .security import *  # noqa: F403
