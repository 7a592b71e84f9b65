"""`coso seed-scale --scale small|city|national`: deterministic synthetic data for benchmarks."""

import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.module_loading import autodiscover_modules

from core import bench


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic data at city or national scale, on the real administrative units."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city", "national"], default="city")

    def handle(self, *args, scale, **options):
        autodiscover_modules("scale")
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f}s] {message}")
            self.stdout.flush()

        for seeder in bench.all_seeders():
            seeder(scale, progress)
        # Fresh statistics for the query planner: after a bulk load, PostgreSQL's autovacuum may not
        # have analysed the tables yet, and its plans for the lists were then ten times slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        progress("done")
