"""Pages of the working calendar."""

from django.http import Http404


def calendar_page(request):
    raise Http404
