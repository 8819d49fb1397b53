"""Development and the embedded quick start: DEBUG on unless said otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "insecure-local-only-" + "haven-dev-key-change-me"  # noqa: F405
