"""Configuration for ``rq cron workflow/jobs/cron.py``: the sweep every minute, for deployments
that run plain ``rq worker --with-scheduler`` processes instead of ``p2ham worker``.

Several ``rq cron`` processes may run: the sweep is idempotent."""

from rq import cron

from workflow.jobs.tasks import sweep

cron.register(sweep, "transitions", interval=60, result_ttl=0)
