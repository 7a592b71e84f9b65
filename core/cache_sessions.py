"""Sessions in the shared cache (Redis), for several nodes: SESSION_ENGINE = "core.cache_sessions".

Chosen with COSO_SESSION_CACHE=1 (it needs COSO_CACHE_URL). A session lasts SESSION_COOKIE_AGE after its last
use, as with the database store (core.sessions): where that store rewrites a row every few minutes, this one
pushes the entry's expiry back with one TOUCH on each request that read the session, which never rewrites
its content (so two requests at once cannot undo each other's changes).
"""

from django.contrib.sessions.backends import cache


class SessionStore(cache.SessionStore):
    def due_for_renewal(self) -> bool:
        """Renew the entry's expiry in place; nothing left for the middleware to save (False)."""
        if self.session_key and self.accessed and not self.modified:
            self._cache.touch(self.cache_key, self.get_expiry_age())
        return False
