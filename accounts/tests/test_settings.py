"""Production settings: `check --deploy` is clean, a secret key is required, and e-mail uses MAILERS."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")


def _run(args, **env):
    """Run Python in a fresh process with a clean Cơ Sở environment plus `env`."""
    # DJANGO_* too: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process.
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("COSO_", "DJANGO_")) and k != "DATABASE_URL"
    }
    base["DJANGO_SETTINGS_MODULE"] = "coso.settings"
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(**env):
    return {
        "COSO_PRODUCTION": "1",
        "COSO_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "COSO_ALLOWED_HOSTS": "coso.example.vn",
        **env,
    }


def test_deploy_check_is_clean_with_production_settings():
    result = _run([MANAGE, "check", "--deploy", "--fail-level", "WARNING"], **_production())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "ERROR" not in output


def test_deploy_check_catches_a_development_mailer_in_production():
    # Proves the deploy check above would see a problem: the console mailer is not for production.
    env = _production(COSO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    result = _run([MANAGE, "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    env = _production()
    del env["COSO_SECRET_KEY"]
    result = _run([MANAGE, "check"], **env)
    assert result.returncode != 0
    assert "COSO_SECRET_KEY" in result.stderr


_PROBE = """
import json, warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import django
    django.setup()
    from django.conf import settings
    from django.core import mail
    mailer = mail.mailers.default
    result = {
        "backend": type(mailer).__module__,
        "host": getattr(mailer, "host", None),
        "debug": settings.DEBUG,
        "session_secure": settings.SESSION_COOKIE_SECURE,
        "csrf_secure": settings.CSRF_COOKIE_SECURE,
        "hsts": settings.SECURE_HSTS_SECONDS,
    }
result["warnings"] = [str(w.message) for w in caught if "MAIL" in str(w.message) or "EMAIL" in str(w.message)]
print(json.dumps(result))
"""


def test_development_mail_goes_to_the_console_without_deprecation_warnings():
    result = _run(["-c", _PROBE])
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["backend"] == "django.core.mail.backends.console"
    assert probe["warnings"] == []
    assert probe["session_secure"] is False


def test_production_mail_goes_by_smtp_and_cookies_are_secure():
    result = _run(["-c", _PROBE], **_production(COSO_EMAIL_HOST="smtp.example.vn"))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["backend"] == "django.core.mail.backends.smtp"
    assert probe["host"] == "smtp.example.vn"
    assert probe["warnings"] == []
    assert probe["debug"] is False
    assert probe["session_secure"] is True and probe["csrf_secure"] is True
    assert probe["hsts"] >= 31536000


def test_mail_is_configured_with_mailers_in_tests_too(mailoutbox):
    from django.core import mail

    assert "default" in settings.MAILERS
    assert not settings.is_overridden("EMAIL_BACKEND")
    mail.send_mail("Thử", "Nội dung", None, ["vanphong@example.vn"])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL
