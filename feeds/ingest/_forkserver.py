"""The refresh's fork server preload: imported there, and only there, for its effect.

The refresh's workers come from a fork server (see ``feeds.ingest.workers.CpuPool``), so the
chain of processes is refresh -> fork server -> workers. Linux's parent-death signal
reaches only a direct child: each worker asks for it in ``init_worker``, and the fork
server asks for it here, as it starts. A refresh killed with SIGKILL then takes its fork
server with it, and the fork server its workers. Without this the fork server and its
workers wait for each other forever, long after the run is gone.

Importing this module anywhere else would tie that process's life to its parent's.
"""

from feeds.ingest.workers import die_with_parent

die_with_parent()
