import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from horgos.celery import app

# beat closes database connections as it starts, so this cannot run inside a test transaction
pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_seeds_the_database_schedule_from_settings():
    # Given the schedule in settings, when beat's database scheduler starts
    DatabaseScheduler(app=app, lazy=False)
    # Then every entry is in the database, where administrators edit it in the admin
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = PeriodicTask.objects.get(name=name)
        assert task.task == entry["task"]
        assert task.enabled
    purge = PeriodicTask.objects.get(name="purge-expired-idempotency-keys").crontab
    assert (purge.hour, purge.minute, str(purge.timezone)) == ("0", "5", settings.TIME_ZONE)


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
