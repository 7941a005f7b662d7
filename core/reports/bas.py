"""The BAS grouping of the statements, as data: which accounts make up which line, in K2-style headings.

An account belongs to the line whose prefix is its longest match over the whole statement, so a line
for "881" takes 8810-8819 and a line for "88" takes the rest of 88xx. Accounts that no line of a
statement claims and that are not excluded are reported as a note, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    """One amount: the sum of the accounts whose number starts with one of the prefixes.

    `with_result`: the line also holds the year's result not yet booked to equity (the result accounts'
    balance), as the balance sheet's Årets resultat does while the year is open. `always`: shown even
    when it is zero in both years.
    """

    key: str
    heading: str
    prefixes: tuple[str, ...]
    with_result: bool = False
    always: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """A heading, its items and a total row; hidden when every line in it is zero in both years unless `always`."""

    key: str
    heading: str
    items: tuple[Line | Group, ...]
    total: str
    always: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """A running result (Rörelseresultat, Årets resultat): the sum of earlier items, by key."""

    key: str
    heading: str
    of: tuple[str, ...]


Item = Line | Group | Result


@dataclass(frozen=True, slots=True)
class Statement:
    key: str
    title: str
    items: tuple[Item, ...]
    classes: tuple[str, ...]  # the account classes the statement covers; others are not its business
    excluded: tuple[str, ...] = ()  # prefixes within those classes that the statement leaves out on purpose
    balances: tuple[str, str] | None = None  # two keys whose totals must be equal (assets, equity and debts)


# Accounts of these classes are shown with the books' sign (debit positive); all others with the sign turned,
# so income, equity and liabilities come out positive and costs negative.
DEBIT_POSITIVE_CLASSES = ("1",)

# The result accounts whose balance is the year's result (8999 included: booking the result moves it to 2099).
RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")


def _span(first: int, last: int) -> tuple[str, ...]:
    return tuple(str(number) for number in range(first, last + 1))


INCOME_STATEMENT = Statement(
    key="income-statement",
    title="Resultaträkning",
    classes=RESULT_CLASSES,
    # 8999 Årets resultat is the booking that moves the result to the balance sheet, not a cost or an income.
    excluded=("8999",),
    items=(
        Group(
            "rorelseintakter",
            "Rörelseintäkter, lagerförändringar m.m.",
            (
                Line("nettoomsattning", "Nettoomsättning", _span(30, 37), always=True),
                Line("aktiverat_arbete", "Aktiverat arbete för egen räkning", ("38",)),
                Line("ovriga_rorelseintakter", "Övriga rörelseintäkter", ("39",)),
            ),
            "Summa rörelseintäkter, lagerförändringar m.m.",
            always=True,
        ),
        Group(
            "rorelsekostnader",
            "Rörelsekostnader",
            (
                Line("varor", "Råvaror, förnödenheter och handelsvaror", _span(40, 49)),
                Line("externa_kostnader", "Övriga externa kostnader", _span(50, 69)),
                Line("personalkostnader", "Personalkostnader", _span(70, 76)),
                Line(
                    "avskrivningar",
                    "Av- och nedskrivningar av materiella och immateriella anläggningstillgångar",
                    ("77", "78"),
                ),
                Line("ovriga_rorelsekostnader", "Övriga rörelsekostnader", ("79",)),
            ),
            "Summa rörelsekostnader",
            always=True,
        ),
        Result("rorelseresultat", "Rörelseresultat", ("rorelseintakter", "rorelsekostnader")),
        Group(
            "finansiella_poster",
            "Finansiella poster",
            (
                Line("koncernforetag", "Resultat från andelar i koncernföretag", ("80",)),
                Line(
                    "intresseforetag",
                    "Resultat från andelar i intresseföretag och gemensamt styrda företag",
                    ("81",),
                ),
                Line(
                    "finansiella_anlaggningstillgangar",
                    "Resultat från övriga finansiella anläggningstillgångar",
                    ("82",),
                ),
                Line("ranteintakter", "Övriga ränteintäkter och liknande resultatposter", ("83",)),
                Line("rantekostnader", "Räntekostnader och liknande resultatposter", ("84",)),
                Line("ovriga_finansiella", "Övriga finansiella poster", ("85", "86", "87")),
            ),
            "Summa finansiella poster",
        ),
        Result(
            "resultat_efter_finansiella_poster",
            "Resultat efter finansiella poster",
            ("rorelseresultat", "finansiella_poster"),
        ),
        Group(
            "bokslutsdispositioner",
            "Bokslutsdispositioner",
            (
                Line("periodiseringsfonder", "Förändring av periodiseringsfonder", ("881",)),
                Line("mottagna_koncernbidrag", "Erhållna koncernbidrag", ("882",)),
                Line("lamnade_koncernbidrag", "Lämnade koncernbidrag", ("883",)),
                Line("overavskrivningar", "Förändring av överavskrivningar", ("885",)),
                Line("ovriga_bokslutsdispositioner", "Övriga bokslutsdispositioner", ("88",)),
            ),
            "Summa bokslutsdispositioner",
        ),
        Result(
            "resultat_fore_skatt",
            "Resultat före skatt",
            ("resultat_efter_finansiella_poster", "bokslutsdispositioner"),
        ),
        Line("skatt", "Skatt på årets resultat", ("89",), always=True),
        Line("ovriga_skatter", "Övriga skatter", ("898",)),
        Result("arets_resultat", "Årets resultat", ("resultat_fore_skatt", "skatt", "ovriga_skatter")),
    ),
)


BALANCE_SHEET = Statement(
    key="balance-sheet",
    title="Balansräkning",
    classes=("1", "2"),
    balances=("tillgangar", "eget_kapital_och_skulder"),
    items=(
        Group(
            "tillgangar",
            "Tillgångar",
            (
                Group(
                    "anlaggningstillgangar",
                    "Anläggningstillgångar",
                    (
                        Line("immateriella", "Immateriella anläggningstillgångar", ("10",)),
                        Line("materiella", "Materiella anläggningstillgångar", ("11", "12")),
                        Line("finansiella", "Finansiella anläggningstillgångar", ("13",)),
                    ),
                    "Summa anläggningstillgångar",
                ),
                Group(
                    "omsattningstillgangar",
                    "Omsättningstillgångar",
                    (
                        Line("varulager", "Varulager m.m.", ("14",)),
                        Group(
                            "kortfristiga_fordringar",
                            "Kortfristiga fordringar",
                            (
                                Line("kundfordringar", "Kundfordringar", ("151",)),
                                Line("ovriga_fordringar", "Övriga fordringar", ("15", "16")),
                                Line(
                                    "forutbetalda_kostnader",
                                    "Förutbetalda kostnader och upplupna intäkter",
                                    ("17",),
                                ),
                            ),
                            "Summa kortfristiga fordringar",
                        ),
                        Line("kortfristiga_placeringar", "Kortfristiga placeringar", ("18",)),
                        Line("kassa_och_bank", "Kassa och bank", ("19",)),
                    ),
                    "Summa omsättningstillgångar",
                ),
            ),
            "Summa tillgångar",
            always=True,
        ),
        Group(
            "eget_kapital_och_skulder",
            "Eget kapital och skulder",
            (
                Group(
                    "eget_kapital",
                    "Eget kapital",
                    (
                        Line("bundet_eget_kapital", "Bundet eget kapital", ("208",)),
                        Line("balanserat_resultat", "Balanserat resultat", ("209",)),
                        Line("arets_resultat", "Årets resultat", ("2099",), with_result=True, always=True),
                        Line("ovrigt_eget_kapital", "Övrigt eget kapital", ("20",)),
                    ),
                    "Summa eget kapital",
                    always=True,
                ),
                Group(
                    "obeskattade_reserver",
                    "Obeskattade reserver",
                    (
                        Line("periodiseringsfonder", "Periodiseringsfonder", ("211", "212", "213")),
                        Line("overavskrivningar", "Ackumulerade överavskrivningar", ("215",)),
                        Line("ovriga_obeskattade_reserver", "Övriga obeskattade reserver", ("21",)),
                    ),
                    "Summa obeskattade reserver",
                ),
                Group(
                    "avsattningar",
                    "Avsättningar",
                    (Line("avsattningar_konton", "Avsättningar", ("22",)),),
                    "Summa avsättningar",
                ),
                Group(
                    "langfristiga_skulder",
                    "Långfristiga skulder",
                    (Line("langfristiga_skulder_konton", "Långfristiga skulder", ("23",)),),
                    "Summa långfristiga skulder",
                ),
                Group(
                    "kortfristiga_skulder",
                    "Kortfristiga skulder",
                    (
                        Line("kreditinstitut", "Skulder till kreditinstitut", ("241",)),
                        Line("forskott_fran_kunder", "Förskott från kunder", ("242",)),
                        Line("leverantorsskulder", "Leverantörsskulder", ("244",)),
                        Line("skatteskulder", "Skatteskulder", ("25",)),
                        Line("ovriga_kortfristiga_skulder", "Övriga kortfristiga skulder", ("24", "26", "27", "28")),
                        Line(
                            "upplupna_kostnader",
                            "Upplupna kostnader och förutbetalda intäkter",
                            ("29",),
                        ),
                    ),
                    "Summa kortfristiga skulder",
                ),
            ),
            "Summa eget kapital och skulder",
            always=True,
        ),
    ),
)


# The trial balance groups accounts by BAS account class (kontoklass).
ACCOUNT_CLASSES: dict[str, str] = {
    "0": "Kontoklass 0",
    "1": "Tillgångar",
    "2": "Eget kapital och skulder",
    "3": "Rörelsens inkomster/intäkter",
    "4": "Utgifter/kostnader för varor, material och vissa köpta tjänster",
    "5": "Övriga externa rörelseutgifter/kostnader",
    "6": "Övriga externa rörelseutgifter/kostnader",
    "7": "Utgifter/kostnader för personal, avskrivningar m.m.",
    "8": "Finansiella och andra inkomster/intäkter och utgifter/kostnader",
    "9": "Interna konton",
}

STATEMENTS = {statement.key: statement for statement in (INCOME_STATEMENT, BALANCE_SHEET)}


def lines_of(items: tuple[Item, ...]) -> list[Line]:
    """Every line of a statement, depth first."""
    found: list[Line] = []
    for item in items:
        if isinstance(item, Line):
            found.append(item)
        elif isinstance(item, Group):
            found.extend(lines_of(item.items))
    return found


def line_for(statement: Statement, account: str) -> Line | None:
    """The line an account belongs to (longest prefix wins), or None when the statement leaves it out."""
    best: Line | None = None
    best_length = 0
    for prefix in statement.excluded:
        if account.startswith(prefix):
            best_length = len(prefix)
    for line in lines_of(statement.items):
        for prefix in line.prefixes:
            if account.startswith(prefix) and len(prefix) > best_length:
                best, best_length = line, len(prefix)
    return best


def sign_of(account: str) -> int:
    """+1 where the statement shows the books' sign (assets), -1 where it turns it (income, equity, debts, costs)."""
    return 1 if account.startswith(DEBIT_POSITIVE_CLASSES) else -1
