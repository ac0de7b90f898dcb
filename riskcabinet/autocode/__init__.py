"""Narrative auto-coder: suggests OIICS event, nature and part-of-body codes for a report.

Pure Python (scikit-learn, numpy, scipy, pandas, joblib); it never imports Django. The
incident app calls ``suggest`` (and ``prepare`` where a case page is likely to follow), reads
``AUTO_ACCEPT_THRESHOLD`` and says when the model was trained (``model_info``); see README.md.
"""

from riskcabinet.autocode.api import AUTO_ACCEPT_THRESHOLD, model_info, prepare, suggest

__all__ = ["AUTO_ACCEPT_THRESHOLD", "model_info", "prepare", "suggest"]
