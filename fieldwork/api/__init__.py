"""The field work API, under /api/v1/fieldwork/: the calendar and the share, then visits and opinions."""

from ninja import Router

from fieldwork.api.calendar import router as calendar_router
from fieldwork.api.visits import router as visits_router

router = Router(tags=["fieldwork"])
router.add_router("", calendar_router)
router.add_router("", visits_router)
