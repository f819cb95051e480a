"""The API contract is generated once, safely, when requests arrive together.

drf-spectacular sets attributes on the shared view classes while it walks
them, so two threads generating at once (the first requests of a threaded
server, one of them serving /api/v1/schema/) crashed with a 500. Every
generation holds ``contract.SCHEMA_GENERATION``.
"""

import threading

from interactions_crm.platform.api import contract as contract_module

THREADS = 6


def _generate_together(clear) -> tuple[list, list[BaseException]]:
    results: list = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work() -> None:
        barrier.wait()
        try:
            results.append(contract_module.contract())
        except BaseException as error:
            errors.append(error)

    clear()
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_first_requests_share_one_generated_contract(db):
    for _ in range(3):
        results, errors = _generate_together(
            contract_module._generated_contract.cache_clear
        )

        assert errors == []
        assert len(results) == THREADS
        assert all(result is results[0] for result in results)
