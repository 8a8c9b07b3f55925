"""Cambodia Risk Monitor: the Streamlit entry point.

Run with ``cambodia-risk dashboard``, or directly::

    CAMBODIA_RISK_DB=sqlite:///data/cambodia-risk.db streamlit run dashboard/app.py

Pages (``st.navigation``): ``/`` Overview, ``/actors``, ``/articles``, ``/sources``.
Shared filters sit in the sidebar and in the query string (see ``dashboard.filters``);
``dashboard.ui`` holds the set-up every page shares.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from a checkout
    sys.path.insert(0, str(_ROOT))

from dashboard import ui  # noqa: E402

ui.main()
