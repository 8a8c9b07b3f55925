"""Old address of ``feeds.store.schema``, kept only while ``dashboard/`` still imports it.

The module is replaced by ``feeds.store.schema`` itself, so nothing is defined twice.
Delete this file once the dashboard imports ``feeds.store.schema``.
"""

import sys

from feeds.store import schema

sys.modules[__name__] = schema
