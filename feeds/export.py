"""Old address of ``feeds.store.export``, kept only while ``dashboard/`` still imports it.

The module is replaced by ``feeds.store.export`` itself, so nothing is defined twice.
Delete this file once the dashboard imports ``feeds.store.export``.
"""

import sys

from feeds.store import export

sys.modules[__name__] = export
