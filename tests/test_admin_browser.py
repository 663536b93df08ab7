"""The run-history admin in a real browser: headless Chromium driven by Selenium."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.utils import timezone

from django_cron.models import CronJobLog

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/jobs.py", line 12, in do\n'
    "    charge(card)\n"
    "PaymentError: card declined\n"
)


def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return (
            f"needs {CHROMIUM} and chromedriver; install the Debian packages "
            "chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
        )
    return None


@pytest.mark.skipif(missing_browser() is not None, reason=missing_browser() or "")
class AdminInBrowserTests(StaticLiveServerTestCase):
    """Log in, list the runs, keep the failures, open one and read its traceback."""

    @classmethod
    def setUpClass(cls):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        super().setUpClass()
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        cls.browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        cls.browser.implicitly_wait(10)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        super().tearDownClass()

    def setUp(self):
        User.objects.create_superuser("root", "root@example.com", "s3cret-pass")
        start = timezone.now() - dt.timedelta(hours=2)
        CronJobLog.objects.create(
            code="feeds.FetchJob",
            start_time=start,
            end_time=start + dt.timedelta(seconds=4),
            is_success=True,
            message="fetched 12 items",
        )
        CronJobLog.objects.create(
            code="billing.ChargeJob",
            start_time=start + dt.timedelta(minutes=30),
            end_time=start + dt.timedelta(hours=1, minutes=32),
            is_success=False,
            message=TRACEBACK,
        )

    def test_find_a_failure_and_read_its_traceback(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        browser = self.browser
        browser.get(f"{self.live_server_url}/admin/")
        browser.find_element(By.NAME, "username").send_keys("root")
        browser.find_element(By.NAME, "password").send_keys("s3cret-pass")
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        # Only a logged-in page has the user tools (the login page has a site name too).
        browser.find_element(By.ID, "user-tools")

        browser.find_element(By.LINK_TEXT, "Cron job logs").click()
        codes = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "th.field-code")]
        self.assertEqual(codes, ["billing.ChargeJob", "feeds.FetchJob"])
        durations = [
            cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "td.field-duration")
        ]
        self.assertEqual(durations, ["1 hour, 2 minutes", "4 seconds"])

        # The success filter's "No" link keeps the failures only.
        success_filter = browser.find_element(
            By.XPATH,
            "//details[@data-filter-title='is success'] | //h3[contains(., 'is success')]/..",
        )
        success_filter.find_element(By.LINK_TEXT, "No").click()
        WebDriverWait(browser, 10).until(lambda b: "is_success__exact=0" in b.current_url)
        codes = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "th.field-code")]
        self.assertEqual(codes, ["billing.ChargeJob"])

        # The link in the results, not the code filter's link of the same text.
        browser.find_element(By.CSS_SELECTOR, "#result_list th.field-code a").click()
        message = browser.find_element(By.CSS_SELECTOR, ".field-formatted_message pre")
        self.assertEqual(message.text, TRACEBACK.rstrip("\n"))
        self.assertEqual(len(message.text.splitlines()), 4)
