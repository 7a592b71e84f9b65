"""`coso bench`: time the registered scenarios against the current (seeded) database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from core import bench


class Command(BaseCommand):
    help = "Time pages and API reads at scale (seed first with `coso seed-scale`); writes var/bench.json."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument(
            "--only",
            default="",
            help="Run only the scenarios whose name contains one of these words (commas)",
        )
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "bench.json"))

    def handle(self, *args, repeat, output, only, **options):
        autodiscover_modules("scale")
        scenarios = bench.all_scenarios()
        words = [word.strip() for word in only.split(",") if word.strip()]
        if words:
            scenarios = [s for s in scenarios if any(word in s.name for word in words)]
        measurements = {
            name: measure
            for name, measure in bench.all_measurements().items()
            if not words or any(word in name for word in words)
        }
        if not scenarios and not measurements:
            raise CommandError("No data to benchmark: run `coso seed-scale --scale city` first.")
        results = bench.run(scenarios, repeat=repeat)
        for measure in measurements.values():
            results += measure(repeat)
        if not results:
            raise CommandError("No data to benchmark: run `coso seed-scale --scale city` first.")
        self.stdout.write(bench.table(results))
        bench.write_json(results, Path(output))
        self.stdout.write(f"\n{output}")
