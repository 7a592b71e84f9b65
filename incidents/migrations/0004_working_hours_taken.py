from decimal import Decimal

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    """The working hours of the incidents already acknowledged or resolved, on their organisation's
    calendar as it stands (services.working_hours_taken writes them from now on)."""
    from core.calendar import WorkingCalendar

    Incident = apps.get_model("incidents", "Incident")
    calendars: dict = {}
    rows = (
        Incident.objects.filter(models.Q(acknowledged_at__isnull=False) | models.Q(resolved_at__isnull=False))
        .only("pk", "organization_id", "reported_at", "acknowledged_at", "resolved_at")
        .order_by("pk")
    )
    batch = []
    for incident in rows.iterator(chunk_size=BATCH):
        calendar = calendars.get(incident.organization_id)
        if calendar is None:
            calendar = calendars[incident.organization_id] = WorkingCalendar(
                organization=incident.organization_id
            )
        for stamp, field in (
            ("acknowledged_at", "ack_working_hours"),
            ("resolved_at", "resolve_working_hours"),
        ):
            moment = getattr(incident, stamp)
            if moment is not None:
                hours = calendar.working_hours_between(incident.reported_at, moment)
                setattr(incident, field, hours.quantize(Decimal("0.01")))
        batch.append(incident)
        if len(batch) == BATCH:
            Incident.objects.bulk_update(batch, ["ack_working_hours", "resolve_working_hours"])
            batch = []
    Incident.objects.bulk_update(batch, ["ack_working_hours", "resolve_working_hours"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_search_text_length"),
        ("core", "0005_import_job_error_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="ack_working_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=9,
                null=True,
                verbose_name="working hours to acknowledge",
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="resolve_working_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=9,
                null=True,
                verbose_name="working hours to resolve",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
