"""The SRU files: the reference's Case A (tax-ink2-sru.md §4, §11.5) end to end and byte for byte, read back by a
reader written here, and the checks that keep a wrong return from being written at all."""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import BokslutError
from core.tax.ink2r import ink2_fields, ink2r_from_balances
from core.tax.sru import Submitter, blanketter_sru, identity_number, period_suffix, write_sru

CREATED = dt.datetime(2026, 3, 15, 10, 15, 0)

# Case A's books after closing, in kronor (debit +). Chosen so that each INK2R field of §11.5 comes out of its
# own accounts; 2510 nets to a debit of 699 (F-tax paid 90 000 − tax 89 301), the receivable 2.21 of the example.
CASE_A_BALANCES = {
    "1510": "150000.40",
    "1930": "635383.60",
    "2510": "699.00",
    "2081": "-25000.00",
    "2091": "-180000.00",  # the year's result 331 583 is not transferred yet: 2.28 = 180 000 + 331 583
    "2125": "-144500.00",
    "2440": "-40000.00",
    "2710": "-55000.00",
    "2990": "-10000.00",
    "3010": "-1400816.00",
    "8314": "-1200.00",
    "5010": "192000.00",
    "6072": "8000.00",
    "6992": "2500.00",
    "7010": "630816.00",
    "7632": "3000.00",
    "8423": "316.00",
    "8811": "144500.00",
    "8910": "89301.00",
}

# INK2S of Case A as §11.5 lists it: 4.1, 4.3a, 4.3c, 4.15, 4.5c and the two Nej boxes.
CASE_A_INK2S = {7650: 331583, 7651: 89301, 7653: 13816, 7670: 433500, 7754: 1200, 8041: "X", 8045: "X"}

# §11.5, copied line by line from the reference.
CASE_A_INFO = """#DATABESKRIVNING_START
#PRODUKT SRU
#SKAPAD 20260315 101500
#PROGRAM Exempelprogram 1.0
#FILNAMN BLANKETTER.SRU
#DATABESKRIVNING_SLUT
#MEDIELEV_START
#ORGNR 165561234567
#NAMN Exempelbolaget AB
#POSTNR 11122
#POSTORT Stockholm
#MEDIELEV_SLUT"""

CASE_A_BLANKETTER = """#BLANKETT INK2-2025P4
#IDENTITET 165561234567 20260315 101500
#NAMN Exempelbolaget AB
#UPPGIFT 7011 20250101
#UPPGIFT 7012 20251231
#UPPGIFT 7104 433500
#BLANKETTSLUT
#BLANKETT INK2R-2025P4
#IDENTITET 165561234567 20260315 101500
#NAMN Exempelbolaget AB
#UPPGIFT 7011 20250101
#UPPGIFT 7012 20251231
#UPPGIFT 7251 150000
#UPPGIFT 7261 699
#UPPGIFT 7281 635384
#UPPGIFT 7301 25000
#UPPGIFT 7302 511583
#UPPGIFT 7321 144500
#UPPGIFT 7365 40000
#UPPGIFT 7369 55000
#UPPGIFT 7370 10000
#UPPGIFT 7410 1400816
#UPPGIFT 7417 1200
#UPPGIFT 7450 331583
#UPPGIFT 7513 202500
#UPPGIFT 7514 633816
#UPPGIFT 7522 316
#UPPGIFT 7525 144500
#UPPGIFT 7528 89301
#BLANKETTSLUT
#BLANKETT INK2S-2025P4
#IDENTITET 165561234567 20260315 101500
#NAMN Exempelbolaget AB
#UPPGIFT 7011 20250101
#UPPGIFT 7012 20251231
#UPPGIFT 7650 331583
#UPPGIFT 7651 89301
#UPPGIFT 7653 13816
#UPPGIFT 7670 433500
#UPPGIFT 7754 1200
#UPPGIFT 8041 X
#UPPGIFT 8045 X
#BLANKETTSLUT
#FIL_SLUT"""


def _file_bytes(text: str) -> bytes:
    """Each record ends in CR LF, the last one too; ISO 8859-1 (§11.1)."""
    return "".join(line + "\r\n" for line in text.split("\n")).encode("iso-8859-1")


@dataclass
class _Company:  # the two attributes write_sru reads from a store company
    name: str
    org_number: str | None


@dataclass
class _Year:
    start: dt.date
    end: dt.date


CASE_A_COMPANY = _Company("Exempelbolaget AB", "5561234567")
CASE_A_YEAR = _Year(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
CASE_A_SUBMITTER = Submitter("556123-4567", "Exempelbolaget AB", "111 22", "Stockholm")


def _case_a_ink2r() -> dict[int, int]:
    closing = {account: int(Decimal(amount) * 100) for account, amount in CASE_A_BALANCES.items()}
    return dict(ink2r_from_balances(closing, {}).fields)


def _write(directory: Path, ink2r=None, ink2s=None, ink2=None, overwrite=False):
    ink2s = CASE_A_INK2S if ink2s is None else ink2s
    return write_sru(
        directory,
        CASE_A_COMPANY,
        CASE_A_YEAR,
        _case_a_ink2r() if ink2r is None else ink2r,
        ink2s,
        ink2_fields(ink2s) if ink2 is None else ink2,
        CASE_A_SUBMITTER,
        "Exempelprogram 1.0",
        CREATED,
        overwrite=overwrite,
    )


# --- an independent reader -----------------------------------------------------------------------------------


def _read_forms(data: bytes) -> dict[str, dict]:
    """BLANKETTER.SRU by the grammar of §11.3: {form name: {"identity": [...], "name": ..., "fields": {...}}}."""
    text = data.decode("iso-8859-1")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    records = text.split("\r\n")[:-1]
    assert records[-1] == "#FIL_SLUT" and records.count("#FIL_SLUT") == 1
    forms: dict[str, dict] = {}
    current = None
    for record in records[:-1]:
        keyword, _, rest = record.partition(" ")
        if keyword == "#BLANKETT":
            assert current is None, "a block opened inside a block"
            current = forms.setdefault(rest, {"fields": {}})
        elif keyword == "#BLANKETTSLUT":
            current = None
        elif keyword == "#IDENTITET":
            current["identity"] = rest.split(" ")
        elif keyword == "#NAMN":
            current["name"] = rest
        elif keyword == "#UPPGIFT":
            code, value = rest.split(" ")
            assert code not in current["fields"], f"{code} twice"
            current["fields"][code] = value
        else:
            raise AssertionError(f"unexpected record {record!r}")
    assert current is None, "the last block is not closed"
    return forms


def _read_info(data: bytes) -> list[tuple[str, str]]:
    return [tuple(line.partition(" ")[::2]) for line in data.decode("iso-8859-1").split("\r\n")[:-1]]


# --- Case A ------------------------------------------------------------------------------------------------


def test_case_a_files_are_the_references_byte_for_byte(tmp_path):
    files = _write(tmp_path)
    assert files.info.read_bytes() == _file_bytes(CASE_A_INFO)
    assert files.forms.read_bytes() == _file_bytes(CASE_A_BLANKETTER)
    assert stat.S_IMODE(files.info.stat().st_mode) == 0o600
    assert stat.S_IMODE(files.forms.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["BLANKETTER.SRU", "INFO.SRU"]  # no temporaries left


def test_case_a_read_back_satisfies_the_references_checks(tmp_path):
    files = _write(tmp_path)
    forms = _read_forms(files.forms.read_bytes())
    assert list(forms) == ["INK2-2025P4", "INK2R-2025P4", "INK2S-2025P4"]
    for block in forms.values():
        number, date, time = block["identity"]
        assert number == "165561234567" and (date, time) == ("20260315", "101500")
        assert block["fields"]["7011"] == "20250101" and block["fields"]["7012"] == "20251231"
    fields = forms["INK2R-2025P4"]["fields"]
    r = {int(code): int(value) for code, value in fields.items() if code not in ("7011", "7012")}
    assets = sum(v for c, v in r.items() if 7200 <= c < 7300)
    claims = sum(v for c, v in r.items() if 7300 <= c < 7400)
    assert assets == claims == 786083
    income = r[7410] + r[7417]
    costs = r[7513] + r[7514] + r[7522] + r[7525] + r[7528]
    assert income - costs == r[7450] == int(forms["INK2S-2025P4"]["fields"]["7650"]) == 331583
    assert forms["INK2-2025P4"]["fields"]["7104"] == forms["INK2S-2025P4"]["fields"]["7670"] == "433500"
    info = _read_info(files.info.read_bytes())
    assert info[0] == ("#DATABESKRIVNING_START", "") and info[-1] == ("#MEDIELEV_SLUT", "")
    assert ("#ORGNR", "165561234567") in info and ("#FILNAMN", "BLANKETTER.SRU") in info


def test_names_are_written_in_iso_8859_1(tmp_path):
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    data = blanketter_sru("5561234567", "Åkeri Öst AB", *year, {"INK2": {}}, CREATED)
    assert "#NAMN Åkeri Öst AB\r\n".encode("iso-8859-1") in data
    assert "Åkeri".encode("utf-8") not in data


def test_a_name_outside_latin_1_is_refused():
    with pytest.raises(BokslutError) as error:
        blanketter_sru("5561234567", "Ωmega AB", dt.date(2025, 1, 1), dt.date(2025, 12, 31), {"INK2": {}}, CREATED)
    assert error.value.key == "tax.sru_not_latin1"


# --- periods and numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_day", "suffix"),
    [
        ("2026-01-31", "2026P1"),
        ("2026-04-30", "2026P1"),
        ("2026-05-31", "2026P2"),
        ("2026-06-30", "2026P2"),
        ("2025-07-31", "2025P3"),
        ("2025-08-31", "2025P3"),
        ("2025-09-30", "2025P4"),
        ("2025-12-31", "2025P4"),
    ],
)
def test_period_suffix_follows_the_last_day(last_day, suffix):
    assert period_suffix(dt.date.fromisoformat(last_day)) == suffix


@pytest.mark.parametrize(
    ("given", "identity"),
    [
        ("556123-4567", "165561234567"),
        ("5561234567", "165561234567"),
        ("16556123-4567", "165561234567"),
        ("19121212-1212", "191212121212"),  # Skatteverket's test personnummer, given with its century
        ("20121212-1212", "201212121212"),
    ],
)
def test_identity_has_twelve_digits(given, identity):
    assert identity_number(given) == identity


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("121212-1212", "tax.sru_personnummer_century"),
        ("556123-4568", "tax.sru_bad_number"),  # Luhn check digit wrong
        ("16121212-1212", "tax.sru_bad_number"),  # 16 is for legal persons, whose month digits are 20 or more
        ("19556123-4567", "tax.sru_bad_number"),
        ("", "tax.sru_bad_number"),
    ],
)
def test_identity_refuses_what_it_cannot_know(given, key):
    with pytest.raises(BokslutError) as error:
        identity_number(given)
    assert error.value.key == key


# --- the checks: a failed one writes nothing -----------------------------------------------------------------


def _refused(tmp_path, **changes) -> BokslutError:
    with pytest.raises(BokslutError) as error:
        _write(tmp_path, **changes)
    assert list(tmp_path.iterdir()) == []
    return error.value


def test_unbalanced_balance_sheet_writes_nothing(tmp_path):
    ink2r = _case_a_ink2r()
    ink2r[7281] += 1
    error = _refused(tmp_path, ink2r=ink2r)
    assert error.key == "tax.sru_balance_sheet_differs"
    assert (error.params["amount"], error.params["other"]) == (786084, 786083)
    assert "786084" in str(error) and "786083" in str(error)


def test_ink2r_result_differing_from_the_sheet_writes_nothing(tmp_path):
    ink2s = {**CASE_A_INK2S, 7650: 331582}
    error = _refused(tmp_path, ink2s=ink2s, ink2={7104: 433500})
    assert error.key == "tax.sru_result_differs_from_sheet"
    assert (error.params["field"], error.params["amount"]) == ("INK2R 7450", 331583)
    assert (error.params["other_field"], error.params["other"]) == ("INK2S 7650", 331582)


def test_main_form_differing_from_the_sheet_writes_nothing(tmp_path):
    error = _refused(tmp_path, ink2={7104: 433490})
    assert error.key == "tax.sru_main_form_differs_from_sheet"
    assert (error.params["field"], error.params["amount"]) == ("INK2 7104", 433490)
    assert (error.params["other_field"], error.params["other"]) == ("INK2S 7670", 433500)


def test_ink2r_fields_not_adding_up_to_its_result_write_nothing(tmp_path):
    ink2r = _case_a_ink2r()
    ink2r[7513] += 10
    ink2r[7281] -= 10
    ink2r[7302] -= 10  # still balances; only the income statement is off
    error = _refused(tmp_path, ink2r=ink2r)
    assert error.key == "tax.sru_result_not_its_sum"
    assert (error.params["amount"], error.params["other"]) == (331583, 331573)


def test_both_surplus_and_deficit_write_nothing(tmp_path):
    error = _refused(tmp_path, ink2s={**CASE_A_INK2S, 7770: 5}, ink2={7104: 433500, 7114: 5})
    assert error.key == "tax.sru_both_fields" and error.params["field"] == "7670"


def test_a_negative_type_b_field_writes_nothing(tmp_path):
    error = _refused(tmp_path, ink2={7104: 433500, 7132: -1})
    assert error.key == "tax.sru_out_of_range" and error.params["field"] == "7132"


def test_a_negative_type_b_field_of_the_sheet_writes_nothing(tmp_path):
    """INK2S 4.14a (7763, last year's underskott) is type B (§4): never negative, so never written as such."""
    error = _refused(tmp_path, ink2s={**CASE_A_INK2S, 7763: -50000})
    assert error.key == "tax.sru_out_of_range" and (error.params["form"], error.params["field"]) == ("INK2S", "7763")


def test_a_surplus_that_is_not_its_fields_sum_writes_nothing(tmp_path):
    """§9.4 rule 8. Case A: 331 583 + 89 301 + 13 816 - 1 200 = 433 500 = 4.15; one krona more on 4.3c is 433 501."""
    error = _refused(tmp_path, ink2s={**CASE_A_INK2S, 7653: 13817})
    assert error.key == "tax.sru_surplus_not_its_sum"
    assert (error.params["amount"], error.params["other"]) == (433500, 433501)


def test_a_fraction_of_a_krona_writes_nothing(tmp_path):
    error = _refused(tmp_path, ink2s={**CASE_A_INK2S, 7653: Decimal("13816.50")})
    assert error.key == "tax.sru_bad_value"


# --- never overwriting unasked -------------------------------------------------------------------------------


def test_existing_file_is_not_overwritten_unless_allowed(tmp_path):
    (tmp_path / "INFO.SRU").write_bytes(b"an earlier return")
    with pytest.raises(BokslutError) as error:
        _write(tmp_path)
    assert error.value.key == "tax.sru_file_exists" and error.value.params["path"] == str(tmp_path / "INFO.SRU")
    assert (tmp_path / "INFO.SRU").read_bytes() == b"an earlier return"
    assert not (tmp_path / "BLANKETTER.SRU").exists()
    _write(tmp_path, overwrite=True)
    assert (tmp_path / "INFO.SRU").read_bytes() == _file_bytes(CASE_A_INFO)
    assert (tmp_path / "BLANKETTER.SRU").read_bytes() == _file_bytes(CASE_A_BLANKETTER)


def test_company_without_organisation_number_is_refused(tmp_path):
    with pytest.raises(BokslutError) as error:
        write_sru(tmp_path, _Company("Utan AB", None), CASE_A_YEAR, {}, {}, {}, CASE_A_SUBMITTER, "", CREATED)
    assert error.value.key == "tax.sru_no_org_number"
    assert list(tmp_path.iterdir()) == []
