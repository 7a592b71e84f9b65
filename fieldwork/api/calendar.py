"""API of the work calendar, the field-time share and meetings."""

from ninja import Router

router = Router(tags=["fieldwork"])
