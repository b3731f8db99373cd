"""The project's Celery app: ``celery -A newsroom worker`` and ``celery -A newsroom beat``.

Configured from Django's settings (the ``CELERY_`` ones, read from the environment in
``newsroom/settings.py``); tasks live in the app that owns the work (``images/tasks.py``,
``operations/tasks.py``) and are found by ``autodiscover_tasks()``. With no broker configured the
app runs every task in-process (``task_always_eager``), so ``make run`` needs nothing more.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
