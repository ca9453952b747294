"""Committed outbox keys go to Celery from a thread, in batches
(expo/notifications/publisher.py)."""

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from celery import current_app

from expo.notifications.publisher import Publisher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def not_eager():
    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = True


class Recorder:
    """Where a publisher hands keys on: who called, with what; can hold the thread."""

    def __init__(self):
        self.calls: list[tuple[str, list[str]]] = []
        self.release = threading.Event()
        self.release.set()

    def __call__(self, keys):
        self.release.wait(timeout=10)
        self.calls.append((threading.current_thread().name, list(keys)))

    def handed(self) -> list[str]:
        return [key for _thread, keys in self.calls for key in keys]


def test_the_caller_does_not_wait_and_keys_that_gather_go_as_one_batch(not_eager):
    recorder = Recorder()
    publisher = Publisher(hand_on=recorder)
    recorder.release.clear()  # the thread is busy handing on the first key...
    publisher.publish(["booking:1:booking_confirmed"])
    for number in range(2, 40):  # ...while a rush of bookings commits
        publisher.publish([f"booking:{number}:booking_confirmed"])
    assert recorder.calls == []  # nobody waited for the broker
    recorder.release.set()
    publisher.flush()

    assert recorder.handed() == [f"booking:{n}:booking_confirmed" for n in range(1, 40)]
    assert {thread for thread, _keys in recorder.calls} == {"outbox-publisher"}
    assert len(recorder.calls) <= 2  # the first key, then all that gathered behind it


def test_keys_that_commit_soon_after_a_first_one_wait_for_its_hand_off(not_eager):
    """Bookings a few milliseconds apart cost one publish, not one each."""
    recorder = Recorder()
    publisher = Publisher(hand_on=recorder, gather_seconds=1.0)
    for number in range(1, 6):
        publisher.publish([f"booking:{number}:booking_confirmed"])
    publisher.flush()
    assert recorder.calls == [
        ("outbox-publisher", [f"booking:{n}:booking_confirmed" for n in range(1, 6)])
    ]


def test_eager_mode_hands_keys_on_at_once_in_the_caller():
    recorder = Recorder()
    Publisher(hand_on=recorder).publish(["booking:7:booking_confirmed"])
    caller = threading.current_thread().name
    assert recorder.calls == [(caller, ["booking:7:booking_confirmed"])]


def test_a_process_that_exits_while_keys_gather_hands_them_on(tmp_path):
    out = tmp_path / "handed.txt"
    script = textwrap.dedent(
        f"""
        from celery import Celery
        from expo.notifications.publisher import Publisher

        Celery().set_current()  # not eager: a broker would take the tasks

        def hand_on(keys):
            with open({str(out)!r}, "a") as file:
                file.write(",".join(keys) + "\\n")

        publisher = Publisher(hand_on=hand_on, gather_seconds=3600)
        publisher.publish(["first"])
        publisher.publish(["second"])
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, cwd=ROOT)
    assert out.read_text().split() == ["first,second"]


def test_a_process_that_exits_hands_on_what_is_still_waiting(tmp_path):
    """The thread is held busy; at exit, the keys queued behind it still go out."""
    out = tmp_path / "handed.txt"
    script = textwrap.dedent(
        f"""
        import threading, time
        from celery import Celery
        from expo.notifications.publisher import Publisher

        Celery().set_current()  # not eager: a broker would take the tasks
        busy = threading.Event()

        def hand_on(keys):
            if threading.current_thread().name == "outbox-publisher":
                busy.set()
                time.sleep(3600)  # stuck: only the exit's drain can send the rest
            with open({str(out)!r}, "a") as file:
                file.write(",".join(keys) + "\\n")

        publisher = Publisher(hand_on=hand_on)
        publisher.publish(["first"])
        busy.wait(5)
        publisher.publish(["second", "third"])
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, cwd=ROOT)
    assert out.read_text().split() == ["second,third"]
