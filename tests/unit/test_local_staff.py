"""The local accounts' TOTP codes, as the tests and `make serve` read them."""

import time

import pytest
from moto.cognitoidp.utils import cognito_totp

from devserver.staff import TOTP_SECRET, totp_code

STEP_START = 1_800_000_000  # a multiple of the 30-second TOTP step


def code_at(seconds: int) -> str:
    return cognito_totp(TOTP_SECRET).generate(seconds).decode()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [0.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    monkeypatch.setattr(time, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    return now


def test_totp_code_is_the_current_steps_code_with_time_left(clock: list[float]) -> None:
    # GIVEN 20 seconds left in the step
    clock[0] = STEP_START + 10
    # WHEN / THEN the code is this step's, read without waiting
    assert totp_code() == code_at(STEP_START)
    assert clock[0] == STEP_START + 10


def test_totp_code_waits_for_the_next_step_in_the_last_seconds(clock: list[float]) -> None:
    # GIVEN 2 seconds left in the step: moto would refuse the code if it arrived a step later
    clock[0] = STEP_START + 28
    # WHEN the code is read
    code = totp_code()
    # THEN it is the next step's code
    assert code == code_at(STEP_START + 30)
    assert code != code_at(STEP_START)
