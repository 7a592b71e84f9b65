#!/usr/bin/env python
"""Django's command-line utility for Cơ Sở (the `coso` command is the same)."""

from coso.cli import main

if __name__ == "__main__":
    main()
