"""gunicorn.conf.py: each worker warms Django without touching the database, then freezes the collector."""

import gc
import runpy

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_a_worker_freezes_what_it_loaded_after_warming_without_the_database(db):
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "coso.wsgi:application"
    gc.unfreeze()
    try:
        with CaptureQueriesContext(connection) as ctx:
            config["post_worker_init"](None)
        assert ctx.captured_queries == []
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
