"""riskcabinet: employee-safety incident reporting and the Risk Reduction Cabinet's briefing."""

# The Celery app is imported here so that shared tasks bind to it when Django starts. The pure
# packages below (scoring, autocode) do not import Django or Celery themselves.
try:
    from .celery import app as celery_app
except ImportError:  # pragma: no cover - only when Celery is not installed (pure-package use)
    celery_app = None

__all__ = ["celery_app"]
