#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.base")
    # manage.py on a developer's machine is development; production sets DEBUG=false explicitly
    # (docker-compose, Dockerfile), and gunicorn and Celery start without this default.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
