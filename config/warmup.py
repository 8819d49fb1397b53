"""Work a web process would otherwise do on its first request, done before it takes one.

Django imports the URLconf (and with it every view, DRF and drf-spectacular), builds the URL
resolver's tables for the active language, loads each language's catalogue and compiles each
template the first time something asks for them. In a new gunicorn worker that is ~0.4 s of
CPU on its first request, and every request that arrives meanwhile waits behind it: after a
deploy or a restart, the first pages staff open during a crisis were the slowest of the day
(the load benchmark's first pages, `benchmarks/load.py --count-ramp-up`).

Nothing here touches the database: the web server may fork after it (gunicorn's preload),
and a connection opened before a fork would be shared by every child.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def warm_up() -> None:
    from django.conf import settings
    from django.core.cache import caches
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        # The resolver keeps its reverse tables per language; activating loads the catalogue.
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018 - populates the tables

    for alias in settings.CACHES:
        # Django's Redis cache builds its client (importing redis-py, ~0.1 s) on first use;
        # building it connects to nothing, so a Redis that is down does not stop a start.
        getattr(caches[alias], "_cache", None)

    # The project's own pages (TEMPLATES' DIRS); the libraries' are asked for rarely.
    for engine in engines.all():
        for directory in engine.dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*.html")):
                name = path.relative_to(root).as_posix()
                try:
                    engine.get_template(name)
                except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
                    # One broken page must not keep every other page from being served: it
                    # fails on its own when asked for, as it would without this.
                    log.warning("template %s did not compile at start-up: %s", name, exc)
