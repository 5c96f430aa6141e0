"""Production settings: secrets required, HTTPS only, `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "PEERWELL_ENV": "production",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-deploy-check-only-0123456789",
    "PEERWELL_DATA_KEYS": "k1:" + "A" * 43 + "=",
    "ALLOWED_HOSTS": "peerwell.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(args, env, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWELL_", "DJANGO_"))}
    clean.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "peerwell", *args],
        env={**clean, "PEERWELL_VAR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PEERWELL_DATA_KEYS", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_secret(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_sends_email_over_smtp(tmp_path):
    result = _manage(
        [
            "shell",
            "-c",
            "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])",
        ],
        {**PRODUCTION_ENV, "EMAIL_HOST": "smtp.example.org"},
        tmp_path,
    )
    assert result.stdout.strip().endswith("smtp.EmailBackend"), result.stderr


def test_argon2_hashes_passwords():
    # The suite swaps in a fast hasher per test; the settings module itself says Argon2.
    from peerwell import settings as module

    assert module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_development_generates_its_secret_once(tmp_path):
    env = {"PEERWELL_ENV": "development", "DATABASE_URL": "sqlite:///:memory:"}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _manage(["shell", "-c", code], env, tmp_path)
    second = _manage(["shell", "-c", code], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_security_headers_on_every_page(client):
    response = client.get("/account/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]
    assert response.cookies["csrftoken"]["httponly"]
    assert settings.SESSION_COOKIE_HTTPONLY
