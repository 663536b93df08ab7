#!/usr/bin/env python
"""The demo site's manage.py: ``python demo/manage.py runcrons``."""

import os
import sys
from pathlib import Path


def main() -> None:
    """Run a management command with the demo settings."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
