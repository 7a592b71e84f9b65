"""Sign-in with a username and password (Django's ModelBackend), and the signed-in user of every request.

Every page reads the user's organisation (the two-factor rule of the office, the scoping) and their person
(the header names their post, the permission predicates compare it): the user of a session is loaded with
both, in one query, instead of one query each.
"""

from django.contrib.auth import backends, get_user_model

_WITH_THE_USER = ("organization", "person")


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend; a session's user comes with their organisation and person."""

    def get_user(self, user_id):
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related(*_WITH_THE_USER).get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        UserModel = get_user_model()
        try:
            user = await UserModel._default_manager.select_related(*_WITH_THE_USER).aget(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
