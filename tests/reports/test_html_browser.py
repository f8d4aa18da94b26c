"""The HTML report in a real browser (Playwright + Debian's Chromium), opened from disk.

Needs `apt-get install chromium`; skipped with a reason when it is missing, except under CI=true.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reports.registry import render_report
from tests.reports.fixtures import F_DIALOGUE, F_LAUNCH, F_MASS, REPORT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _require_browser() -> None:
    """Skip (fail under CI=true) when Playwright or Chromium is not installed."""
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed (pip install playwright)"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_report(REPORT, "html"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Seen:
    """What the page did while it was open: dialogs, script errors, console errors and requests."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def page(browser: Browser, report_file: Path, seen: Seen) -> Iterator[Page]:
    """A fresh page with the report loaded from disk, recording into `seen`."""
    context = browser.new_context()
    page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("console", lambda message: seen.console.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    yield page
    context.close()


def _visible_cards(page: Page) -> list[str]:
    """The ids of the cards a reader sees now (not hidden, laid out)."""
    ids: list[str] = page.eval_on_selector_all(
        "article.card", "cards => cards.filter(c => !c.hidden && c.offsetParent !== null).map(c => c.id)")
    return ids


def test_browser_hostile_script_does_not_run(page: Page, seen: Seen) -> None:
    assert seen.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert seen.errors == []
    # Escaping stopped it, not only the Content-Security-Policy: CSP would have logged a blocked script.
    assert seen.console == []
    assert "<script>window.__pwned" in page.inner_text("body")  # shown as text


def test_browser_loads_nothing_but_the_file(page: Page, report_file: Path, seen: Seen) -> None:
    assert seen.requests == [report_file.as_uri()]


def test_browser_status_filter_shows_only_conflicts(page: Page) -> None:
    assert len(_visible_cards(page)) == len(REPORT.findings)
    page.select_option("select[data-filter='status']", "conflict")
    visible = _visible_cards(page)
    assert sorted(visible) == sorted(f"finding-{f.finding_id}" for f in (F_LAUNCH, F_MASS, F_DIALOGUE))
    statuses = page.eval_on_selector_all(
        "article.card:not([hidden])", "cards => cards.map(c => c.dataset.status)")
    assert set(statuses) == {"conflict"}
    assert page.inner_text("#shown") == "3"


def test_browser_review_filter_combines_with_status(page: Page) -> None:
    page.select_option("select[data-filter='status']", "conflict")
    page.select_option("select[data-filter='review']", "reviewed")
    assert _visible_cards(page) == [f"finding-{F_MASS.finding_id}"]


def test_browser_search_box_filters_by_text(page: Page) -> None:
    page.fill("#search", "tokyo")  # only the ISRO quote on the dialogue says Tokyo
    assert _visible_cards(page) == [f"finding-{F_DIALOGUE.finding_id}"]
    page.fill("#search", "no finding says this")
    assert _visible_cards(page) == []
    assert page.is_visible("#nothing")
    page.fill("#search", "")
    assert len(_visible_cards(page)) == len(REPORT.findings)


def test_browser_date_finding_has_a_timeline(page: Page) -> None:
    card = f"#finding-{F_LAUNCH.finding_id}"
    assert page.locator(f"{card} figure.timeline svg").count() == 1
    assert page.locator(f"{card} svg line.bar").count() == 2
    assert page.locator(f"{card} svg circle.published").count() == 2
    assert page.locator(f"#finding-{F_MASS.finding_id} svg").count() == 0
