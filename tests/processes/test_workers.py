"""The hand-over of idle query workers to waiting requests (sahel_kg.query.processes.IdleWorkers).

Workers come back from the event loop and from the threads that start them;
none may be lost when a waiter times out or its client leaves.
"""

from __future__ import annotations

import asyncio
import threading

from sahel_kg.query.processes import IdleWorkers


def test_idle_worker_is_taken_at_once() -> None:
    idle = IdleWorkers()
    idle.put("w1")  # type: ignore[arg-type]
    assert asyncio.run(idle.get(1.0)) == "w1"
    assert len(idle) == 0


def test_waiters_are_served_in_order_from_another_thread() -> None:
    async def scenario() -> list[object]:
        idle = IdleWorkers()
        first = asyncio.ensure_future(idle.get(5.0))
        second = asyncio.ensure_future(idle.get(5.0))
        await asyncio.sleep(0.01)
        threading.Thread(target=lambda: (idle.put("a"), idle.put("b"))).start()  # type: ignore[func-returns-value, arg-type]
        return [await first, await second]

    assert asyncio.run(scenario()) == ["a", "b"]


def test_timeout_answers_none_and_keeps_the_worker_for_the_next() -> None:
    async def scenario() -> tuple[object, object]:
        idle = IdleWorkers()
        missed = await idle.get(0.02)
        idle.put("late")  # type: ignore[arg-type]
        return missed, await idle.get(0.5)

    assert asyncio.run(scenario()) == (None, "late")


def test_a_cancelled_waiter_does_not_lose_the_worker() -> None:
    async def scenario() -> object:
        idle = IdleWorkers()
        waiter = asyncio.ensure_future(idle.get(5.0))
        await asyncio.sleep(0.01)
        waiter.cancel()
        idle.put("kept")  # type: ignore[arg-type]
        await asyncio.sleep(0.01)
        return await idle.get(0.5)

    assert asyncio.run(scenario()) == "kept"


def test_a_worker_handed_over_as_its_waiter_leaves_goes_to_the_next() -> None:
    async def scenario() -> object:
        idle = IdleWorkers()
        leaving = asyncio.ensure_future(idle.get(5.0))
        staying = asyncio.ensure_future(idle.get(5.0))
        await asyncio.sleep(0.01)
        idle.put("w")  # type: ignore[arg-type]  # delivery is scheduled for the first waiter...
        leaving.cancel()  # ...which leaves before it runs
        return await staying

    assert asyncio.run(scenario()) == "w"
