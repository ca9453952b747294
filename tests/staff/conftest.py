import pytest
import time_machine

from tests.staff.helpers import noon_today


@pytest.fixture
def at_noon():
    """The clock at today's noon (expo time), still ticking: live servers keep working."""
    with time_machine.travel(noon_today(), tick=True):
        yield noon_today()
