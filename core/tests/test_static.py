"""The static files build: `make run` and deployments run collectstatic with the manifest storage."""

import os
import subprocess
import sys

from django.conf import settings


def test_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    # Outside pytest, settings choose WhiteNoise's compressed manifest storage, which follows every
    # reference in the CSS and JavaScript (source maps included) and fails on a missing file.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COSO_", "DJANGO_", "DATABASE_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "coso.settings", "COSO_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    manifest = tmp_path / "staticfiles" / "staticfiles.json"
    assert manifest.exists()
    assert "vendor/leaflet/leaflet.js" in manifest.read_text()
