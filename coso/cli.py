"""The `coso` console command: the same as manage.py, for every management command."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
