from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_directive_completion_confirmation"),
    ]

    operations = [
        migrations.AddField(
            model_name="directive",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
    ]


# The words a re-supervision's name started with, in either language, when it was stored as the label of
# the follow-up directive it spawned: the page adds the kind ("Tái giám sát: …") itself.
CHECK_PREFIXES = ("Tái giám sát: ", "Re-supervision of ")


def fill(apps, schema_editor):
    """The natural order of the references that existed before the column, and the follow-ups' source
    labels without the kind written twice."""
    from core.text import sort_key

    directive = apps.get_model("followup", "Directive")
    rows = list(directive.objects.exclude(number="").only("pk", "number"))
    for row in rows:
        row.sort_key = sort_key(row.number)
    directive.objects.bulk_update(rows, ["sort_key"], batch_size=500)
    rows = list(directive.objects.filter(source_kind="resupervision").only("pk", "source_label"))
    for row in rows:
        for prefix in CHECK_PREFIXES:
            if row.source_label.startswith(prefix):
                row.source_label = row.source_label.removeprefix(prefix)
    directive.objects.bulk_update(rows, ["source_label"], batch_size=500)


Migration.operations.append(migrations.RunPython(fill, migrations.RunPython.noop))
