from django.apps import AppConfig


class RiskcabinetConfig(AppConfig):
    name = "riskcabinet"
    verbose_name = "Risk cabinet"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from riskcabinet import checks  # noqa: F401  (registers the deployment checks)

        # Load the Celery app so that shared tasks bind to it whenever Django runs.
        from riskcabinet.celery import app  # noqa: F401
        from riskcabinet.roles import roles_ensure_after_migrate

        post_migrate.connect(roles_ensure_after_migrate, sender=self)

        from django.contrib.auth.signals import user_logged_in

        from riskcabinet.views import language_remember_at_sign_in

        user_logged_in.connect(language_remember_at_sign_in, dispatch_uid="riskcabinet-language")
