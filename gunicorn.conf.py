"""gunicorn's settings for Cơ Sở: read from the working directory, or named with `-c gunicorn.conf.py`.

Each worker loads the application, builds what Django would otherwise build on its first requests (the URL
patterns, the templates' engine, the translation catalogues, the public holidays), then calls gc.freeze():
every object alive at that point moves into the collector's permanent generation, and later collections no
longer walk those tens of thousands of long-lived objects, which shortens the pauses inside requests.

It is done in `post_worker_init`, in each worker after it loaded the application, rather than once in the
master with `preload_app`: preloading would run the project's imports in the master and hand whatever they
opened (a database connection, a file) to every forked worker, and `kill -HUP` would no longer load new
code. The workers do not share the frozen memory with each other, as they would not without preloading.
"""

import gc

wsgi_app = "coso.wsgi:application"


def _warm() -> None:
    """What the first requests would build, built now so that it is frozen with the rest (no database)."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Incidents")
    get_template("base.html")
    from django.utils import timezone

    from core.calendar import national_year

    this_year = timezone.localdate().year
    for year in range(this_year - 2, this_year + 2):  # the deadlines' public holidays (~50 ms a year)
        national_year(year)


def post_worker_init(worker) -> None:
    _warm()
    gc.freeze()
