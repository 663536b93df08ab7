"""The old README's job classes, as written there.

The README calls every example ``MyCronJob``; here each has its own name.
Where an example showed only the schedule, ``code`` and ``do()`` are added
(marked below) so that the class is a complete job.
"""

# ruff: noqa: E501
# fmt: off
from django_cron import CronJobBase, Schedule


# "Installation", verbatim
class MyCronJob(CronJobBase):
    RUN_EVERY_MINS = 120 # every 2 hours

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS)
    code = 'my_app.my_cron_job'    # a unique code

    def do(self):
        pass    # do your thing here


# "Retry after failure feature"
class RetryCronJob(CronJobBase):
    RUN_EVERY_MINS = 60 # every hours
    RETRY_AFTER_FAILURE_MINS = 5

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS, retry_after_failure_mins=RETRY_AFTER_FAILURE_MINS)
    code = "readme.retry"  # added

    def do(self):  # added
        pass


# "Run at times feature": every hour
class HourlyCronJob(CronJobBase):
    RUN_EVERY_MINS = 60 # every hours

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS)
    code = "readme.hourly"  # added

    def do(self):  # added
        pass


# "Run at times feature": at given hours
class AtTimesCronJob(CronJobBase):
    RUN_AT_TIMES = ['11:30', '14:00', '23:15']

    schedule = Schedule(run_at_times=RUN_AT_TIMES)
    code = "readme.at_times"  # added

    def do(self):  # added
        pass


# "You can also mix up both of these methods"
class MixedCronJob(CronJobBase):
    RUN_EVERY_MINS = 120 # every 2 hours
    RUN_AT_TIMES = ['6:30']

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS, run_at_times=RUN_AT_TIMES)
    code = "readme.mixed"  # added

    def do(self):  # added
        pass


# "FailedRunsNotificationCronJob", with its body ("... some action here ...") filled in
class MinFailuresCronJob(CronJobBase):
    RUN_EVERY_MINS = 10
    MIN_NUM_FAILURES = 3

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS)
    code = 'app.MyCronJob'

    def do(self):
        pass  # ... some action here ...
