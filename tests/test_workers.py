"""The worker pool: a job that kills its worker fails alone, and the write turn outlives it.

The jobs below run in real worker processes (from the fork server), so they are plain
module-level functions the workers import by name.
"""

import asyncio
import os
import signal

import pytest

from feeds import store
from feeds.config import Settings
from feeds.ingest.workers import CpuPool, WorkerDied, worker_engine
from feeds.lexicon import load_lexicons


def square(n: int) -> int:
    return n * n


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def die_holding_the_turn() -> None:
    with store.write_turn(worker_engine()):
        os.kill(os.getpid(), signal.SIGKILL)


def take_the_turn() -> int:
    with store.write_turn(worker_engine()):
        return os.getpid()


@pytest.fixture
def pool(db_url):
    settings = Settings(db_url=db_url, workers=2)
    engine = store.make_engine(settings.db_url)
    with CpuPool(settings, load_lexicons(settings.lexicon_dir), engine) as cpu:
        yield cpu
    engine.dispose()


def test_a_job_that_kills_its_worker_fails_alone(pool):
    async def main():
        jobs = [pool.run(square, n) for n in range(8)]
        jobs.insert(3, pool.run(die))
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(main())
    died = results.pop(3)
    assert isinstance(died, WorkerDied) and "died" in str(died)
    assert results == [n * n for n in range(8)]  # the jobs queued beside it all finished
    assert asyncio.run(pool.run(square, 9)) == 81  # and the pool works afterwards


def test_a_worker_killed_holding_the_write_turn_does_not_block_the_others(pool):
    async def main():
        with pytest.raises(WorkerDied):
            await pool.run(die_holding_the_turn)
        # The kernel (SQLite's flock) or the server (PostgreSQL's advisory lock)
        # released the dead worker's turn: the next writer gets it.
        return await asyncio.wait_for(pool.run(take_the_turn), timeout=30)

    assert asyncio.run(main()) > 0
