"""The page of an Excel import run as a task: a progress bar that htmx refreshes every second, then the
outcome (what was imported, or every error by row and column)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from core.imports import get_import_job_for_user, job_state, kind_for
from core.models import ImportStatus
from core.toolkit import ScopedView


def keep_session_unsaved(request) -> None:
    """Answer without writing the session. SESSION_SAVE_EVERY_REQUEST would save it on every poll, and on
    SQLite that write waits for the import's transaction to end: the progress bar would stand still (or the
    poll fail) for as long as the import runs. The page only reads."""
    request.session.save = lambda *args, **kwargs: None


class ImportJobView(ScopedView):
    """A job, to the person who started it (anyone else: 404). An htmx request gets the progress partial
    alone; it asks again every second until the job has finished, then stops."""

    template_name = "core/import_job.html"
    partial_name = "core/_import_job.html"

    def get(self, request, pk):
        job = get_import_job_for_user(user=request.user, pk=pk)
        keep_session_unsaved(request)
        try:
            kind = kind_for(job.kind)
        except Http404:  # an import no longer registered: the job is still shown
            kind = None
        state = job_state(job)
        done = kind is not None and state.status == ImportStatus.DONE
        context = {
            "nav": kind.nav if kind else "",
            "job": job,
            "kind": kind,
            "state": state,
            "title": kind.title if kind else job.file_name,
            "success": kind.success_message(job.created_count) if done else "",
        }
        template = self.partial_name if request.headers.get("HX-Request") else self.template_name
        response = render(request, template, context)
        add_never_cache_headers(response)  # a poll must reach the server, not a cache
        patch_vary_headers(response, ["HX-Request"])
        return response
