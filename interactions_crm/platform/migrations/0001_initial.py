"""Audit events, background jobs, idempotency keys: taken over, data kept."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('interactions', '0007_background_job_log_segment'),
    ]

    # The tables exist already (created by the interactions app's migrations,
    # which owned these models before); only Django's model state moves here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='BackgroundJob',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=40, verbose_name='kind')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                ('total', models.PositiveBigIntegerField(default=0, verbose_name='total')),
                ('done', models.PositiveBigIntegerField(default=0, verbose_name='done')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('result', models.JSONField(blank=True, default=dict, verbose_name='result')),
                ('message', models.CharField(blank=True, max_length=255, verbose_name='message')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='background_jobs', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
            ],
            options={
                'verbose_name': 'background job',
                'verbose_name_plural': 'background jobs',
                'db_table': 'interactions_backgroundjob',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('actor_repr', models.CharField(blank=True, max_length=150, verbose_name='actor name')),
                ('action', models.CharField(max_length=60, verbose_name='action')),
                ('object_type', models.CharField(blank=True, max_length=60, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=60, verbose_name='object id')),
                ('count', models.PositiveIntegerField(default=1, verbose_name='count')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='changes')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'db_table': 'interactions_auditevent',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='audit_object_idx'), models.Index(fields=['action', '-id'], name='audit_action_idx')],
            },
        ),
        migrations.CreateModel(
            name='IdempotencyKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=255, verbose_name='idempotency key')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='request fingerprint')),
                ('status_code', models.PositiveSmallIntegerField(verbose_name='response status')),
                ('response_body', models.JSONField(blank=True, null=True, verbose_name='response body')),
                ('location', models.CharField(blank=True, max_length=500, verbose_name='location')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'idempotency key',
                'verbose_name_plural': 'idempotency keys',
                'db_table': 'interactions_idempotencykey',
                'indexes': [models.Index(fields=['created_at'], name='idempotency_key_created_idx')],
                'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='idempotency_key_user_key_unique')],
            },
        ),
                ],
            database_operations=[],
        ),
    ]
