"""`coso seed-scale --scale city|national`: deterministic synthetic data for benchmarks."""

import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from core import bench


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic data at city or national scale, on the real administrative units."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["city", "national"], default="city")

    def handle(self, *args, scale, **options):
        autodiscover_modules("scale")
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f}s] {message}")
            self.stdout.flush()

        for seeder in bench.all_seeders():
            seeder(scale, progress)
        progress("done")
