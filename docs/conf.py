"""Sphinx configuration for the django-cron documentation."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

project = "django-cron"
copyright = "django-cron contributors"
author = "django-cron contributors"
release = re.search(r'version="([^"]+)"', (ROOT / "setup.py").read_text(encoding="utf-8")).group(1)
version = ".".join(release.split(".")[:2])

extensions: list[str] = []
templates_path: list[str] = []
exclude_patterns = ["_build"]
root_doc = "index"
highlight_language = "python"
pygments_style = "sphinx"

html_theme = "alabaster"
html_static_path: list[str] = []
html_theme_options = {"description": "Django jobs on a schedule, from one crontab line"}
