"""Authentication backend: Django's model backend, loading the person with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PersonModelBackend(ModelBackend):
    """Loads the signed-in user with their person and home department in one query.

    Nearly every request reads them (the language preference, the report form's department),
    and each was a query of its own.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("person__department").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
