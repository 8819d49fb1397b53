"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Never a downloaded browser: /usr/bin/chromium or nothing. Without it the browser tests skip,
except in CI (CI=true), where they fail: a green run must have driven a real browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are plain synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def eager_tasks(settings):
    """No worker in the browser tests: tasks enqueued on commit (the engine's recompute, the
    letter batch) run at once, in the live server's request thread."""
    from config.celery import app

    # Read the old value first: Celery reads Django's setting lazily, so after the override
    # below it would already answer True, and "restoring" it would leave every later test eager.
    old = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


class Session:
    """One browser page logged in as one user, in one language, saving screenshots."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base = base_url
        self.name = name
        self.shots = 0
        SCREENSHOTS.mkdir(exist_ok=True)

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def shot(self, label: str) -> None:
        self.shots += 1
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{label}.png"), full_page=True
        )


@pytest.fixture
def browse(chromium, live_server):
    """browse(user, language, name) -> a Session after the real login and TOTP pages."""
    from accounts.services import demo_totp_enrol
    from tests.accounts.helpers import lasting_totp_code

    contexts = []

    def open_as(user, language: str, name: str) -> Session:
        secret = demo_totp_enrol(user)
        context = chromium.new_context(viewport={"width": 1100, "height": 900}, locale=language)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        session = Session(page, live_server.url, f"{name}-{language}")
        session.go("/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/2fa/authenticate/**")
        # Ten seconds of the code's window left: a busy CI machine can take seconds between
        # filling the code in and the server checking it.
        page.fill("input[name=code]", lasting_totp_code(secret, seconds=10))
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == language
        return session

    yield open_as
    for context in contexts:
        context.close()
