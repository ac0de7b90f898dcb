"""riskcabinet: employee-safety incident reporting and the Risk Reduction Cabinet's briefing.

This package stays import-light: the pure subpackages (scoring, autocode) are used without
Django, so the Celery app is loaded from the app config's ready() instead of here.
"""
