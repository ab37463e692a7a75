"""A worker is warm before its first request: the views and the Word-chart libraries are
imported when the WSGI application is built (gunicorn preloads it in the master)."""

import subprocess
import sys


def test_the_wsgi_application_imports_views_and_chart_libraries_at_start(tmp_path):
    script = (
        "import sys; import dangbo.wsgi; "
        "print(all(m in sys.modules for m in "
        "('matplotlib.pyplot', 'docx', 'openpyxl', 'dangbo.members.views', "
        "'dangbo.reports.views')))"
    )
    env = {"DANGBO_DATABASE_URL": f"sqlite:///{tmp_path}/w.sqlite3", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "True"
    cold = subprocess.run(
        [sys.executable, "-c", script],
        env=env | {"DANGBO_WARM_UP": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert cold.stdout.strip().splitlines()[-1] == "False"
