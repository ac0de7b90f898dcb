"""Playwright fixtures: Debian's Chromium on a phone-sized page against pytest-django's live server.

Service workers need a secure context, and http://localhost is one, so pages are opened on
localhost rather than 127.0.0.1.
"""

import os
from pathlib import Path

import pytest

from riskcabinet.roles import Role
from tests.conftest import require_service
from tests.factories import DepartmentFactory, user_with_role

# Playwright's sync API runs an event loop in this thread; Django must still allow the ORM here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_WIDTH = 390
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 844}, "has_touch": True, "is_mobile": True}
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url.replace("127.0.0.1", "localhost")


@pytest.fixture
def phone(browser):
    """A new phone, in English and 390 px wide unless a test asks otherwise (320 px is a small
    phone, or a bigger one with large text)."""
    contexts = []

    def open_phone(locale: str = "en-US", width: int = PHONE_WIDTH):
        viewport = {**PHONE["viewport"], "width": width}
        context = browser.new_context(locale=locale, **(PHONE | {"viewport": viewport}))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core from npm (`npm ci`): missing fails the build in CI and skips elsewhere."""
    require_service(AXE_PATH.exists(), f"axe-core at {AXE_PATH} (run `npm ci`)")
    return AXE_PATH


@pytest.fixture
def axe_check(axe_path):
    """Run axe on a page and return its serious and critical violations."""

    def check(page) -> list[dict]:
        # Served from the page's own origin, so the strict CSP (no inline scripts) stays on.
        page.route(
            "**/__axe-core.min.js",
            lambda route: route.fulfill(path=str(axe_path), content_type="text/javascript"),
        )
        page.add_script_tag(url="/__axe-core.min.js")
        result = page.evaluate("async () => await axe.run(document)")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check


def field_employee(language: str = "en", *, username: str = ""):
    """An employee of Sanitation who reads the pages in `language`."""
    return user_with_role(
        Role.EMPLOYEE,
        department=DepartmentFactory(name="Sanitation"),
        username=username or f"worker-{language}",
        language=language,
    )


def sign_in(
    page, base_url: str, username: str, password: str = "riskcabinet-demo", next: str = "/report/"
) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}{next}")


def page_width(page) -> int:
    """How wide the page's content is: more than the phone's width means sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth")
