"""The investment API under /api/v1/investment/: the same selectors, services and scoping as the pages."""

from ninja import Router

router = Router(tags=["investment"])
