"""Run the simulator: python -m simulator --chargers 3."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
