"""Pages of incidents (being built: every view answers 404 until it is written)."""

from django.http import Http404


def incident_list(request, pk=None):
    raise Http404


def incident_create(request, pk=None):
    raise Http404


def my_incidents(request, pk=None):
    raise Http404


def incident_map(request, pk=None):
    raise Http404


def incident_map_data(request, pk=None):
    raise Http404


def incident_statistics(request, pk=None):
    raise Http404


def incident_import(request, pk=None):
    raise Http404


def incident_export(request, pk=None):
    raise Http404


def duplicate_check(request, pk=None):
    raise Http404


def incident_detail(request, pk=None):
    raise Http404


def incident_status(request, pk=None):
    raise Http404


def incident_reassign(request, pk=None):
    raise Http404


def incident_directive(request, pk=None):
    raise Http404
