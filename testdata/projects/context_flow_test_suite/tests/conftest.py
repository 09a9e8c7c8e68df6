import asyncio

import pytest

from tests.helpers import TEST_NAME


@pytest.fixture(autouse=True)
def _test_name(request):
    token = TEST_NAME.set(request.node.name)
    yield
    TEST_NAME.reset(token)


@pytest.fixture
def acall():
    # a helper no test uses: no caller hands it a callable
    loop = asyncio.new_event_loop()
    return lambda f: loop.run_in_executor(None, f)
