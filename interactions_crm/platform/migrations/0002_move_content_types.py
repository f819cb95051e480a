"""Move the content types of the taken-over models, so permissions granted on
them (``view_backgroundjob`` …) stay with the users and groups that had them."""

from django.db import migrations

MODELS = ("auditevent", "backgroundjob", "idempotencykey")


def _move(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(
                app_label=target
            )


def forwards(apps, schema_editor) -> None:
    _move(apps, "interactions", "platform")


def backwards(apps, schema_editor) -> None:
    _move(apps, "platform", "interactions")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("platform", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
