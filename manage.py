#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A missing or wrong setting (e.g. SECRET_KEY with DEBUG off): the message says
        # which and what to do; a traceback would only bury it.
        sys.exit(f"Configuration error: {exc}")


if __name__ == "__main__":
    main()
