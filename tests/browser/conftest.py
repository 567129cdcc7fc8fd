"""Browser fixtures: the real app served over real HTTP, driven by a system Chromium through Playwright.

Install the pieces with ``apt-get install -y chromium`` (Debian, ``/usr/bin/chromium``) and ``pip install
playwright``; ``playwright install`` is never needed. Without either, every browser test is skipped.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from moderation.demo.content import DEMO_ARTICLE_ID
from tests.factories import make_article
from tests.helpers import serving

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium", path="/usr/bin")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium_path()
    if executable is None:
        pytest.skip("Chromium not found (install it with: apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("Python package 'playwright' not installed (install it with: pip install playwright)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"demo_page": True}


@pytest.fixture
def live_server(app: Flask, session: Any) -> Iterator[str]:
    """Serves ``app`` on a free local port in a background thread; yields the base URL."""
    make_article(session, DEMO_ARTICLE_ID)
    with serving(app) as url:
        yield url


@pytest.fixture
def demo_url(live_server: str) -> str:
    return f"{live_server}/demo/{DEMO_ARTICLE_ID}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context per test (no shared cookies or storage); fails the test on page script errors."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
