"""The CronJobLog and CronJobLock admin pages, through Django's test client."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from django_cron.helpers import humanize_duration
from django_cron.models import CronJobLock, CronJobLog

pytestmark = pytest.mark.django_db

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/jobs.py", line 12, in do\n'
    "    1 / 0\n"
    "ZeroDivisionError: division by zero\n"
)
LIST_URL = "admin:django_cron_cronjoblog_changelist"


def log(code="app.Job", *, took=dt.timedelta(seconds=5), ok=True, ago=dt.timedelta(hours=1), **kw):
    start = timezone.now() - ago
    return CronJobLog.objects.create(
        code=code,
        start_time=start,
        end_time=None if took is None else start + took,
        is_success=ok,
        **kw,
    )


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


@pytest.fixture
def staff_client(client):
    """A staff user who may view (and even "change") logs and locks, but is no superuser."""
    user = User.objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="django_cron",
            codename__in=[
                "view_cronjoblog",
                "change_cronjoblog",
                "delete_cronjoblog",
                "add_cronjoblog",
                "view_cronjoblock",
                "change_cronjoblock",
            ],
        )
    )
    client.force_login(user)
    return client


def listed_codes(response):
    """The codes in the change list, in display order."""
    return re.findall(r'<th class="field-code"><a [^>]*>([^<]+)</a>', response.content.decode())


# -- humanize_duration ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(hours=1, minutes=2), "1 hour, 2 minutes"),
        (dt.timedelta(days=2, seconds=1), "2 days, 1 second"),
        (dt.timedelta(minutes=1, seconds=30), "1 minute, 30 seconds"),
        (dt.timedelta(milliseconds=300), "< 1 second"),
        (dt.timedelta(seconds=-5), "< 1 second"),
    ],
)
def test_humanize_duration(delta, text):
    assert humanize_duration(delta) == text


def test_humanize_duration_keeps_its_old_import_path():
    from django_cron.helpers import humanize_duration as old_path

    assert old_path(dt.timedelta(seconds=61)) == "1 minute, 1 second"


# -- the log list ----------------------------------------------------------------------


def test_list_shows_code_times_duration_and_success(superuser_client):
    log("app.Report", took=dt.timedelta(hours=1, minutes=2))

    page = superuser_client.get(reverse(LIST_URL)).content.decode()

    assert "app.Report" in page
    assert "1 hour, 2 minutes" in page
    assert 'alt="True"' in page


def test_list_shows_unfinished_runs_as_running(superuser_client):
    log("app.Slow", took=None, ok=False)

    page = superuser_client.get(reverse(LIST_URL)).content.decode()

    assert '<td class="field-duration">running</td>' in page


def test_list_is_newest_first(superuser_client):
    log("app.Old", ago=dt.timedelta(days=2))
    log("app.New", ago=dt.timedelta(hours=1))
    log("app.Middle", ago=dt.timedelta(days=1))

    response = superuser_client.get(reverse(LIST_URL))

    assert listed_codes(response) == ["app.New", "app.Middle", "app.Old"]


def test_list_sorts_by_duration(superuser_client):
    log("app.Minutes", took=dt.timedelta(minutes=5))
    log("app.Hours", took=dt.timedelta(hours=3))
    log("app.Seconds", took=dt.timedelta(seconds=2))

    # Column 4 is the duration; "-4" sorts it descending.
    ascending = superuser_client.get(reverse(LIST_URL), {"o": "4"})
    descending = superuser_client.get(reverse(LIST_URL), {"o": "-4"})

    assert listed_codes(ascending) == ["app.Seconds", "app.Minutes", "app.Hours"]
    assert listed_codes(descending) == ["app.Hours", "app.Minutes", "app.Seconds"]


def test_filter_failures(superuser_client):
    log("app.Fine")
    log("app.Broken", ok=False, message=TRACEBACK)

    response = superuser_client.get(reverse(LIST_URL), {"is_success__exact": "0"})

    assert listed_codes(response) == ["app.Broken"]


def test_filter_by_code(superuser_client):
    log("app.One")
    log("app.Two")

    response = superuser_client.get(reverse(LIST_URL), {"code": "app.Two"})

    assert listed_codes(response) == ["app.Two"]


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ("lt_minute", ["app.Seconds"]),
        ("minutes", ["app.Minutes"]),
        ("hours", ["app.Hours"]),
        ("gt_day", ["app.Days"]),
        ("running", ["app.Running"]),
    ],
)
def test_filter_by_duration_bucket(superuser_client, bucket, expected):
    log("app.Seconds", took=dt.timedelta(seconds=59))
    log("app.Minutes", took=dt.timedelta(minutes=1))
    log("app.Hours", took=dt.timedelta(hours=23, minutes=59))
    log("app.Days", took=dt.timedelta(days=1, hours=1), ago=dt.timedelta(days=3))
    log("app.Running", took=None)

    response = superuser_client.get(reverse(LIST_URL), {"duration": bucket})

    assert listed_codes(response) == expected


def test_date_hierarchy_narrows_to_a_day(superuser_client):
    log("app.Today", ago=dt.timedelta(0))
    log("app.LastYear", ago=dt.timedelta(days=400))
    today = timezone.localtime() if timezone.is_aware(timezone.now()) else timezone.now()

    response = superuser_client.get(
        reverse(LIST_URL),
        {
            "start_time__year": today.year,
            "start_time__month": today.month,
            "start_time__day": today.day,
        },
    )

    assert listed_codes(response) == ["app.Today"]


def test_search_finds_words_in_the_message(superuser_client):
    log("app.Divider", ok=False, message=TRACEBACK)
    log("app.Quiet", message="all good")

    response = superuser_client.get(reverse(LIST_URL), {"q": "ZeroDivisionError"})

    assert listed_codes(response) == ["app.Divider"]


def test_search_finds_codes(superuser_client):
    log("billing.Charge")
    log("feeds.Fetch")

    response = superuser_client.get(reverse(LIST_URL), {"q": "billing"})

    assert listed_codes(response) == ["billing.Charge"]


# -- the log detail page ---------------------------------------------------------------


def test_detail_page_shows_the_traceback_with_its_line_breaks(staff_client):
    entry = log("app.Broken", ok=False, message=TRACEBACK)

    page = staff_client.get(
        reverse("admin:django_cron_cronjoblog_change", args=[entry.pk])
    ).content.decode()

    assert (
        "<pre>Traceback (most recent call last):\n"
        "  File &quot;/srv/app/jobs.py&quot;, line 12, in do\n"
        "    1 / 0\n"
    ) in page


def test_detail_page_escapes_the_message(staff_client):
    entry = log("app.Html", message="<script>alert(1)</script>")

    page = staff_client.get(
        reverse("admin:django_cron_cronjoblog_change", args=[entry.pk])
    ).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- who may change what ---------------------------------------------------------------


def test_staff_sees_logs_read_only(staff_client):
    entry = log("app.Job", message="kept")
    url = reverse("admin:django_cron_cronjoblog_change", args=[entry.pk])

    page = staff_client.get(url).content.decode()
    posted = staff_client.post(url, {"code": "app.Changed", "message": "edited"})

    assert 'name="_save"' not in page
    assert posted.status_code == 403
    entry.refresh_from_db()
    assert (entry.code, entry.message) == ("app.Job", "kept")


def test_staff_cannot_add_or_delete_logs(staff_client):
    entry = log("app.Job")

    add = staff_client.get(reverse("admin:django_cron_cronjoblog_add"))
    delete = staff_client.post(
        reverse("admin:django_cron_cronjoblog_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert CronJobLog.objects.filter(pk=entry.pk).exists()


def test_staff_without_permissions_sees_nothing(client):
    user = User.objects.create_user("guest", "g@example.com", "pw", is_staff=True)
    client.force_login(user)
    log("app.Job")

    assert client.get(reverse(LIST_URL)).status_code == 403


def test_superuser_can_edit_a_log(superuser_client):
    entry = log("app.Job", message="before")
    url = reverse("admin:django_cron_cronjoblog_change", args=[entry.pk])
    local_start, local_end = (
        timezone.localtime(moment) if timezone.is_aware(moment) else moment
        for moment in (entry.start_time, entry.end_time)
    )

    response = superuser_client.post(
        url,
        {
            "code": "app.Job",
            "start_time_0": local_start.strftime("%Y-%m-%d"),
            "start_time_1": local_start.strftime("%H:%M:%S"),
            "end_time_0": local_end.strftime("%Y-%m-%d"),
            "end_time_1": local_end.strftime("%H:%M:%S"),
            "is_success": "on",
            "hostname": "",
            "pid": "",
            "message": "after\nwith a second line",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.message == "after\nwith a second line"


def test_superuser_can_delete_a_log(superuser_client):
    entry = log("app.Job")

    superuser_client.post(
        reverse("admin:django_cron_cronjoblog_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert not CronJobLog.objects.filter(pk=entry.pk).exists()


# -- locks -----------------------------------------------------------------------------


def test_staff_sees_locks_read_only(staff_client):
    lock = CronJobLock.objects.create(job_name="app.Job", locked=True, owner="host:123")

    listing = staff_client.get(reverse("admin:django_cron_cronjoblock_changelist"))
    posted = staff_client.post(
        reverse("admin:django_cron_cronjoblock_change", args=[lock.pk]),
        {"job_name": "app.Job", "owner": ""},
    )

    assert "app.Job" in listing.content.decode()
    assert "host:123" in listing.content.decode()
    assert posted.status_code == 403
    lock.refresh_from_db()
    assert lock.locked


def test_superuser_can_release_a_stuck_lock(superuser_client):
    lock = CronJobLock.objects.create(job_name="app.Job", locked=True, owner="host:123")

    response = superuser_client.post(
        reverse("admin:django_cron_cronjoblock_change", args=[lock.pk]),
        {
            "job_name": "app.Job",
            "owner": "",
            "locked_at_0": "",
            "locked_at_1": "",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )

    assert response.status_code == 302
    lock.refresh_from_db()
    assert not lock.locked
