"""The production settings profile passes `dangbo check --deploy` cleanly."""

import os
import re
import secrets
import subprocess
import sys

import pytest


def _check(extra_env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "dangbo.settings_production",
        "DANGBO_ALLOWED_HOSTS": "dangbo.example.vn",
        "DANGBO_CSRF_TRUSTED_ORIGINS": "https://dangbo.example.vn",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "dangbo.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_profile_passes_check_deploy():
    result = _check({"DANGBO_SECRET_KEY": secrets.token_urlsafe(64)})
    output = result.stdout + result.stderr
    # Schema-naming notes of drf-spectacular are about the API document, not the deployment.
    issues = [
        line
        for line in re.findall(r"\(([\w.]+\.[WE]\d+)\)", output)
        if not line.startswith("drf_spectacular.")
    ]
    assert not issues, output
    if "drf_spectacular.W" not in output:
        assert result.returncode == 0, output


@pytest.mark.parametrize("key", ["", "dev-only-insecure-key-change-me-in-production", "short"])
def test_production_profile_refuses_a_weak_secret_key(key):
    result = _check({"DANGBO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DANGBO_SECRET_KEY must be set" in result.stderr


def test_production_profile_refuses_the_second_factor_off():
    result = _check({"DANGBO_SECRET_KEY": secrets.token_urlsafe(64), "DANGBO_SECOND_FACTOR": "0"})
    assert result.returncode != 0
    assert "DANGBO_SECOND_FACTOR cannot be off in production" in result.stderr


def test_the_second_factor_is_on_unless_switched_off():
    env = {k: v for k, v in os.environ.items() if k != "DANGBO_SECOND_FACTOR"}
    code = "import dangbo.settings as s; print(s.DANGBO_SECOND_FACTOR)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "True", result.stderr
