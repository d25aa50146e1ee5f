"""Holding a lease: one holder at a time, named one way, kept alive while it works, released when it ends."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import timedelta

import pytest

from integration.leases import LeaseBusy, held
from integration.store import Store

TTL = timedelta(seconds=30)


def test_a_second_holder_is_told_who_holds_the_lease_and_takes_it_once_it_is_released(store: Store) -> None:
    with held(store, "job", TTL, detail="U1") as holder:
        host, pid, _ = holder.split(":")
        assert (host, pid) == (socket.gethostname(), str(os.getpid()))
        with pytest.raises(LeaseBusy) as busy, held(store, "job", TTL, detail="U2"):
            pass
        assert busy.value.current is not None and busy.value.current.holder == holder
        assert busy.value.detail == "U1"
    with held(store, "job", TTL, detail="U2"):
        pass


def test_the_lease_is_released_when_the_block_fails(store: Store) -> None:
    with pytest.raises(RuntimeError), held(store, "job", TTL):
        raise RuntimeError("the work failed")
    with store.unit_of_work() as uow:
        assert uow.leases.current("job") is None


def test_a_lease_of_a_dead_process_on_this_host_is_taken_over_only_when_asked(store: Store) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    with store.unit_of_work() as uow:
        uow.leases.acquire("sync", f"{socket.gethostname()}:{dead.pid}:gone", TTL)
        uow.commit()
    with pytest.raises(LeaseBusy), held(store, "sync", TTL):
        pass
    with held(store, "sync", TTL, take_over_dead=True) as holder, store.unit_of_work() as uow:
        current = uow.leases.current("sync")
        assert current is not None and current.holder == holder


def test_the_heartbeat_keeps_the_lease_past_its_time_to_live_while_the_block_runs(store: Store) -> None:
    with held(store, "job", timedelta(seconds=2)):
        time.sleep(3)
        with pytest.raises(LeaseBusy), held(store, "job", TTL):
            pass
