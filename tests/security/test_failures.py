"""A full disk, a damaged store, a bad address and inputs that used to crash: each one clear line (exit 2) naming
what failed and what to do, the store never partial, the books private."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess

import pytest

from core.config import load_settings
from core.errors import BokslutError
from core.fortnox.tokens import FileTokenStore, TokenStoreError
from core.importer import import_sie
from core.sie.errors import SieError
from core.sie.reader import SieLimits, read_sie
from core.store.db import describe, open_store, store_failure, take_notices
from tests.store.conftest import dump

SMALL_SIE = (
    '#FLAGGA 0\n#SIETYP 4\n#FNAMN "Liten AB"\n#ORGNR 556677-8899\n#RAR 0 20250101 20251231\n'
    '#KONTO 1930 "Bank"\n#KONTO 3001 "Sales"\n'
    '#VER A 1 20250115 "Sale"\n{\n#TRANS 1930 {} 100.00\n#TRANS 3001 {} -100.00\n}\n'
)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.sqlite_only
def test_a_full_disk_is_one_line_and_leaves_the_store_as_it_was(tmp_path):
    """SQLite's own full-disk answer (SQLITE_FULL), made real by capping the file's pages: no tmpfs needed."""
    db = open_store(tmp_path / "bokslut.sqlite3")
    before = dump(db)
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")
    sie = tmp_path / "liten.se"
    sie.write_text(SMALL_SIE * 1 + "".join(
        f'#VER A {n} 20250115 "Sale {n}"\n{{\n#TRANS 1930 {{}} 1.00\n#TRANS 3001 {{}} -1.00\n}}\n' for n in range(2, 400)
    ))
    with pytest.raises(Exception) as failed:
        import_sie(db, sie)
    failure = store_failure(failed.value, tmp_path / "bokslut.sqlite3")
    assert failure is not None and failure.key == "store_full"
    assert str(tmp_path / "bokslut.sqlite3") in str(failure) and "Free some space" in str(failure)
    db.execute_sql(f"PRAGMA max_page_count = {pages * 1000}")
    assert dump(db) == before
    db.close()


FULL_DISK_SCRIPT = """
mount -t tmpfs -o size=800k,mode=0700 tmpfs "$1" || exit 99
shift
"$@" company add --org-number 556677-8899 --name "Liten AB" >/dev/null || exit 98
"$@" import-sie "$SIE" 2>"$OUT/import.err"; echo $? >"$OUT/import.rc"
"$@" activity --json >"$OUT/activity.json"
"$@" trial-balance 2>"$OUT/books.err"
exit 0
"""


@pytest.mark.sqlite_only
def test_an_import_onto_a_full_tmpfs_says_so_at_the_door_and_on_record(cli, tmp_path):
    """A real full disk where the machine lets a test mount a small tmpfs (a mount namespace of its own): the import
    says one line naming the store, the activity log records the full disk (not SQLite's failed rollback after it),
    and the store holds no part of the year."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], check=False).returncode != 0:
        pytest.skip("no mount namespace here; test_a_full_disk_is_one_line_and_leaves_the_store_as_it_was simulates it")
    disk = tmp_path / "disk"
    disk.mkdir()
    sie = tmp_path / "big.se"
    sie.write_text(SMALL_SIE + "".join(
        f'#VER A {n} 20250115 "Sale number {n} with a text"\n{{\n#TRANS 1930 {{}} 1.00\n#TRANS 3001 {{}} -1.00\n}}\n'
        for n in range(2, 3000)
    ))  # fmt: skip
    env = {**cli.env, "SIE": str(sie), "OUT": str(tmp_path)}
    env.pop("BOKSLUT_DATABASE_URL")
    bokslut = [*cli.command()[:1], "--data-dir", str(disk / "data")]
    script = ["unshare", "-m", "sh", "-c", FULL_DISK_SCRIPT, "sh", str(disk), *bokslut]
    ran = subprocess.run(script, env=env, check=False)
    if ran.returncode == 99:
        pytest.skip("this machine lets no test mount a tmpfs")
    assert ran.returncode == 0
    said = (tmp_path / "import.err").read_text()
    assert (tmp_path / "import.rc").read_text().strip() == "2" and said.count("\n") == 1
    assert f"{disk / 'data' / 'bokslut.sqlite3'}: the disk is full" in said and "Free some space" in said
    (failed,) = json.loads((tmp_path / "activity.json").read_text())[:1]
    assert failed["status"] == "failed" and "the disk is full" in failed["message"], failed
    assert "has no fiscal year" in (tmp_path / "books.err").read_text()  # nothing of the year was kept


READ_ONLY_SCRIPT = """
mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
shift
"$@" company add --org-number 559012-3450 --name "Annan AB" 2>"$OUT/add.err"; echo $? >"$OUT/add.rc"
"$@" companies 2>"$OUT/list.err"; echo $? >"$OUT/list.rc"
exit 0
"""


@pytest.mark.sqlite_only
def test_a_store_on_a_read_only_mount_is_one_line_naming_it(cli, tmp_path):
    """Root writes to a 0400 file, so test_a_read_only_store_is_one_line_naming_it skips as root; a read-only
    mount (a mount namespace of its own) stops root too. SQLite says only "unable to open database file" there."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], check=False).returncode != 0:
        pytest.skip("no mount namespace here")
    assert cli("company", "add", "--org-number", "556677-8899", "--name", "Liten AB").returncode == 0
    store = cli.data_dir / "bokslut.sqlite3"
    before = store.read_bytes()
    env = {**cli.env, "OUT": str(tmp_path)}
    env.pop("BOKSLUT_DATABASE_URL")
    bokslut = [*cli.command()[:1], "--data-dir", str(cli.data_dir)]
    ran = subprocess.run(["unshare", "-m", "sh", "-c", READ_ONLY_SCRIPT, "sh", str(cli.data_dir), *bokslut],
                         env=env, check=False)  # fmt: skip
    if ran.returncode == 99:
        pytest.skip("this machine lets no test mount read-only")
    for step in ("add", "list"):
        said = (tmp_path / f"{step}.err").read_text()
        assert (tmp_path / f"{step}.rc").read_text().strip() == "2" and said.count("\n") == 1, said
        assert f"{store} is read-only" in said and "write access" in said, said
    assert store.read_bytes() == before


@pytest.mark.sqlite_only
def test_a_damaged_store_is_one_line_naming_it(cli):
    store = cli.data_dir / "bokslut.sqlite3"
    store.write_bytes(b"this is no database, just bytes " * 200)
    run = cli("companies")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and str(store) in run.stderr and "damaged" in run.stderr
    assert not (cli.data_dir / "crash.log").exists()


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_store_is_one_line_naming_it(cli):
    assert cli("company", "add", "--org-number", "556677-8899", "--name", "Liten AB").returncode == 0
    store = cli.data_dir / "bokslut.sqlite3"
    store.chmod(0o400)
    run = cli("company", "add", "--org-number", "559012-3450", "--name", "Annan AB")
    assert run.returncode == 2 and "read-only" in run.stderr and str(store) in run.stderr


def test_a_bad_port_and_a_password_with_a_slash_never_show_the_password(cli):
    cli.store = "postgresql://anna:hem/ligt@127.0.0.1:99999/bokslut"
    run = cli("companies")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "port" in run.stderr and "ligt" not in run.stderr and "hem" not in run.stderr
    assert describe("postgresql://anna:hem/ligt@db.example:5433/books") == "postgresql://anna@db.example:5433/books"


@pytest.mark.sqlite_only
def test_the_books_are_private_and_an_old_open_store_is_made_so_once(tmp_path):
    data = tmp_path / "data"
    db = open_store(data / "bokslut.sqlite3")
    db.close()
    assert _mode(data) == 0o700 and _mode(data / "bokslut.sqlite3") == 0o600
    assert take_notices() == []
    (data / "bokslut.sqlite3").chmod(0o644)
    open_store(data / "bokslut.sqlite3").close()
    assert _mode(data / "bokslut.sqlite3") == 0o600
    assert [notice.key for notice in take_notices()] == ["store_made_private"]
    open_store(data / "bokslut.sqlite3").close()
    assert take_notices() == []


def test_an_open_data_directory_is_made_private_and_said_once(cli):
    cli.data_dir.chmod(0o755)  # made by hand, or by a bokslut from before 0700
    first = cli("companies")
    assert first.returncode == 0 and _mode(cli.data_dir) == 0o700
    assert first.stderr.count("\n") == 1 and str(cli.data_dir) in first.stderr and "you only" in first.stderr
    again = cli("companies")
    assert again.returncode == 0 and again.stderr == ""


def test_a_config_file_with_a_secret_that_others_can_read_is_warned_of(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[fortnox]\nclient_id = "x"\nclient_secret = "s3cret-value"\n')
    config.chmod(0o644)
    notices = load_settings(str(tmp_path / "data"), str(config), environ={}).notices
    assert [notice.key for notice in notices] == ["config_secret_readable"] and "chmod 600" in str(notices[0])
    config.chmod(0o600)
    assert load_settings(str(tmp_path / "data"), str(config), environ={}).notices == ()


def test_the_crash_log_is_private(cli, tmp_path):
    """A bug's traceback may hold names from the books; written best-effort, 0600."""
    from cli.main import _write_crash_report
    from core.config import Settings

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        log = _write_crash_report(Settings(data_dir=tmp_path / "new", config_file=None))
    assert log is not None and _mode(log) == 0o600 and _mode(log.parent) == 0o700
    (tmp_path / "taken").write_text("a file where the data directory would be")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:  # a crash log that cannot be written hides nothing: no exception of its own, and no path
        assert _write_crash_report(Settings(data_dir=tmp_path / "taken" / "data", config_file=None)) is None


def test_a_rar_at_the_end_of_time_is_read_not_a_crash(tmp_path):
    sie = tmp_path / "rar.se"
    sie.write_text('#FLAGGA 0\n#SIETYP 4\n#FNAMN "X"\n#RAR -1 19000101 99991231\n#RAR 0 20250101 20251231\n')
    _document, warnings = read_sie(sie)
    assert any("does not start the day after" in str(warning) for warning in warnings)


def test_a_nul_in_a_text_is_refused_on_every_store(tmp_path):
    sie = tmp_path / "nul.se"
    sie.write_bytes(SMALL_SIE.replace('"Liten AB"', '"Liten\x00AB"').encode())
    with pytest.raises(SieError, match="NUL"):
        read_sie(sie)


def test_objects_are_limited_in_all_dimensions_together(tmp_path):
    sie = tmp_path / "objects.se"
    lines = [f'#DIM {d} "D{d}"\n' + "".join(f'#OBJEKT {d} "{o}" "x"\n' for o in range(30)) for d in range(20, 30)]
    sie.write_text('#FLAGGA 0\n#SIETYP 4\n#FNAMN "X"\n#RAR 0 20250101 20251231\n' + "".join(lines))
    read_sie(sie, SieLimits(max_objects_per_dimension=100, max_objects=300))
    with pytest.raises(SieError, match="more than 299 objects in all"):
        read_sie(sie, SieLimits(max_objects_per_dimension=100, max_objects=299))


def test_a_huge_bad_field_is_quoted_not_repeated(tmp_path):
    sie = tmp_path / "huge.se"
    sie.write_text(SMALL_SIE.replace("#TRANS 1930 {} 100.00", "#TRANS 1930 {} " + "9" * 200_000 + "x"))
    with pytest.raises(BokslutError) as refused:
        read_sie(sie)
    assert len(str(refused.value)) < 1000 and len(json.dumps(refused.value.params, default=str)) < 2000


@pytest.mark.parametrize("document", [{"format": "bokslut-fortnox-tokens", "tokens": []},
                                      {"format": "bokslut-fortnox-tokens", "tokens": {"k": 1}}])
def test_a_token_file_of_the_wrong_shape_is_called_damaged(tmp_path, document):
    from core.fortnox import tokens

    document["format"] = tokens._FILE_FORMAT
    path = tmp_path / "fortnox-tokens.json"
    path.write_text(json.dumps(document))
    with pytest.raises(TokenStoreError, match="damaged"):
        FileTokenStore(path).load("556677-8899")


def test_a_killed_imports_books_are_removed_at_the_next_start(tmp_path, monkeypatch, store_address):
    import subprocess
    import sys
    import tempfile

    from core.scratch import SCRATCH_PREFIX, remove_abandoned_scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=False
    )
    abandoned = tmp_path / f"{SCRATCH_PREFIX}{dead.stdout.strip()}-abc"
    abandoned.mkdir()
    (abandoned / "fortnox-sie4.se").write_text(SMALL_SIE)
    running = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def"
    running.mkdir()
    # A live import of another bokslut on this machine, whatever store it uses (here: none the test's store knows).
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    elsewhere = tmp_path / f"{SCRATCH_PREFIX}{other.pid}-ghi"
    elsewhere.mkdir()
    db = open_store(store_address)
    try:
        assert remove_abandoned_scratch() == [abandoned]
        assert not abandoned.exists() and running.exists() and elsewhere.exists()
    finally:
        other.communicate(b"")
        db.close()


def test_an_amount_no_books_hold_is_refused_in_one_line_at_every_door(cli):
    """1e999999 overflowed the arithmetic once (a traceback); now each door says what it expects."""
    cli("demo")
    template = cli("closing", "template", "excess-depreciation", "--company", "559012-3450", "--year", "2025",
                   "--amount", "1e999999")  # fmt: skip
    check = cli("checks", "add", "--company", "559012-3450", "--kind", "amount-threshold", "--name", "big",
                "--params", '{"accounts": ["5410"], "above": "1e999999"}')  # fmt: skip
    for run in (template, check):
        assert run.returncode == 2 and "Traceback" not in run.stderr and "internal error" not in run.stderr
    from decimal import Decimal

    from core.money import to_ore

    with pytest.raises(ValueError, match="at most 15 digits"):
        to_ore(Decimal("1e999999"))


def test_a_name_no_accounting_program_writes_is_refused_in_one_short_line(cli, tmp_path):
    """A 900 KB #FNAMN was taken, printed whole and kept twice in the activity log."""
    huge = tmp_path / "huge-name.se"
    huge.write_bytes(b"#FLAGGA 0\r\n#SIETYP 4\r\n#ORGNR 556677-8899\r\n#FNAMN \"" + b"A" * 900_000 + b"\"\r\n"
                     b"#RAR 0 20240101 20241231\r\n#KONTO 1930 Bank\r\n#IB 0 1930 100.00\r\n")  # fmt: skip
    run = cli("import-sie", str(huge))
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and len(run.stderr) < 500
    assert "huge-name.se:4" in run.stderr and "#FNAMN" in run.stderr and "900009 characters" in run.stderr
    assert cli("companies", "--json").json() == []
    (refused,) = [entry for entry in cli("activity", "--json").json() if entry["kind"] == "import"]
    assert refused["status"] == "failed" and "#FNAMN" in refused["message"] and len(refused["message"]) < 500
