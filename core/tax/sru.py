"""The INK2 return as the two SRU files Skatteverket's file transfer takes: INFO.SRU and BLANKETTER.SRU.

Format from shared/reference/tax-ink2-sru.md §11: ISO 8859-1, one record per line ending in CR LF, INFO.SRU's
records in the fixed order of §11.2, BLANKETTER.SRU's blocks INK2, INK2R, INK2S (each `#BLANKETT FORM-YYYYPn`,
`#IDENTITET`, `#NAMN`, 7011/7012, the other fields ascending by code, `#BLANKETTSLUT`) and one `#FIL_SLUT` last.
Before anything is written the return is checked as §9.4 says; a failed check writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from core.errors import BokslutError
from core.scratch import written_whole
from core.store.models import Company, FiscalYear
from core.store.orgnr import check_digit_valid
from core.tax.ink2r import ASSET, CLAIM, table
from core.tax.rules import ink2s_rules

INFO_FILE = "INFO.SRU"
FORMS_FILE = "BLANKETTER.SRU"
ENCODING = "iso-8859-1"  # [V2] K4SRU, VERTEL; Skatteverket's own text not read (§11.1, §13 item 2)
LINE_END = "\r\n"  # [P] CR LF; LF-only uploads have been reported accepted too (§11.1)
LARGEST = 999_999_999_999  # Numeriskt_A/B (§11.4)
X = "X"  # the value of a Str_X field

# Str_X fields (value "X"): INK2S 8040/8041 (uppdragstagare biträtt ja/nej), 8044/8045 (reviderad ja/nej) [V] SKV-FT
STR_X_FIELDS = {"INK2S": frozenset({8040, 8041, 8044, 8045}), "INK2": frozenset({90})}

# Pairs of which at most one may be non-zero [V] SKV-FT rules (§9.4 rule 5)
EXCLUSIVE = {
    "INK2R": ((7450, 7550),),
    "INK2S": ((7650, 7750), (7670, 7770), (8040, 8041), (8044, 8045)),
    "INK2": ((7132, 7133),),
}
# INK2S 4.1/4.2 and 4.15/4.16 (§4), the codes the checks compare with INK2R and INK2.
SHEET_PROFIT, SHEET_LOSS, SHEET_SURPLUS, SHEET_DEFICIT = 7650, 7750, 7670, 7770


@dataclass(frozen=True, slots=True)
class Submitter:
    """The medieleverantör of INFO.SRU: the company itself or the accounting firm that files for it (§11.2)."""

    number: str  # organisationsnummer (10 or 12 digits) or a personnummer with its century (12 digits)
    name: str
    postal_code: str  # five digits, a space inside is allowed ("111 22")
    city: str
    address: str = ""
    department: str = ""
    contact: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""


@dataclass(frozen=True, slots=True)
class SruFiles:
    info: Path
    forms: Path

    def to_json(self) -> dict:
        return {"info": str(self.info), "forms": str(self.forms)}


def _error(message: str, key: str, **params: object) -> BokslutError:
    return BokslutError(message, key=key, params=params)


# --- numbers and periods -----------------------------------------------------------------------------------------


def identity_number(number: str) -> str:
    """The 12-digit form SRU files want (§11.2, §11.3): "16" + a 10-digit organisationsnummer, or a personnummer
    given with its century (19/20). A 10-digit personnummer is refused: its century cannot be known."""
    digits = re.sub(r"[\s-]", "", number or "")
    if len(digits) == 12 and digits[:2] in ("16", "19", "20") and digits.isdigit():
        ten = digits[2:]
        legal_person = digits[:2] == "16"
    elif len(digits) == 10 and digits.isdigit():
        ten, legal_person = digits, digits[2] >= "2"  # an organisationsnummer's month digits are 20 or more
        if not legal_person:
            raise _error(
                f"{number} looks like a personnummer: give it with its century (ÅÅÅÅMMDDNNNN)",
                "tax.sru_personnummer_century",
                number=number,
            )
        digits = "16" + digits
    else:
        raise _error(
            f"{number!r} is not an organisationsnummer or personnummer for an SRU file",
            "tax.sru_bad_number",
            number=number,
        )
    if not check_digit_valid(ten) or legal_person != (ten[2] >= "2"):
        raise _error(
            f"{number} is not a valid organisationsnummer or personnummer", "tax.sru_bad_number", number=number
        )
    return digits


def period_suffix(last_day: dt.date) -> str:
    """`YYYYPn` of the beskattningsperiod the fiscal year's last day falls in [V] SKV-FT, SKV-N25 (§2.1)."""
    month = last_day.month
    part = 1 if month <= 4 else 2 if month <= 6 else 3 if month <= 8 else 4
    return f"{last_day.year}P{part}"


# --- the checks (§9.4) -------------------------------------------------------------------------------------------


def _differs(key: str, what: str, field: str, amount: int, other_field: str, other: int) -> BokslutError:
    """One failed rule of §9.4: its own key, the two fields and both amounts."""
    return _error(
        f"{what}: {field} is {amount} but {other_field} is {other}; nothing was written",
        key,
        field=field,
        amount=amount,
        other_field=other_field,
        other=other,
    )


def check_return(ink2: Mapping[int, int], ink2r: Mapping[int, int], ink2s: Mapping[int, int | str]) -> None:
    """Raise BokslutError on the first rule of §9.4 the return breaks, naming the fields and both amounts."""
    spec = table()
    forms = {"INK2": ink2, "INK2R": ink2r, "INK2S": ink2s}
    never_negative = {
        "INK2": None,  # every field of page 1
        "INK2R": spec.type_b_codes,
        "INK2S": frozenset(int(rule.code) for rule in ink2s_rules().values() if rule.never_negative),
    }
    for form, fields in forms.items():
        for code, value in fields.items():
            _check_value(form, code, value, never_negative[form] is None or code in never_negative[form])
        for first, second in EXCLUSIVE[form]:
            if fields.get(first) and fields.get(second):
                raise _error(
                    f"{form} has both {first} and {second}; at most one of them may be filled in",
                    "tax.sru_both_fields",
                    form=form,
                    field=str(first),
                    other_field=str(second),
                )
    assets = sum(v for c, v in ink2r.items() if spec.fields.get(c) and spec.fields[c].kind == ASSET)
    claims = sum(v for c, v in ink2r.items() if spec.fields.get(c) and spec.fields[c].kind == CLAIM)
    if assets != claims:
        raise _differs("tax.sru_balance_sheet_differs", "the balance sheet does not balance", "INK2R 2.1-2.26", assets, "INK2R 2.27-2.50", claims)
    result = ink2r.get(spec.profit, 0) - ink2r.get(spec.loss, 0)
    computed = sum(v for c, v in ink2r.items() if c in spec.income_codes) - sum(
        v for c, v in ink2r.items() if c in spec.cost_codes
    )
    if result != computed:
        raise _differs("tax.sru_result_not_its_sum", "INK2R's result is not its fields' sum", "INK2R 3.26-3.27", result, "INK2R 3.1-3.25", computed)
    for code, sheet_code, name in ((spec.profit, SHEET_PROFIT, "3.26/4.1"), (spec.loss, SHEET_LOSS, "3.27/4.2")):
        if ink2r.get(code, 0) != ink2s.get(sheet_code, 0):
            raise _differs(
                "tax.sru_result_differs_from_sheet",
                f"INK2R's result differs from the tax computation's ({name})",
                f"INK2R {code}", ink2r.get(code, 0), f"INK2S {sheet_code}", ink2s.get(sheet_code, 0),
            )
    main = spec.ink2
    deficit = ink2s.get(SHEET_DEFICIT, 0) + sum(ink2s.get(code, 0) for code in main["sheet_deficit_added"])
    for code, amount, sheet_field in (
        (main["surplus"], ink2s.get(SHEET_SURPLUS, 0), f"INK2S {SHEET_SURPLUS}"),
        (main["deficit"], deficit, f"INK2S {SHEET_DEFICIT}"),
    ):
        if ink2.get(code, 0) != amount:
            raise _differs(
                "tax.sru_main_form_differs_from_sheet",
                "the main form's surplus or deficit differs from the tax computation's",
                f"INK2 {code}", ink2.get(code, 0), sheet_field, amount,
            )
    # §9.4 rule 8: 4.15/4.16 is the signed sum of the fields above it (the signs as §4 prints them)
    summed = sum(
        (1 if rule.sign == "+" else -1) * ink2s.get(int(rule.code), 0)
        for rule in ink2s_rules().values()
        if rule.sign in "+-" and int(rule.code) not in (SHEET_SURPLUS, SHEET_DEFICIT)
    )
    stated = ink2s.get(SHEET_SURPLUS, 0) - ink2s.get(SHEET_DEFICIT, 0)
    if summed != stated:
        raise _differs(
            "tax.sru_surplus_not_its_sum", "INK2S's surplus or deficit is not its fields' sum",
            "INK2S 4.15-4.16", stated, "INK2S 4.1-4.14c", summed,
        )


def _check_value(form: str, code: int, value: object, never_negative: bool) -> None:
    if code in STR_X_FIELDS.get(form, ()):
        if value not in (X, "", None):
            raise _error(f"{form} {code} takes X or nothing, not {value!r}", "tax.sru_bad_value", form=form,
                         field=str(code), value=str(value))
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(f"{form} {code} must be whole kronor, not {value!r}", "tax.sru_bad_value", form=form,
                     field=str(code), value=str(value))
    if abs(value) > LARGEST or (never_negative and value < 0):
        raise _error(
            f"{form} {code} cannot be {value}" + (" (this field is never negative)" if value < 0 else ""),
            "tax.sru_out_of_range",
            form=form,
            field=str(code),
            amount=value,
        )


# --- the files ---------------------------------------------------------------------------------------------------


def _text(value: str, what: str) -> str:
    """A free-text field: one line, and every character must exist in ISO 8859-1."""
    text = " ".join(value.split())
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        raise _error(
            f"{what} {value!r} has a character that ISO 8859-1 (the SRU files' encoding) cannot hold",
            "tax.sru_not_latin1",
            value=value,
        ) from None
    return text


def _lines(records: list[str]) -> bytes:
    return "".join(record + LINE_END for record in records).encode(ENCODING)


def info_sru(submitter: Submitter, created: dt.datetime, program: str = "", media_id: str = "") -> bytes:
    """INFO.SRU: records in the order of §11.2; optional ones only when given."""
    postal_code = re.sub(r"\s", "", submitter.postal_code)
    if not re.fullmatch(r"\d{5}", postal_code, re.ASCII):
        raise _error(f"postnummer {submitter.postal_code!r} is not five digits", "tax.sru_bad_postal_code",
                     postal_code=submitter.postal_code)
    name, city = _text(submitter.name, "the submitter's name"), _text(submitter.city, "the submitter's postort")
    if not name or not city:
        raise _error("INFO.SRU needs the submitter's name and postort", "tax.sru_submitter_missing")

    def optional(keyword: str, value: str, what: str) -> list[str]:
        return [f"{keyword} {_text(value, what)}"] if value.strip() else []

    return _lines([
        "#DATABESKRIVNING_START",
        "#PRODUKT SRU",
        *optional("#MEDIAID", media_id, "the media id"),
        f"#SKAPAD {created:%Y%m%d %H%M%S}",
        *optional("#PROGRAM", program, "the program name"),
        f"#FILNAMN {FORMS_FILE}",
        "#DATABESKRIVNING_SLUT",
        "#MEDIELEV_START",
        f"#ORGNR {identity_number(submitter.number)}",
        f"#NAMN {name}",
        *optional("#ADRESS", submitter.address, "the address"),
        f"#POSTNR {postal_code}",
        f"#POSTORT {city}",
        *optional("#AVDELNING", submitter.department, "the department"),
        *optional("#KONTAKT", submitter.contact, "the contact"),
        *optional("#EMAIL", submitter.email, "the e-mail address"),
        *optional("#TELEFON", submitter.phone, "the telephone number"),
        *optional("#FAX", submitter.fax, "the fax number"),
        "#MEDIELEV_SLUT",
    ])


def blanketter_sru(
    org_number: str,
    company_name: str,
    first_day: dt.date,
    last_day: dt.date,
    forms: Mapping[str, Mapping[int, int | str]],
    created: dt.datetime,
) -> bytes:
    """BLANKETTER.SRU: one block per form in the order given (INK2, INK2R, INK2S), zero fields left out (§11.3)."""
    spec = table()
    identity = identity_number(org_number)
    suffix = period_suffix(last_day)
    name = _text(company_name, "the company's name")
    records: list[str] = []
    for form, fields in forms.items():
        if spec.first_day in fields or spec.last_day in fields:
            raise ValueError(f"{form}: 7011/7012 come from the fiscal year, not from the fields")
        records += [
            f"#BLANKETT {form}-{suffix}",
            f"#IDENTITET {identity} {created:%Y%m%d %H%M%S}",
            *([f"#NAMN {name}"] if name else []),
            f"#UPPGIFT {spec.first_day} {first_day:%Y%m%d}",
            f"#UPPGIFT {spec.last_day} {last_day:%Y%m%d}",
            *(f"#UPPGIFT {code} {value}" for code, value in sorted(fields.items()) if value not in (0, "", None)),
            "#BLANKETTSLUT",
        ]
    records.append("#FIL_SLUT")
    return _lines(records)


def write_sru(
    directory: Path,
    company: Company,
    fiscal_year: FiscalYear,
    ink2r: Mapping[int, int],
    ink2s: Mapping[int, int | str],
    ink2: Mapping[int, int],
    submitter: Submitter,
    program: str,
    created: dt.datetime,
    overwrite: bool = False,
) -> SruFiles:
    """Check the return (§9.4) and write INFO.SRU and BLANKETTER.SRU into `directory`, each through a private
    part renamed into place (mode 0600: a tax return is personal data; core.scratch). Nothing is written when a check
    fails, or when a file is already there and `overwrite` is False."""
    if not company.org_number:
        raise _error(f"{company.name} has no organisation number; an SRU file needs one", "tax.sru_no_org_number",
                     company=company.name)
    directory = Path(directory)
    paths = SruFiles(directory / INFO_FILE, directory / FORMS_FILE)
    if not overwrite:
        for path in (paths.info, paths.forms):
            if path.exists():
                raise _error(f"{path} already exists; allow overwriting to replace it", "tax.sru_file_exists",
                             path=str(path))
    check_return(ink2, ink2r, ink2s)
    contents = {
        paths.forms: blanketter_sru(
            company.org_number,
            company.name,
            fiscal_year.start,
            fiscal_year.end,
            {"INK2": ink2, "INK2R": ink2r, "INK2S": ink2s},
            created,
        ),
        paths.info: info_sru(submitter, created, program),
    }
    with ExitStack() as files:  # both are written before either replaces its file; a failure replaces neither
        for path, data in contents.items():
            files.enter_context(written_whole(path)).write(data)
    return paths
