"""Hand the audit, job and idempotency models to the platform app (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('interactions', '0007_background_job_log_segment'),
        ('platform', '0001_initial'),
    ]

    # The models moved to the platform app; their tables stay, with their rows
    # (platform.0001 takes them over under the same table names).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_object_idx',
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_action_idx',
        ),
        migrations.RemoveField(
            model_name='backgroundjob',
            name='actor',
        ),
        migrations.RemoveIndex(
            model_name='idempotencykey',
            name='idempotency_key_created_idx',
        ),
        migrations.RemoveConstraint(
            model_name='idempotencykey',
            name='idempotency_key_user_key_unique',
        ),
        migrations.RemoveField(
            model_name='auditevent',
            name='actor',
        ),
        migrations.DeleteModel(
            name='BackgroundJob',
        ),
        migrations.RemoveField(
            model_name='idempotencykey',
            name='user',
        ),
        migrations.DeleteModel(
            name='AuditEvent',
        ),
        migrations.DeleteModel(
            name='IdempotencyKey',
        ),
                ],
            database_operations=[],
        ),
    ]
