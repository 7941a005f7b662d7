"""Walks through the real app in a real terminal (tmux), as accountants over SSH meet it: keys sent the way a
terminal sends them, a burst in one write included, at 80x24 in Swedish and 120x40 in English."""

from __future__ import annotations

import shlex

import pytest

from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.store.db import open_store
from core.store.models import Company
from tests.tui.test_tmux import Tmux, bokslut_command, tmux  # noqa: F401 (the fixture)


def start(tmux: Tmux, data_dir, tmp_path, language: str, size: tuple[int, int]) -> None:  # noqa: F811
    config = tmp_path / "config.toml"
    config.write_text(f'language = "{language}"\n', encoding="utf-8")
    command = ["env", f"BOKSLUT_CONFIG={config}", *bokslut_command(), "--data-dir", str(data_dir)]
    width, height = size
    tmux.run("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "app", shlex.join(command))


@pytest.fixture
def other_company(data_dir, tmp_path):
    """A store with one company that is not Nordljus, so the list has the cursor when the app starts."""
    spec = DemoSpec(name="Fjällgården AB", org_number="556677-8899", years=1, vouchers_per_year=60)
    db = open_store(data_dir / "bokslut.sqlite3")
    import_sie(db, write_demo_sie(spec, tmp_path / "fjallgarden.se"))
    db.close()


def test_a_burst_in_one_write_fills_the_new_company_form_field_by_field(
    tmux, data_dir, tmp_path, other_company  # noqa: F811
):
    start(tmux, data_dir, tmp_path, "sv", (80, 24))
    tmux.wait_for("Fjällgården AB")
    tmux.keys("n")
    tmux.keys("Nordljus Konsult AB\t5561234567", literal=True)  # one write, the Tab inside it
    shown = tmux.wait_for("5561234567")
    assert "Nordljus Konsult AB5561234567" not in shown
    tmux.keys("Enter")
    tmux.wait_for("556123-4567")  # created: the start guide goes on with the new company
    db = open_store(data_dir / "bokslut.sqlite3")
    company = Company.get(Company.org_number == "5561234567")
    assert (company.name, company.org_number) == ("Nordljus Konsult AB", "5561234567")
    db.close()
