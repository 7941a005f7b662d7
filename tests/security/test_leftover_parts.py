"""A killed writer's `.part` (half an export: a client's books) is removed at the next start of bokslut, wherever the
user had it written, and a live writer's never. Real processes: one killed with SIGKILL mid-write, one still writing
when the next `bokslut` starts, both writing to folders the next run knows nothing about."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap

from core.scratch import PARTS_FOLDER

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from core import scratch

    scratch.start(Path(sys.argv[1]))
    with scratch.written_whole(Path(sys.argv[2])) as handle:
        handle.write(b"#FLAGGA 0\\r\\n#FNAMN \\"Nordljus Konsult AB\\"\\r\\n")
        handle.flush()
        print("writing", flush=True)
        sys.stdin.read()  # until the test says go on (or kills it)
    """
)


def _writing(data_dir, target) -> subprocess.Popen:
    """A process of core's own writer, stopped half-way through `target` until its stdin closes."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout.readline() == "writing\n"
    return process


def _part(target, process) -> object:
    return target.with_name(f"{target.name}.{process.pid}.part")


def test_a_killed_writers_part_elsewhere_is_removed_at_the_next_start_and_a_live_ones_is_not(cli, tmp_path):
    killed_target = tmp_path / "exports" / "bokslut-2025.se"
    live_target = tmp_path / "reports" / "balans.xlsx"
    killed_target.parent.mkdir()
    live_target.parent.mkdir()
    killed = _writing(cli.data_dir, killed_target)
    live = _writing(cli.data_dir, live_target)
    killed_part, live_part = _part(killed_target, killed), _part(live_target, live)
    assert stat.S_IMODE(killed_part.stat().st_mode) == 0o600  # private from its first byte
    records = cli.data_dir / PARTS_FOLDER
    assert sorted(json.loads(record.read_text())["part"] for record in records.iterdir()) == sorted(
        [str(killed_part), str(live_part)]
    )
    os.kill(killed.pid, signal.SIGKILL)  # no clean-up of any kind
    killed.wait()
    assert killed_part.exists()

    assert cli("companies").returncode == 0  # the next start, which exports nothing, anywhere

    assert not killed_part.exists() and not killed_target.exists()
    assert live_part.exists()
    assert [json.loads(record.read_text())["part"] for record in records.iterdir()] == [str(live_part)]
    live.communicate("")  # the live writer goes on and finishes
    assert live.returncode == 0
    assert live_target.read_bytes().startswith(b"#FLAGGA 0") and not live_part.exists()
    assert list(records.iterdir()) == []
    assert list(tmp_path.rglob("*.part")) == []
