"""Render an HTML file (e.g. `claimrecon report --format html`) to a PNG with Playwright and Chromium.

    python scripts/screenshot.py REPORT.html OUT.png [--width 1100] [--full-page] [--filter status=conflict]

Uses Debian's Chromium (`apt-get install chromium`), the same setup as tests/reports/test_html_browser.py;
the page is loaded from disk with networking disabled, as a reader would open it.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_path() -> str:
    """Debian's Chromium binary: the one on PATH, else the package's usual place."""
    return shutil.which("chromium") or "/usr/bin/chromium"


def render_screenshot(page_file: Path, out: Path, *, width: int, full_page: bool, filters: dict[str, str]) -> None:
    """Open `page_file` in headless Chromium, apply the report's select filters, and save a PNG."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
            page.goto(page_file.resolve().as_uri())
            for name, value in filters.items():
                page.select_option(f"select[data-filter='{name}']", value)
            page.screenshot(path=str(out), full_page=full_page)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, take the screenshot, and return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path, help="the HTML file to render")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--width", type=int, default=1100, help="viewport width in CSS pixels (default 1100)")
    parser.add_argument("--full-page", action="store_true", help="capture the whole page, not just the viewport")
    parser.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE",
                        help="set a report filter first, e.g. status=conflict (repeatable)")
    args = parser.parse_args(argv)
    if not args.page.is_file():
        parser.error(f"{args.page}: no such file")
    filters = dict(item.split("=", 1) for item in args.filter)
    render_screenshot(args.page, args.out, width=args.width, full_page=args.full_page, filters=filters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
