"""Strings Django uses but does not translate into Vietnamese; listed so our catalogue has them."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # the blank choice of every select box since Django 6.1
)
