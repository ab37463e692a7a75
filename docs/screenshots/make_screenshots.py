"""Screenshots of the daily pages for the user guide, and their weight on a phone.

Seeds the small demo into a throw-away SQLite database, serves it with Django's development
server (static files from the app, as offline intranets do), signs in as the cell secretary
(`bithu`, 390 × 844) and the organisation-board officer (`bantochuc`, 1366 × 900), and for each
page of the day writes `docs/screenshots/<role>-<page>-<width>.png` (first screen) and one row of
`docs/screenshots/README.md`: bytes transferred (HTML + assets, uncompressed as served), number
of requests, and first contentful paint in ms (headless Chromium, this machine).

    .venv/bin/python docs/screenshots/make_screenshots.py      # ~3 minutes

Needs the Debian `chromium` package (`make test-deps`).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PASSWORD = "dangbo-demo-2026"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
ROLES = [("bithu", "Bí thư chi bộ", PHONE), ("bantochuc", "Cán bộ Ban Tổ chức", DESK)]
# (slug, label, how to reach it from the signed-in home page)
PAGES = [
    ("home", "Trang chủ «Việc cần làm»", "/"),
    ("members", "Danh sách đảng viên", "/members/"),
    ("member", "Trang một đảng viên", "first:/members/"),
    ("org", "Trang một tổ chức", "first:/organizations/"),
    ("meetings", "Sinh hoạt chi bộ", "/meetings/"),
    ("dashboard", "Bảng số liệu", "/reports/dashboard/"),
]
FCP = "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> None:
    subprocess.run([sys.executable, "-m", "dangbo.manage", *args], env=env, check=True)


def serve(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "dangbo.manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the development server did not start")


def first_link(page, base: str, listing: str) -> str:
    """The first record link of a list page (e.g. /members/123/)."""
    page.goto(base + listing)
    href = page.eval_on_selector_all(
        f"main a[href^='{listing}']",
        "links => links.map(a => a.getAttribute('href')).filter(h => /\\/\\d+\\/$/.test(h))",
    )
    return href[0] if href else listing


def body_size(response) -> int:
    try:
        return len(response.body())
    except Exception:  # a redirect or an aborted request has no body
        return 0


def shoot(browser, base: str, role: str, viewport: dict) -> list[tuple]:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(role)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    loaded: list = []
    page.on("response", lambda response: loaded.append(response))
    rows = []
    for slug, label, where in PAGES:
        path = first_link(page, base, where[6:]) if where.startswith("first:") else where
        loaded.clear()
        response = page.goto(base + path, wait_until="load")
        size = sum(body_size(r) for r in loaded)
        file = HERE / f"{role}-{slug}-{viewport['width']}.png"
        page.screenshot(path=str(file))
        fcp = round(page.evaluate(FCP))
        status = response.status if response else 0
        rows.append(
            (role, label, path, viewport["width"], status, size, len(loaded), fcp, file.name)
        )
    context.close()
    return rows


def write_table(rows) -> None:
    lines = [
        "# Ảnh màn hình và trọng lượng trang / Screenshots and page weights",
        "",
        "Made by `make_screenshots.py` on the small demo (headless Chromium on the 2-core",
        "machine; bytes as served, uncompressed; FCP = first contentful paint).",
        "",
        "| vai trò | trang | đường dẫn | rộng (px) | mã | KB | yêu cầu | FCP (ms) | ảnh |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for role, label, path, width, status, size, count, fcp, name in rows:
        lines.append(
            f"| {role} | {label} | `{path}` | {width} | {status} | {size / 1024:.0f} | {count} "
            f"| {fcp} | [{name}]({name}) |"
        )
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "DANGBO_DATABASE_URL": f"sqlite:///{data}/shots.sqlite3",
            "DANGBO_DATA_DIR": data,
            "DANGBO_SECOND_FACTOR": "0",
            "DANGBO_DEBUG": "0",
            "PYTHONPATH": str(ROOT / "src"),
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", "--size", "small")
        port = free_port()
        server = serve(env, port)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                rows = []
                for role, _label, viewport in ROLES:
                    rows += shoot(browser, f"http://127.0.0.1:{port}", role, viewport)
                browser.close()
        finally:
            server.terminate()
    write_table(rows)
    for row in rows:
        print(*row, sep="\t")


if __name__ == "__main__":
    main()
