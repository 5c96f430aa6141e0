"""Browser tests: Playwright drives Debian's Chromium, headless, against a live server.

Every page a test lands on is checked with axe-core; a serious or critical violation
fails the test, and a page left unchecked fails it too. Outside CI a missing Chromium
skips these tests loudly; in CI (PEERWELL_REQUIRE_BROWSER=1) it fails them.
"""

import os
import warnings
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PEERWELL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = os.environ.get("PEERWELL_SCREENSHOTS")

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to set up data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM}: browser tests cannot run"
    if os.environ.get("PEERWELL_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(message + " (required here; apt-get install chromium)")
    warnings.warn(message + ". Install it with: apt-get install chromium", stacklevel=1)
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason="SKIPPED LOUDLY: " + message))


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM.exists():
        terminalreporter.write_sep(
            "!", f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM}", red=True
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class CheckedPage:
    """A page whose every loaded document must be checked with axe before the test ends."""

    def __init__(self, page, axe, base_url: str):
        self.page = page
        self.base_url = base_url
        self._axe = axe
        self._unchecked: list[str] = []
        self._problems: list[str] = []
        page.on("load", lambda: self._unchecked.append(page.url))
        # A blocked script or style (CSP) shows up on the console; a missing file as a
        # response (a page's own 4xx status is the test's business, not a problem here).
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and not message.text.startswith("Failed to load resource")
                and self._problems.append(message.text)
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and response.request.resource_type != "document"
                and self._problems.append(f"{response.status} {response.url}")
            ),
        )

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        return self.check()

    def check(self, name: str | None = None):
        """Run axe on the current page; save a screenshot as docs/screenshots/NAME.png if asked.

        Called right after a click, the next document may not have started loading yet: wait
        a moment for one; when none comes (an htmx update, typing), check this one again.
        """
        from playwright.sync_api import Error
        from playwright.sync_api import TimeoutError as Timeout

        fresh_and_loaded = (
            "() => !window.__peerwellChecked && document.readyState === 'complete'"
            " && document.title !== ''"  # not the blank document that stands in mid-navigation
        )
        for _attempt in range(20):
            try:
                self.page.wait_for_function(fresh_and_loaded, timeout=1500)
                break
            except Timeout:
                # No new document came: check this one again.
                break
            except Error:
                continue  # a navigation replaced the document while waiting: wait again
        results = self._axe.run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not serious, f"accessibility violations on {self.page.url}:\n" + "\n".join(serious)
        assert not self._problems, f"errors while loading {self.page.url}: {self._problems}"
        # Marking the document also makes Playwright deliver its pending "load" event first.
        self.page.evaluate("window.__peerwellChecked = true")
        self._unchecked.clear()
        if name and SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
        return self.page

    def assert_all_checked(self):
        assert not self._unchecked, f"pages not checked with axe: {self._unchecked}"


@pytest.fixture
def new_page(browser, axe, live_server):
    """Make pages (one per simulated person); each starts in its own browser context."""
    contexts, pages = [], []

    def make(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        checked = CheckedPage(context.new_page(), axe, live_server.url)
        pages.append(checked)
        return checked

    yield make
    for checked in pages:
        checked.assert_all_checked()
    for context in contexts:
        context.close()
