"""Demo data of field work (`coso demo`), one step per area, registered in order."""

from accounts.demo import register_step

# --- visits and opinions (after the calendars' step)
from fieldwork import demo_visits

register_step(demo_visits.load)
