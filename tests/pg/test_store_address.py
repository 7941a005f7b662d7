"""Choosing the store: `BOKSLUT_DATABASE_URL` or `database_url` in the config file, SQLite or PostgreSQL. A wrong
address is one clear line, and a password in it is never shown."""

from __future__ import annotations

from core.config import load_settings
from tests.fortnox.conftest import free_port


def test_the_config_file_names_the_store_and_the_environment_wins(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "from-config.sqlite3"}"\n')
    settings = load_settings(str(tmp_path / "data"), str(config), environ={})
    assert str(settings.store) == f"sqlite:///{tmp_path / 'from-config.sqlite3'}"
    settings = load_settings(str(tmp_path / "data"), str(config), environ={"BOKSLUT_DATABASE_URL": "postgresql://x/y"})
    assert settings.store == "postgresql://x/y"
    (tmp_path / "empty.toml").touch()
    assert load_settings(str(tmp_path / "data"), str(tmp_path / "empty.toml"), environ={}).store == (
        tmp_path / "data" / "bokslut.sqlite3"
    )


def test_a_sqlite_address_is_used_as_given(cli, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "books.sqlite3"
    cli.store = elsewhere
    added = cli("company", "add", "--org-number", "556123-4567", "--name", "Nordljus Konsult AB")
    assert added.returncode == 0, added.stderr
    assert elsewhere.exists() and not (cli.data_dir / "bokslut.sqlite3").exists()
    assert "Nordljus" in cli("companies").stdout


def test_an_unknown_scheme_is_refused_in_one_line(cli):
    cli.store = "mysql://user@host/books"
    run = cli("companies")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert "must start with sqlite:/// or postgresql://" in run.stderr


def test_an_unreachable_server_is_one_line_without_the_password(cli):
    cli.store = f"postgresql://anna:hemligt-lösen@127.0.0.1:{free_port()}/bokslut"
    for args in (("companies",), ()):  # the CLI, and the app at start-up
        run = cli(*args)
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith("bokslut: postgresql://anna@127.0.0.1:")
        assert "cannot open the store" in run.stderr and "BOKSLUT_DATABASE_URL" in run.stderr
        assert "hemligt" not in run.stderr + run.stdout and "Traceback" not in run.stderr
        assert not (cli.data_dir / "crash.log").exists()
