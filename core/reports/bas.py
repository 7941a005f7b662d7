"""The statements' structure and their BAS account ranges: ÅRL bilaga 1 (balansräkning) and bilaga 2
(kostnadsslagsindelad resultaträkning) in the K2 layout.

The headings, order and subtotals (the law's structure) are here; which accounts make up each line, which
groups of accounts are netted and classified by sign, and where rounding differences go are data in
arl_statements.toml, with their sources, because they change with the BAS chart. An account belongs to the
line whose ranges hold the first four digits of its number; accounts that no line claims and that are not
excluded are reported, never silently dropped.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

MAPPING_FILE = Path(__file__).with_name("arl_statements.toml")


@dataclass(frozen=True, slots=True)
class Line:
    """One amount. `result`: the line is the income statement's result (the balance sheet's Årets resultat),
    not a sum of its own accounts. `always`: shown even when it is zero in both years."""

    key: str
    heading: str
    always: bool = False
    result: bool = False


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
    balances: tuple[str, str] | None = None  # two keys whose totals must be equal (assets, equity and debts)


# The result accounts: their balance is the year's result.
RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")
STATEMENT_CLASSES = ("1", "2") + RESULT_CLASSES


INCOME_STATEMENT = Statement(
    key="income-statement",
    title="Resultaträkning",
    items=(
        Group(
            "rorelseintakter",
            "Rörelseintäkter, lagerförändringar m.m.",
            (
                Line("nettoomsattning", "Nettoomsättning", always=True),
                Line(
                    "lagerforandring",
                    "Förändring av lager av produkter i arbete, färdiga varor och pågående arbete för annans räkning",
                ),
                Line("aktiverat_arbete", "Aktiverat arbete för egen räkning"),
                Line("ovriga_rorelseintakter", "Övriga rörelseintäkter"),
            ),
            "Summa rörelseintäkter, lagerförändringar m.m.",
            always=True,
        ),
        Group(
            "rorelsekostnader",
            "Rörelsekostnader",
            (
                Line("ravaror_och_fornodenheter", "Råvaror och förnödenheter"),
                Line("handelsvaror", "Handelsvaror"),
                Line("ovriga_externa_kostnader", "Övriga externa kostnader"),
                Line("personalkostnader", "Personalkostnader"),
                Line(
                    "avskrivningar",
                    "Av- och nedskrivningar av materiella och immateriella anläggningstillgångar",
                ),
                Line(
                    "nedskrivningar_omsattningstillgangar",
                    "Nedskrivningar av omsättningstillgångar utöver normala nedskrivningar",
                ),
                Line("ovriga_rorelsekostnader", "Övriga rörelsekostnader"),
            ),
            "Summa rörelsekostnader",
            always=True,
        ),
        Result("rorelseresultat", "Rörelseresultat", ("rorelseintakter", "rorelsekostnader")),
        Group(
            "finansiella_poster",
            "Finansiella poster",
            (
                Line("resultat_koncernforetag", "Resultat från andelar i koncernföretag"),
                Line(
                    "resultat_intresseforetag",
                    "Resultat från andelar i intresseföretag och gemensamt styrda företag",
                ),
                Line(
                    "resultat_ovriga_agarintressen",
                    "Resultat från övriga företag som det finns ett ägarintresse i",
                ),
                Line(
                    "resultat_ovriga_finansiella_anlaggningstillgangar",
                    "Resultat från övriga finansiella anläggningstillgångar",
                ),
                Line("ovriga_ranteintakter", "Övriga ränteintäkter och liknande resultatposter"),
                Line(
                    "nedskrivningar_finansiella",
                    "Nedskrivningar av finansiella anläggningstillgångar och kortfristiga placeringar",
                ),
                Line("rantekostnader", "Räntekostnader och liknande resultatposter"),
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
                Line("mottagna_koncernbidrag", "Erhållna koncernbidrag"),
                Line("lamnade_koncernbidrag", "Lämnade koncernbidrag"),
                Line("forandring_periodiseringsfonder", "Förändring av periodiseringsfonder"),
                Line("forandring_overavskrivningar", "Förändring av överavskrivningar"),
                Line("ovriga_bokslutsdispositioner", "Övriga bokslutsdispositioner"),
            ),
            "Summa bokslutsdispositioner",
        ),
        Result(
            "resultat_fore_skatt",
            "Resultat före skatt",
            ("resultat_efter_finansiella_poster", "bokslutsdispositioner"),
        ),
        Line("skatt", "Skatt på årets resultat", always=True),
        Line("ovriga_skatter", "Övriga skatter"),
        Result("arets_resultat", "Årets resultat", ("resultat_fore_skatt", "skatt", "ovriga_skatter")),
    ),
)


BALANCE_SHEET = Statement(
    key="balance-sheet",
    title="Balansräkning",
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
                        Group(
                            "immateriella",
                            "Immateriella anläggningstillgångar",
                            (
                                Line(
                                    "koncessioner_patent_licenser",
                                    "Koncessioner, patent, licenser, varumärken samt liknande rättigheter",
                                ),
                                Line("forskott_immateriella", "Förskott avseende immateriella anläggningstillgångar"),
                            ),
                            "Summa immateriella anläggningstillgångar",
                        ),
                        Group(
                            "materiella",
                            "Materiella anläggningstillgångar",
                            (
                                Line("byggnader_och_mark", "Byggnader och mark"),
                                Line(
                                    "forbattringsutgifter_annans_fastighet",
                                    "Förbättringsutgifter på annans fastighet",
                                ),
                                Line(
                                    "maskiner_och_inventarier",
                                    "Maskiner, inventarier och övriga materiella anläggningstillgångar",
                                ),
                                Line(
                                    "pagaende_nyanlaggningar",
                                    "Pågående nyanläggningar och förskott avseende materiella anläggningstillgångar",
                                ),
                            ),
                            "Summa materiella anläggningstillgångar",
                        ),
                        Group(
                            "finansiella",
                            "Finansiella anläggningstillgångar",
                            (
                                Line("andelar_koncernforetag", "Andelar i koncernföretag"),
                                Line(
                                    "andelar_intresseforetag",
                                    "Andelar i intresseföretag och gemensamt styrda företag",
                                ),
                                Line("agarintressen_ovriga_foretag", "Ägarintressen i övriga företag"),
                                Line(
                                    "fordringar_koncernforetag_langfristiga",
                                    "Fordringar hos koncern-, intresse- och gemensamt styrda företag",
                                ),
                                Line("lan_till_delagare", "Lån till delägare eller närstående"),
                                Line("andra_langfristiga_fordringar", "Andra långfristiga fordringar"),
                            ),
                            "Summa finansiella anläggningstillgångar",
                        ),
                    ),
                    "Summa anläggningstillgångar",
                ),
                Group(
                    "omsattningstillgangar",
                    "Omsättningstillgångar",
                    (
                        Group(
                            "varulager",
                            "Varulager m.m.",
                            (
                                Line("ravaror_och_fornodenheter", "Råvaror och förnödenheter"),
                                Line("varor_under_tillverkning", "Varor under tillverkning"),
                                Line("fardiga_varor_och_handelsvaror", "Färdiga varor och handelsvaror"),
                                Line("ovriga_lagertillgangar", "Övriga lagertillgångar"),
                                Line("pagaende_arbete_for_annans_rakning", "Pågående arbete för annans räkning"),
                                Line("forskott_till_leverantorer", "Förskott till leverantörer"),
                            ),
                            "Summa varulager m.m.",
                        ),
                        Group(
                            "kortfristiga_fordringar",
                            "Kortfristiga fordringar",
                            (
                                Line("kundfordringar", "Kundfordringar"),
                                Line(
                                    "fordringar_koncernforetag",
                                    "Fordringar hos koncern-, intresse- och gemensamt styrda företag",
                                ),
                                Line("ovriga_fordringar", "Övriga fordringar"),
                                Line("upparbetad_ej_fakturerad_intakt", "Upparbetad men ej fakturerad intäkt"),
                                Line("forutbetalda_kostnader", "Förutbetalda kostnader och upplupna intäkter"),
                            ),
                            "Summa kortfristiga fordringar",
                        ),
                        Group(
                            "kortfristiga_placeringar",
                            "Kortfristiga placeringar",
                            (
                                Line("andelar_koncernforetag_kortfristiga", "Andelar i koncernföretag"),
                                Line("ovriga_kortfristiga_placeringar", "Övriga kortfristiga placeringar"),
                            ),
                            "Summa kortfristiga placeringar",
                        ),
                        Line("kassa_och_bank", "Kassa och bank"),
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
                        Group(
                            "bundet_eget_kapital",
                            "Bundet eget kapital",
                            (
                                Line("aktiekapital", "Aktiekapital"),
                                Line("bunden_overkursfond", "Bunden överkursfond"),
                                Line("uppskrivningsfond", "Uppskrivningsfond"),
                                Line("reservfond", "Reservfond"),
                                Line("ovrigt_bundet_eget_kapital", "Övrigt bundet eget kapital"),
                            ),
                            "Summa bundet eget kapital",
                        ),
                        Group(
                            "fritt_eget_kapital",
                            "Fritt eget kapital",
                            (
                                Line("fri_overkursfond", "Fri överkursfond"),
                                Line("fond_for_verkligt_varde", "Fond för verkligt värde"),
                                Line("balanserat_resultat", "Balanserat resultat"),
                                Line("arets_resultat", "Årets resultat", always=True, result=True),
                            ),
                            "Summa fritt eget kapital",
                            always=True,
                        ),
                        Line("eget_kapital_enskild_firma", "Eget kapital (enskild firma, handelsbolag)"),
                    ),
                    "Summa eget kapital",
                    always=True,
                ),
                Group(
                    "obeskattade_reserver",
                    "Obeskattade reserver",
                    (
                        Line("periodiseringsfonder", "Periodiseringsfonder"),
                        Line("ackumulerade_overavskrivningar", "Ackumulerade överavskrivningar"),
                        Line("ovriga_obeskattade_reserver", "Övriga obeskattade reserver"),
                    ),
                    "Summa obeskattade reserver",
                ),
                Group(
                    "avsattningar",
                    "Avsättningar",
                    (
                        Line(
                            "avsattningar_pensioner_tryggandelagen",
                            "Avsättningar för pensioner och liknande förpliktelser enligt tryggandelagen",
                        ),
                        Line(
                            "ovriga_avsattningar_pensioner",
                            "Övriga avsättningar för pensioner och liknande förpliktelser",
                        ),
                        Line("ovriga_avsattningar", "Övriga avsättningar"),
                    ),
                    "Summa avsättningar",
                ),
                Group(
                    "langfristiga_skulder",
                    "Långfristiga skulder",
                    (
                        Line("obligationslan", "Obligationslån"),
                        Line("checkrakningskredit_langfristig", "Checkräkningskredit"),
                        Line("skulder_kreditinstitut_langfristiga", "Övriga skulder till kreditinstitut"),
                        Line(
                            "skulder_koncernforetag_langfristiga",
                            "Skulder till koncern-, intresse- och gemensamt styrda företag",
                        ),
                        Line("ovriga_langfristiga_skulder", "Övriga skulder"),
                    ),
                    "Summa långfristiga skulder",
                ),
                Group(
                    "kortfristiga_skulder",
                    "Kortfristiga skulder",
                    (
                        Line("checkrakningskredit", "Checkräkningskredit"),
                        Line("skulder_kreditinstitut", "Övriga skulder till kreditinstitut"),
                        Line("forskott_fran_kunder", "Förskott från kunder"),
                        Line("pagaende_arbete_skuld", "Pågående arbete för annans räkning"),
                        Line("fakturerad_ej_upparbetad_intakt", "Fakturerad men ej upparbetad intäkt"),
                        Line("leverantorsskulder", "Leverantörsskulder"),
                        Line("vaxelskulder", "Växelskulder"),
                        Line("skulder_koncernforetag", "Skulder till koncern-, intresse- och gemensamt styrda företag"),
                        Line("skatteskulder", "Skatteskulder"),
                        Line("ovriga_kortfristiga_skulder", "Övriga skulder"),
                        Line("upplupna_kostnader", "Upplupna kostnader och förutbetalda intäkter"),
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

# Where 4000-4899 (purchases) go: a company's choice between these two income statement lines.
PURCHASE_LINES = ("handelsvaror", "ravaror_och_fornodenheter")


def lines_of(items: tuple[Item, ...]) -> list[Line]:
    """Every line of a statement, depth first."""
    found: list[Line] = []
    for item in items:
        if isinstance(item, Line):
            found.append(item)
        elif isinstance(item, Group):
            found.extend(lines_of(item.items))
    return found


def group_of(statement: Statement, key: str) -> Group:
    """The group with this key, at any depth."""

    def search(items: tuple[Item, ...]) -> Group | None:
        for item in items:
            if isinstance(item, Group):
                if item.key == key:
                    return item
                found = search(item.items)
                if found is not None:
                    return found
        return None

    group = search(statement.items)
    if group is None:
        raise KeyError(f"the {statement.key} has no group {key!r}")
    return group


# --- the account ranges (arl_statements.toml) -------------------------------------------------------


Span = tuple[int, int]


def _spans(texts: list[str]) -> tuple[Span, ...]:
    spans = []
    for text in texts:
        first, last = text.split("-")
        spans.append((int(first), int(last)))
    return tuple(spans)


def account_number(account: str) -> int | None:
    """The first four digits as a number (BAS ranges are four-digit), None for an account that is not one."""
    head = account[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def by_bas_account(balances: dict[str, Decimal]) -> dict[str, Decimal]:
    """Sub-accounts longer than four digits (881110, 607210) summed into their BAS account (8811, 6072), which the
    rules name, as INK2R and the statements count them [P]."""
    summed: dict[str, Decimal] = {}
    for number, amount in balances.items():
        bas = account_number(number)
        key = number if bas is None else f"{bas:04d}"
        summed[key] = summed.get(key, Decimal(0)) + amount
    return summed


def within(spans: tuple[Span, ...], account: str) -> bool:
    number = account_number(account)
    return number is not None and any(first <= number <= last for first, last in spans)


@dataclass(frozen=True, slots=True)
class Netted:
    """Accounts summed together and shown on `debit`'s line when the sum is a debit, else on `credit`'s."""

    key: str
    spans: tuple[Span, ...]
    debit: str
    credit: str


@dataclass(frozen=True, slots=True)
class Mapping:
    lines: dict[str, tuple[Span, ...]]  # line key -> its account ranges
    excluded: tuple[Span, ...] = ()
    purchases: tuple[Span, ...] = ()  # ranges that go to one of PURCHASE_LINES, the company's choice
    netted: tuple[Netted, ...] = ()
    opposite: dict[str, str] | None = None  # line key -> the line its sum goes to when it has the other sign
    rounding_lines: dict[str, tuple[str, ...]] | None = None  # side (a group key, or the result key) -> lines for
    # rounding differences, in priority order
    by_account: frozenset[str] = frozenset()  # lines whose accounts are each placed by their own sign


@cache
def mapping(statement_key: str) -> Mapping:
    """The account ranges of one statement, from arl_statements.toml."""
    with MAPPING_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    if statement_key == INCOME_STATEMENT.key:
        table = data["income_statement"]
        return Mapping(
            lines={key: _spans(texts) for key, texts in table["lines"].items()},
            excluded=_spans(table["excluded"]),
            purchases=_spans(table["purchases"]["ranges"]),
            rounding_lines={"arets_resultat": tuple(table["rounding_lines"])},
        )
    table = data["balance_sheet"]
    return Mapping(
        lines={key: _spans(texts) for key, texts in table["lines"].items()},
        netted=tuple(
            Netted(key, _spans(group["ranges"]), group["debit"], group["credit"])
            for key, group in table["netted"].items()
        ),
        opposite=dict(table["opposite"]),
        rounding_lines={side: tuple(lines) for side, lines in table["rounding_lines"].items()},
        by_account=frozenset(table["by_account"]),
    )


def line_for(statement: Statement, account: str, purchases: str = PURCHASE_LINES[0]) -> str | None:
    """The key of the line an account's ranges put it on, or None when no line claims it (or it is excluded).
    `purchases` is the line 4000-4899 go to."""
    ranges = mapping(statement.key)
    if within(ranges.excluded, account):
        return None
    if within(ranges.purchases, account):
        return purchases
    for key, spans in ranges.lines.items():
        if within(spans, account):
            return key
    return None


def netted_group(account: str) -> Netted | None:
    """The balance sheet's netting group an account belongs to, if any."""
    for group in mapping(BALANCE_SHEET.key).netted:
        if within(group.spans, account):
            return group
    return None


def excluded(statement: Statement, account: str) -> bool:
    return within(mapping(statement.key).excluded, account)
