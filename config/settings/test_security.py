"""Test settings with config.settings.security applied. Only needed until base.py imports
security.py itself; then config.settings.test already has everything here."""

from .security import *  # noqa: F403
from .test import *  # noqa: F403
