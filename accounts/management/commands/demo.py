"""`coso demo [--if-empty | --print-logins]`: load the demo organisation, or print its logins."""

import time

from django.core.management.base import BaseCommand

from accounts.demo import demo_is_empty, demo_load, demo_logins_text


class Command(BaseCommand):
    help = (
        "Load demo data (the Party committees of Hanoi and Ho Chi Minh City, their leaders, assignments "
        "and logins) into an empty database, or print the demo logins."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when there is no Party committee yet; otherwise do nothing, quietly.",
        )
        group.add_argument(
            "--print-logins", action="store_true", help="Only print the demo logins and their password."
        )

    def handle(self, *args, if_empty=False, print_logins=False, verbosity=1, **options):
        if print_logins:
            self.stdout.write(demo_logins_text())
            return
        if not demo_is_empty():
            if not if_empty or verbosity >= 2:
                self.stdout.write("Cơ sở dữ liệu đã có thành ủy: không nạp dữ liệu demo.")
            return
        started = time.monotonic()
        context = demo_load()
        elapsed = f"{time.monotonic() - started:.1f}".replace(".", ",")
        people = len(set(context.people.values()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu demo: {len(context.committees)} thành ủy, {people} người, "
                f"{context.assignments} phân công, {len(context.users)} tài khoản ({elapsed} giây)."
            )
        )
