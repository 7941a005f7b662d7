"""Every shared real-world SIE file is either read with the counts its README states, or rejected.

The table below is the reader's contract with ../shared/sie/files/README.md: encoding as
detected, #VER/#TRANS/#RTRANS/#BTRANS counts, whether a #KSUMMA was verified, and for rejected
files the line and the problem. Files the README calls "malformed" only because of unbalanced
vouchers are read: balance is an integrity check of the importer, not a reader error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from core.sie.errors import SieError
from core.sie.model import RowKind, Voucher
from core.sie.reader import SieReader, read_sie

SAMPLE_FILES = Path(__file__).resolve().parents[2].parent / "shared" / "sie" / "files"


@dataclass(frozen=True)
class Read:
    encoding: str
    vouchers: int
    trans: int
    rtrans: int = 0
    btrans: int = 0
    ksumma: bool = False
    warning: str = ""  # a text one of the warnings must contain


@dataclass(frozen=True)
class Rejected:
    line: int
    problem: str  # a text the error message must contain


UTF8_WARNING = "not CP437"

EXPECTED: dict[str, Read | Rejected] = {
    "skatasweden__keyholder-plan/SIE4 Exempelfil.SE": Read("cp437", 295, 1330),
    "byrokrat__accounting/BL0001_typ4.SE": Read("cp437", 84, 405, 6, 3),
    "byrokrat__accounting/BL0001_typ4I.SI": Read("cp437", 1, 10, warning="#RAR 0 has no dates"),
    "byrokrat__accounting/BokOrder.si": Read("cp437", 1, 4),
    "byrokrat__accounting/Exempelbolaget_SIE_110322_B_33.si": Read("cp437", 13, 91),
    "byrokrat__accounting/FAKT.SI": Read("cp437", 1, 3),
    "byrokrat__accounting/live2011.se": Read("cp437", 3, 12),
    "byrokrat__accounting/LON Lönekörning.SI": Read("cp437", 1, 25),
    "byrokrat__accounting/Lön.si": Read("cp437", 1, 8),
    "byrokrat__accounting/MAMUT_SIE4_EXPORT.SE": Read("cp437", 168, 458),
    "byrokrat__accounting/Norstedts Bokslut SIE 1.se": Read("cp437", 0, 0, ksumma=True),
    "byrokrat__accounting/Norstedts Bokslut SIE 4I.si": Read("cp437", 2, 4, ksumma=True),
    "byrokrat__accounting/si.SI": Read("cp437", 47, 128),
    "byrokrat__accounting/sie 4.SE": Read("cp437", 20, 76, 1, 1),
    "byrokrat__accounting/SIE1.se": Read("cp437", 0, 0, ksumma=True),
    "byrokrat__accounting/SIE3.se": Read("cp437", 0, 0, ksumma=True),
    "byrokrat__accounting/SIE4 Visma Anläggningsregister.si": Read("cp437", 1, 18),
    "byrokrat__accounting/Sie4.se": Read("cp437", 194, 963),
    "byrokrat__accounting/Sie4.si": Read("cp437", 165, 869),
    "byrokrat__accounting/SIE_2.se": Read("cp437", 0, 0, ksumma=True),
    "byrokrat__accounting/SIE_exempelfil.se": Read("cp437", 26, 148),
    "byrokrat__accounting/transaktioner_ovnbolag.se": Read("cp437", 163, 671),
    "byrokrat__accounting/urval_ovnbolag.si": Read("cp437", 16, 51),
    "idstam__jsisie/HAS4E_1412.Se": Rejected(1, "not a SIE file"),
    "idstam__jsisie/Norstedts%20Revision%20SIE%201.SE": Read("cp437", 0, 0, ksumma=True),
    # SoftOne books on the pseudo-account FEL: kept, with a warning, for the importer to show.
    # It also cuts a text off before its closing quote (line 1041).
    "idstam__jsisie/Sie4.se": Read("cp437", 70, 260, warning="'FEL' is not a number"),
    "idstam__jsisie/SIE4_Exempelfil_med_underdim.SE": Read("utf-8", 295, 1330, warning=UTF8_WARNING),
    # Unbalanced voucher B 1: the importer's integrity check reports it.
    "idstam__jsisie/transaktioner_ovnbolag-bad-balance.se": Read("cp437", 163, 671),
    "blinfo__Sie4j/Arousells_Visning_AB.SE": Read("utf-8", 10, 83, warning=UTF8_WARNING),
    "blinfo__Sie4j/BLBLOV_SIE1_erroneous_leap_year.SE": Rejected(10, "ends (2020-02-28) before it starts"),
    "blinfo__Sie4j/BLBLOV_SIE3_UTF_8_with_vouchers.SE": Read("utf-8", 20, 74, warning="type 3 file should not contain vouchers"),
    "blinfo__Sie4j/BLBLOV_SIE4.SE": Read("cp437", 20, 74),
    "blinfo__Sie4j/BLBLOV_SIE4.SI": Read("cp437", 2, 6),
    "blinfo__Sie4j/BLBLOV_SIE4_ISO_8859_15.SE": Read("cp1252", 20, 74, warning="account before the period"),
    "blinfo__Sie4j/BLBLOV_SIE4_ISO_8859_15.SI": Read("cp1252", 2, 6, warning="CP1252"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8.SI": Read("utf-8", 2, 6, warning=UTF8_WARNING),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_1.SE": Read("utf-8", 20, 74, warning="#PBUDGET rows without an object list"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_IMBALANCED.SI": Read("utf-8", 2, 6),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_12_digit_cid.SI": Read("utf-8", 2, 6),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_8_digit_account_number.SE": Rejected(14, "more than six digits"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_critical_voucher_date_error.SI": Rejected(8, "'rappakalja' is not a date"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_empty_voucher.SE": Read("utf-8", 20, 71, warning="voucher A 2 has no rows"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_empty_voucher_date.SI": Rejected(8, "the date is missing"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_erroneous_taxar.SE": Read("utf-8", 20, 74),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_erroneous_voucher_date.SI": Read("utf-8", 2, 6, warning="has six digits"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_erroneous_voucher_numbers.SI": Read("utf-8", 2, 6),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_WITH_FAULTY_ADDRESS.SI": Read("utf-8", 2, 6),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_faulty_transaction.SI": Rejected(10, "the object list is missing"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_imbalanced_voucher.SE": Read("utf-8", 20, 74),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_iso_voucher_date.SI": Read("utf-8", 1, 3, warning="has dashes"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_missing_account_balance.SE": Rejected(426, "the amount is missing"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_missing_account_numbers.SE": Rejected(14, "the account number is missing"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_missing_company_name.SI": Read("utf-8", 2, 6),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_missing_sru_code.SE": Read("utf-8", 20, 74, warning="#SRU for account 1110 has no code"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_missing_voucher_date.SI": Rejected(8, "the date is missing"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_missing_voucher_series.SE": Read("utf-8", 20, 74, warning="without a series field"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_non_numeric_account_number.SE": Rejected(16, "'11AF' is not numeric"),
    "blinfo__Sie4j/BLBLOV_SIE4_UTF_8_with_unparseable_taxar.SE": Read("utf-8", 20, 74, warning="'CCMXVIII' is not a year"),
    "blinfo__Sie4j/CC2-foretaget.SE": Read("cp437", 5, 19),
    "blinfo__Sie4j/CC3.SI": Read("cp437", 0, 0),
    "blinfo__Sie4j/Quotes_test.si": Read("utf-8", 1, 3),
    "blinfo__Sie4j/SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE": Read("cp437", 1, 3),
    "blinfo__Sie4j/SIE_with_long_voucher_series_number.SE": Read("cp437", 44, 122),
    "blinfo__Sie4j/SIE_with_missing_program_version.se": Read("cp437", 3, 23),
    "blinfo__Sie4j/Testbolaget_Enskild_firma.SE": Read("cp437", 2, 4),
    "blinfo__Sie4j/Transaktioner per Z-rapport.se": Read("cp437", 10, 83),
    "barsoom__sie/sie_file_with_unknown_entries.se": Read("cp437", 2, 5, warning="unknown record #MOMSKOD"),
    "iCalcreator__sie4ito5/Sie4I1.SI": Read("utf-8", 5, 12),
    "iCalcreator__sie4ito5/Sie4I1ksumma.SI": Rejected(63, "declares checksum 123456789, but its content gives 669169992"),
}


def sample(relative: str) -> Path:
    path = SAMPLE_FILES / relative
    if not path.exists():
        pytest.skip(f"{path} is missing: ../shared/sie/files is not beside the checkout")
    return path


def test_the_table_covers_every_sample_file():
    if not SAMPLE_FILES.is_dir():
        pytest.skip(f"{SAMPLE_FILES} is missing: ../shared is not beside the checkout")
    on_disk = {
        str(path.relative_to(SAMPLE_FILES)) for path in SAMPLE_FILES.glob("*/*") if path.is_file()
    }
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("relative", [name for name, want in EXPECTED.items() if isinstance(want, Read)])
def test_accepted_file_reads_with_the_readme_counts(relative: str):
    want = EXPECTED[relative]
    reader = SieReader(sample(relative))
    counts = dict.fromkeys(RowKind, 0)
    vouchers = 0
    for item in reader:
        if isinstance(item, Voucher):
            vouchers += 1
            for row in item.rows:
                counts[row.kind] += 1
    assert reader.encoding == want.encoding
    assert (vouchers, counts[RowKind.TRANS], counts[RowKind.RTRANS], counts[RowKind.BTRANS]) == (
        want.vouchers,
        want.trans,
        want.rtrans,
        want.btrans,
    )
    assert reader.checksum_verified is want.ksumma
    if want.warning:
        assert any(want.warning in str(warning) for warning in reader.warnings), reader.warnings


@pytest.mark.parametrize("relative", [name for name, want in EXPECTED.items() if isinstance(want, Rejected)])
def test_malformed_file_is_rejected_naming_line_and_problem(relative: str):
    want = EXPECTED[relative]
    path = sample(relative)
    with pytest.raises(SieError) as caught:
        for _ in SieReader(path):
            pass
    assert caught.value.line == want.line
    assert want.problem in caught.value.problem
    assert str(path) in str(caught.value)
    assert caught.value.hint


def test_the_same_data_in_three_encodings_reads_the_same():
    documents = [
        read_sie(sample(f"blinfo__Sie4j/{name}"))[0]
        for name in ("BLBLOV_SIE4.SI", "BLBLOV_SIE4_UTF_8.SI", "BLBLOV_SIE4_ISO_8859_15.SI")
    ]
    assert documents[0].header.company_name == "Övningsbolaget AB"
    assert documents[1] == documents[0]
    assert documents[2] == documents[0]


def test_official_sample_details():
    document, _ = read_sie(sample("skatasweden__keyholder-plan/SIE4 Exempelfil.SE"))
    header = document.header
    assert header.flagga == "1"
    assert header.accounts["1060"].name == "Hyresrätt"
    assert header.objects[("6", "0001")]
    assert sorted(header.years) == [-1, 0]
    assert str(header.years[0].start) == "2021-01-01"
    assert sum(row.quantity is not None for voucher in document.vouchers for row in voucher.rows) == 78
    ub = sum(b.amount for b in document.balances if b.kind.value == "UB" and b.year_index == 0)
    assert str(ub) == "1074344.11"
    first = document.vouchers[0]
    assert (first.series, first.number, first.text) == ("A", "1", "Kaffebröd")


def test_escaped_quotes_and_literal_backslashes():
    quotes, _ = read_sie(sample("blinfo__Sie4j/Quotes_test.si"))
    assert quotes.header.program_version == '1.0 - "Oblique Ozelot" - alpha'
    assert quotes.vouchers[0].text == 'Försäljning 25% "DF:157"'
    norstedts, _ = read_sie(sample("idstam__jsisie/Norstedts%20Revision%20SIE%201.SE"))
    assert norstedts.header.program == '"Norstedts Revision"'
    bl, _ = read_sie(sample("byrokrat__accounting/BL0001_typ4.SE"))
    assert any(row.text == "1820\\A012 Cykel" for voucher in bl.vouchers for row in voucher.rows)


def test_rtrans_keeps_its_kind_and_the_mirror_trans_follows():
    document, _ = read_sie(sample("byrokrat__accounting/sie 4.SE"))
    rows = [row for voucher in document.vouchers for row in voucher.rows]
    added = next(index for index, row in enumerate(rows) if row.kind is RowKind.RTRANS)
    mirror = rows[added + 1]
    assert (mirror.kind, mirror.account, mirror.amount) == (RowKind.TRANS, rows[added].account, rows[added].amount)
    assert all(sum(row.amount for row in voucher.transactions()) == 0 for voucher in document.vouchers)


def test_long_object_ids_and_multi_dimension_lists():
    kst, _ = read_sie(sample("blinfo__Sie4j/SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE"))
    assert any(object_id == "1234567891234567999" for _, object_id in kst.header.objects)
    visma, _ = read_sie(sample("byrokrat__accounting/SIE4 Visma Anläggningsregister.si"))
    assert (("1", "Nord"), ("6", "0015")) in {row.objects for row in visma.vouchers[0].rows}


def test_faulty_address_keeps_positions():
    document, _ = read_sie(sample("blinfo__Sie4j/BLBLOV_SIE4_UTF_8_WITH_FAULTY_ADDRESS.SI"))
    assert document.header.address == ("Ada Adamsson", "Fjärde långatan 127", "413 05 Göteborg", "")


def test_mamut_tabs_and_quoted_format():
    document, _ = read_sie(sample("byrokrat__accounting/MAMUT_SIE4_EXPORT.SE"))
    assert document.header.format == "PC8"
    assert document.header.accounts["8999"].name == "Redovisat resultat"


def test_fortnox_2011_header():
    document, _ = read_sie(sample("byrokrat__accounting/Sie4.se"))
    assert document.header.company_name == "Testföretaget AB"
    assert document.header.accounts["1111"].name == "Byggnader på egen mark"
    si, _ = read_sie(sample("byrokrat__accounting/Sie4.si"))
    assert str(si.header.balances_as_of) == "1970-01-01"
    assert si.header.org_number == ""
