"""Pages of the follow-up loop (being built: every view answers 404 until it is written)."""

from django.http import Http404


def my_items(request, pk=None):
    raise Http404


def obstacle_list(request, pk=None):
    raise Http404


def obstacle_create(request, pk=None):
    raise Http404


def obstacle_export(request, pk=None):
    raise Http404


def obstacle_detail(request, pk=None):
    raise Http404


def obstacle_edit(request, pk=None):
    raise Http404


def obstacle_status(request, pk=None):
    raise Http404


def directive_list(request, pk=None):
    raise Http404


def directive_create(request, pk=None):
    raise Http404


def directive_export(request, pk=None):
    raise Http404


def directive_detail(request, pk=None):
    raise Http404


def directive_edit(request, pk=None):
    raise Http404


def directive_report(request, pk=None):
    raise Http404


def resupervision_list(request, pk=None):
    raise Http404


def resupervision_export(request, pk=None):
    raise Http404


def resupervision_detail(request, pk=None):
    raise Http404


def resupervision_record(request, pk=None):
    raise Http404


def resupervision_recheck(request, pk=None):
    raise Http404


def notice_list(request, pk=None):
    raise Http404


def notice_create(request, pk=None):
    raise Http404


def notice_detail(request, pk=None):
    raise Http404


def notice_import(request, pk=None):
    raise Http404


def attachment_download(request, pk=None):
    raise Http404

