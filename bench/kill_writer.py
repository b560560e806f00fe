"""The workstation's write path in a loop, for bench/bench_kill.py: creates and edits residents
through the real service (version, outbox row, audit row, the write counter mark) and prints
``ACK <id> <version>`` after each commit returns. Run: ``python -m bench.kill_writer DIR``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from argon2 import PasswordHasher

from app.domain.patient import PatientInput
from app.domain.roles import Role
from app.services.context import Actor, ServiceContext
from app.services.patients import PatientService


def main(data_dir: Path) -> None:
    ctx = ServiceContext.open(
        data_dir, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    ctx.actor = Actor("", "kill-bench", "kill-bench", Role.ADMIN)
    patients = PatientService(ctx)
    # warm up (lazy imports, the first statements) before the clock starts
    last = patients.create(
        PatientInput(name="杀0", sex="1", birth_date=date(1950, 1, 1)), allow_duplicate=True
    )
    out = sys.stdout
    out.write(f"READY\nACK {last.id} {last.version}\n")
    out.flush()
    i = 0
    while True:
        i += 1
        if last is not None and i % 3 == 0:
            row = patients.update(
                last.id,
                PatientInput(name=last.name, sex="1", birth_date=last.birth_date, village=f"村{i}"),
            )
        else:
            row = patients.create(
                PatientInput(name=f"杀{i}", sex="1", birth_date=date(1950, 1, 1 + i % 28)),
                allow_duplicate=True,
            )
        last = row
        out.write(f"ACK {row.id} {row.version}\n")
        out.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
