"""The RQ wiring: queues, job functions, the sweeper, the after-commit dispatcher.

SQL is the source of truth; Redis only delivers. Jobs are module-level functions in
``workflow.jobs.tasks`` taking ids only, enqueued after the transaction that wrote their rows
commits, and idempotent: each claims its row with a conditional update, so a job that runs twice,
or two workers that race, change nothing the second time. A periodic sweep re-dispatches whatever
Redis lost (a flush, a restart, a killed worker).

Importing this package imports neither RQ nor Redis; the modules that need them do.
"""

QUEUES = ("transitions", "notifications", "documents")

__all__ = ["QUEUES"]
