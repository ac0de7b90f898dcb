"""Run requests at the same moment, one thread each, as two phones or two officers would."""

import threading
from collections.abc import Callable


def run_at_once(calls: list[Callable[[], object]], timeout: float = 120) -> list[object]:
    """Call each function in its own thread, all released together; return their results (in
    the order they finished). A thread that raised fails the test: none may fail silently."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    return results
