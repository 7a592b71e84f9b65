"""API of field visits and the opinions heard on them."""

from ninja import Router

router = Router(tags=["fieldwork"])
