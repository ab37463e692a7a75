"""Each demo role's day on a 390 px phone: starting at the home page, visit every same-origin
link shown to that role (breadth-first, one URL per pattern) on the small demo data set and
fail on a page that scrolls sideways or on a shown link that answers 4xx/5xx for that role.
Every page pattern drawn is also checked, once across the roles, with axe-core (its serious
and critical violations fail; axe-core as packaged by axe-playwright-python: no network at run
time) and again on a 1366 px desk (no sideways scroll); each role's first pages on the desk
keep the main bar on one line.

Like every browser test it runs once, on PostgreSQL (`make test-sqlite` leaves the browser tests
out): what the browser draws and which links a role is shown do not depend on the database, and
the views' permission checks are walked on both by the permission matrix. (On SQLite the
threaded live server shares the in-memory test database's one connection, and the concurrent
requests of lazily drawn cards hung it.) It seeds the demo before the crawl.
"""

import io
import re
import time
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from dangbo.demo.users import DEMO_PASSWORD, DEMO_USERS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
BAR_PAGES = 8  # the home page and the sections' first pages: the bar's height per role
SEVERE = {"serious", "critical"}
# Bounds well above what the demo shows (the administrator draws ~215 patterns and checks ~235
# links): a loop in the links cannot hang the suite.
MAX_PAGES = 400  # pages drawn per role
MAX_CHECKS = 800  # links whose status is checked per role (one per URL pattern)
# Sign-out, files and downloads (exports are checked by tests/core/test_outputs.py).
SKIP = re.compile(r"^/(logout|static|media|admin)/|/(export|download|xlsx|csv|docx)\b|[?&]export=")
OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"
# The main bar on one line: 56 px high (a label broken over two lines makes it 80 px).
BAR_HEIGHT = "(document.querySelector('nav.navbar') || {offsetHeight: 0}).offsetHeight"


def pattern(url: str) -> tuple[str, tuple[str, ...]]:
    """A URL's shape: path with numbers as `<n>`, and the names of its query parameters but
    the page and the order (every column's sort is tried by tests/core/test_list_sorting.py)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", parts.path)
    keys = {key for key, _ in parse_qsl(parts.query)} - {"page", "per_page", "sort"}
    return path, tuple(sorted(keys))


def accessibility(page, axe, path: str, username: str, tally: dict) -> list[str]:
    """axe-core on the page drawn: every violation counted by impact, the serious and critical
    ones returned as failures (rule, help, the first elements)."""
    results = axe.run(page)
    failures = []
    for violation in results.response["violations"]:
        impact = violation.get("impact") or "minor"
        tally[impact] = tally.get(impact, 0) + len(violation["nodes"])
        if impact in SEVERE:
            targets = ", ".join(str(n["target"][0]) for n in violation["nodes"][:3])
            failures.append(
                f"{username}: {path} axe {impact} {violation['id']} ({violation['help']}): "
                f"{targets}"
            )
    return failures


class Checked:
    """What the crawl of every role has checked once: page patterns seen by axe-core and on the
    desk, and the violations counted by impact."""

    def __init__(self):
        self.patterns: set = set()
        self.tally: dict = {}


def sign_in(context, base: str, username: str):
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    return page


def overflow(page, path: str, username: str, viewport: dict) -> list[str]:
    if not page.evaluate(OVERFLOW):
        return []
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{username}: {path} tràn ngang {width}px > {viewport['width']}px"]


def check_links(context, page, base, path, username, seen, queue, checked) -> tuple[list, int]:
    """Every not yet seen link pattern on the page: its status for this role; HTML pages queued."""
    failures = []
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href.split('#')[0])")
    for href in dict.fromkeys(hrefs):
        if not href.startswith(base + "/") or SKIP.search(href.removeprefix(base)):
            continue
        key = pattern(href)
        if key in seen or checked >= MAX_CHECKS:
            continue
        seen.add(key)
        checked += 1
        answer = context.request.get(href, max_redirects=5)
        if answer.status == 405:  # a POST-only action shown as a form's target
            continue
        if answer.status >= 400:
            failures.append(
                f"{username}: {href.removeprefix(base)} → {answer.status} (liên kết trên {path})"
            )
        elif "attachment" not in answer.headers.get(
            "content-disposition", ""
        ) and "text/html" in answer.headers.get("content-type", ""):
            queue.append((href, path))
    return failures, checked


def on_desk(page, base: str, username: str, drawn: list[str], new: list[str]) -> list[str]:
    """Patterns no role had shown before, on a desk; the first pages keep the bar on one line."""
    failures = []
    page.set_viewport_size(DESK)
    for path in dict.fromkeys(drawn[:BAR_PAGES] + new):
        page.goto(base + path)
        failures += overflow(page, path, username, DESK)
        height = page.evaluate(BAR_HEIGHT)
        if path in drawn[:BAR_PAGES] and height > 64:
            failures.append(f"{username}: {path} thanh menu cao {height}px (nhiều dòng)")
    return failures


def crawl(context, base: str, username: str, done: Checked) -> tuple[list[str], list[str], int]:
    """Visit what `username` is shown; returns (failures, pages drawn, links checked)."""
    page = sign_in(context, base, username)
    failures, drawn, new = [], [], []
    axe = Axe()
    seen = {pattern(f"{base}/")}
    queue = deque([(f"{base}/", "(đăng nhập)")])
    checked = 0
    while queue and len(drawn) < MAX_PAGES:
        url, shown_on = queue.popleft()
        response = page.goto(url)
        path = url.removeprefix(base)
        if response is None or response.status >= 400:
            failures.append(f"{username}: {path} → {response and response.status} (từ {shown_on})")
            continue
        drawn.append(path)
        if page.locator('[hx-trigger~="load"]').count():  # cards drawn after the page
            page.wait_for_load_state("networkidle")
        if pattern(url) not in done.patterns:
            done.patterns.add(pattern(url))
            new.append(path)
            failures += accessibility(page, axe, path, username, done.tally)
        failures += overflow(page, path, username, PHONE)
        found, checked = check_links(context, page, base, path, username, seen, queue, checked)
        failures += found
    failures += on_desk(page, base, username, drawn, new)
    page.close()
    return failures, drawn, checked


def test_every_role_reaches_what_it_is_shown_on_a_phone(browser, live_server, capsys):
    call_command("seed_demo", size="small", stdout=io.StringIO())
    failures, figures, done = [], [], Checked()
    for username, _, _ in DEMO_USERS:
        started = time.monotonic()
        context = browser.new_context(
            locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE
        )
        try:
            found, drawn, checked = crawl(context, live_server.url, username, done)
        finally:
            context.close()
        failures += found
        figures.append(
            f"{username}: {len(drawn)} trang, {checked} liên kết, "
            f"{len(found)} lỗi, {time.monotonic() - started:.0f}s"
        )
    figures.append(
        f"axe-core và màn hình 1366 px: {len(done.patterns)} dạng trang; phần tử vi phạm "
        f"theo mức: {dict(sorted(done.tally.items()))}"
    )
    with capsys.disabled():
        print("\n" + "\n".join(figures))
    assert not failures, "\n".join(failures)
