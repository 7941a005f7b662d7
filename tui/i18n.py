"""Swedish and English texts of the interface, and numbers written the way each reader expects.

Every text is looked up by key with `t`; both languages must have every key (a test checks it).
Binding descriptions are keys too, translated when a screen is created.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from decimal import Decimal

from core.money import round_to_ore

LANGUAGES = ("sv", "en")

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "key.quit": "Avsluta",
        "key.help": "Hjälp",
        "key.activity": "Logg",
        "key.tasks": "Uppgifter",
        "key.palette": "Kommandon",
        "key.back": "Tillbaka",
        "key.open": "Öppna",
        "key.import": "Importera SIE",
        "key.trial_balance": "Råbalans",
        "key.transactions": "Transaktioner",
        "key.previous_year": "Föreg. år",
        "key.next_year": "Nästa år",
        "key.scroll_up": "Rulla upp",
        "key.scroll_down": "Rulla ned",
        "key.filter": "Filter",
        "key.status_filter": "Status",
        "key.kind_filter": "Typ",
        "key.close": "Stäng",
        "key.import_here": "Importera",
        "key.yes": "Ja",
        "key.no": "Nej",
        "confirm.yes": "Ja (j)",
        "confirm.no": "Nej (n)",
        "import.mismatch": "Filen gäller {found}, det här företaget är {expected}. Importera ändå?",
        "import.mismatch_no_org": "Filen saknar organisationsnummer (#ORGNR), det här företaget är {expected}. "
        "Importera ändå?",
        "overview.import_placeholder": "Sökväg till en SIE-fil för företaget (Enter importerar, Esc avbryter)",
        "companies.title": "Företag",
        "companies.none": "Inga företag ännu. Importera en SIE-fil nedan.",
        "companies.name": "Företag",
        "companies.org_number": "Org.nr",
        "companies.years": "Räkenskapsår",
        "companies.import_label": "Importera SIE-fil (sökväg, Enter startar):",
        "companies.import_placeholder": "/sökväg/till/fil.se",
        "companies.importing": "Importerar {file}: {counts}",
        "companies.queued": "{file} väntar på tidigare import",
        "companies.imported": "Klart: {summary}",
        "companies.failed": "Importen misslyckades: {message}",
        "companies.no_path": "Skriv sökvägen till en SIE-fil.",
        "overview.title": "Importöversikt",
        "overview.org_number": "Org.nr: {org}",
        "overview.year": "Räkenskapsår {start}–{end}",
        "overview.last_import": "Senaste import: {file} {finished} ({counts})",
        "overview.no_import": "Ingen import ännu",
        "overview.checks": "Kontroller",
        "overview.monthly_result": "Resultat per månad {first}–{last}",
        "overview.no_years": "Företaget har inga räkenskapsår.",
        "trial_balance.title": "Råbalans {start}–{end}",
        "trial_balance.summary": "{accounts} konton, {vouchers} verifikationer, {transactions} transaktioner",
        "column.account": "Konto",
        "column.name": "Benämning",
        "column.opening": "IB",
        "column.movement": "Period",
        "column.closing": "UB",
        "column.date": "Datum",
        "column.voucher": "Ver",
        "column.text": "Text",
        "column.amount": "Belopp",
        "column.balance": "Saldo",
        "column.cost_center": "KS",
        "column.project": "Proj",
        "column.started": "Start",
        "column.kind": "Typ",
        "column.status": "Status",
        "column.company": "Företag",
        "column.message": "Meddelande",
        "transactions.title": "Transaktionsanalys {start}–{end}",
        "transactions.filter_placeholder": "Filter, t.ex. konto:1930 period:2025-03 belopp:100..500 hyra (Enter)",
        "transactions.position": "Rad {row} av {count}",
        "transactions.loading": "Läser…",
        "account.title": "Kontoanalys {account} {name}",
        "account.opening": "Ingående saldo: {amount}",
        "account.closing": "Utgående saldo: {amount}",
        "voucher.title": "Verifikation {voucher} {date}",
        "voucher.registered": "registrerad {date}",
        "voucher.removed": "struken",
        "voucher.added": "tillagd",
        "column.change": "Ändring",
        "column.objects": "Objekt",
        "help.voucher": "Verifikationens alla rader: konto, benämning, belopp, objekt (dimension:objekt) och "
        "radens text. Rader som lagts till (#RTRANS) eller strukits (#BTRANS) efter registreringen visas "
        "nedtonade som historik; bara de bokförda raderna räknas i saldona.",
        "tasks.title": "Systemuppgifter",
        "tasks.filter": "Status: {status}   Typ: {kind}",
        "tasks.all": "alla",
        "activity.title": "Aktivitetslogg",
        "activity.empty": "Inget har körts ännu.",
        "activity.counts": "{vouchers} ver, {transactions} trans, {balances} saldon",
        "status.queued": "köad",
        "status.running": "pågår",
        "status.done": "klar",
        "status.failed": "misslyckad",
        "status.ok": "ok",
        "status.warning": "varning",
        "status.error": "fel",
        "kind.import": "import",
        "kind.export": "export",
        "kind.connect": "anslut",
        "kind.disconnect": "koppla från",
        "help.title": "Hjälp: {screen}",
        "help.keys": "Tangenter",
        "help.hint": "Gör en tangent ingenting? Terminalen, tmux eller SSH kanske inte skickar den. Välj en "
        'annan under [keymap] i config.toml med id:t ovan, t.ex. "app.activity" = "f6". Tangentnamn: '
        "a–z, f1–f12, ctrl+o, shift+tab, enter, escape, up, pageup.",
        "help.companies": "Här finns alla företag i databasen. Välj ett med piltangenterna och Enter för att "
        "öppna importöversikten. Tryck i, skriv sökvägen till en SIE-fil och Enter för att importera; "
        "importen körs i bakgrunden och syns i aktivitetsloggen.",
        "help.overview": "Företagets räkenskapsår, senaste import, kontrollerna för valt år och resultatet "
        "per månad. Byt år med vänster- och högerpil. Tryck i, skriv sökvägen till en SIE-fil och Enter för "
        "att importera den till det här företaget; gäller filen ett annat organisationsnummer frågar "
        "programmet först.",
        "help.trial_balance": "Ingående saldo, periodens rörelse och utgående saldo per konto. "
        "Enter öppnar kontoanalysen.",
        "help.transactions": "Årets alla transaktioner. Filtrera med f: konto:1930 eller konto:3000..3999, "
        "period:2025-03 eller period:2025-01..2025-06, serie:A, belopp:100..500 (absolutbelopp), ks:10, "
        "projekt:P1, och fria ord som söks i texterna. Enter öppnar kontoanalysen för radens konto.",
        "help.account": "Kontots ingående saldo, alla transaktioner i datumordning med löpande saldo, "
        "och utgående saldo. Enter öppnar radens verifikation.",
        "help.tasks": "Aktivitetsloggens historik: importer och exporter med status och antal. "
        "s byter statusfilter, k byter typfilter.",
    },
    "en": {
        "key.quit": "Quit",
        "key.help": "Help",
        "key.activity": "Log",
        "key.tasks": "Tasks",
        "key.palette": "Commands",
        "key.back": "Back",
        "key.open": "Open",
        "key.import": "Import SIE",
        "key.trial_balance": "Trial balance",
        "key.transactions": "Transactions",
        "key.previous_year": "Prev. year",
        "key.next_year": "Next year",
        "key.scroll_up": "Scroll up",
        "key.scroll_down": "Scroll down",
        "key.filter": "Filter",
        "key.status_filter": "Status",
        "key.kind_filter": "Kind",
        "key.close": "Close",
        "key.import_here": "Import",
        "key.yes": "Yes",
        "key.no": "No",
        "confirm.yes": "Yes (y)",
        "confirm.no": "No (n)",
        "import.mismatch": "The file is for {found}, this company is {expected}. Import anyway?",
        "import.mismatch_no_org": "The file has no organisation number (#ORGNR), this company is {expected}. "
        "Import anyway?",
        "overview.import_placeholder": "Path of a SIE file for this company (Enter imports, Esc cancels)",
        "companies.title": "Companies",
        "companies.none": "No companies yet. Import a SIE file below.",
        "companies.name": "Company",
        "companies.org_number": "Org. no.",
        "companies.years": "Fiscal years",
        "companies.import_label": "Import a SIE file (path, Enter starts):",
        "companies.import_placeholder": "/path/to/file.se",
        "companies.importing": "Importing {file}: {counts}",
        "companies.queued": "{file} waits for an earlier import",
        "companies.imported": "Done: {summary}",
        "companies.failed": "The import failed: {message}",
        "companies.no_path": "Type the path of a SIE file.",
        "overview.title": "Import overview",
        "overview.org_number": "Org. no.: {org}",
        "overview.year": "Fiscal year {start}–{end}",
        "overview.last_import": "Last import: {file} {finished} ({counts})",
        "overview.no_import": "No import yet",
        "overview.checks": "Checks",
        "overview.monthly_result": "Result per month {first}–{last}",
        "overview.no_years": "The company has no fiscal years.",
        "trial_balance.title": "Trial balance {start}–{end}",
        "trial_balance.summary": "{accounts} accounts, {vouchers} vouchers, {transactions} transactions",
        "column.account": "Account",
        "column.name": "Name",
        "column.opening": "Opening",
        "column.movement": "Movement",
        "column.closing": "Closing",
        "column.date": "Date",
        "column.voucher": "Voucher",
        "column.text": "Text",
        "column.amount": "Amount",
        "column.balance": "Balance",
        "column.cost_center": "CC",
        "column.project": "Proj",
        "column.started": "Started",
        "column.kind": "Kind",
        "column.status": "Status",
        "column.company": "Company",
        "column.message": "Message",
        "transactions.title": "Transaction analysis {start}–{end}",
        "transactions.filter_placeholder": "Filter, e.g. account:1930 period:2025-03 amount:100..500 rent (Enter)",
        "transactions.position": "Row {row} of {count}",
        "transactions.loading": "Reading…",
        "account.title": "Account analysis {account} {name}",
        "account.opening": "Opening balance: {amount}",
        "account.closing": "Closing balance: {amount}",
        "voucher.title": "Voucher {voucher} {date}",
        "voucher.registered": "registered {date}",
        "voucher.removed": "removed",
        "voucher.added": "added",
        "column.change": "Change",
        "column.objects": "Objects",
        "help.voucher": "Every row of the voucher: account, name, amount, objects (dimension:object) and the "
        "row's text. Rows added (#RTRANS) or removed (#BTRANS) after registration are shown dimmed as history; "
        "only the booked rows count in the balances.",
        "tasks.title": "System tasks",
        "tasks.filter": "Status: {status}   Kind: {kind}",
        "tasks.all": "all",
        "activity.title": "Activity log",
        "activity.empty": "Nothing has run yet.",
        "activity.counts": "{vouchers} vouchers, {transactions} trans, {balances} balances",
        "status.queued": "queued",
        "status.running": "running",
        "status.done": "done",
        "status.failed": "failed",
        "status.ok": "ok",
        "status.warning": "warning",
        "status.error": "error",
        "kind.import": "import",
        "kind.export": "export",
        "kind.connect": "connect",
        "kind.disconnect": "disconnect",
        "help.title": "Help: {screen}",
        "help.keys": "Keys",
        "help.hint": "A key does nothing? Your terminal, tmux or SSH may not send it. Choose another under "
        '[keymap] in config.toml by the id above, e.g. "app.activity" = "f6". Key names: '
        "a–z, f1–f12, ctrl+o, shift+tab, enter, escape, up, pageup.",
        "help.companies": "Every company in the store. Choose one with the arrow keys and Enter to open its "
        "import overview. Press i, type the path of a SIE file and Enter to import it; the import runs "
        "in the background and shows in the activity log.",
        "help.overview": "The company's fiscal years, its last import, the checks of the chosen year and the "
        "result per month. Change the year with the left and right arrows. Press i, type the path of a SIE file "
        "and Enter to import it into this company; a file for another organisation number is asked about first.",
        "help.trial_balance": "Opening balance, the year's movement and closing balance per account. "
        "Enter opens the account analysis.",
        "help.transactions": "Every transaction of the year. Filter with f: account:1930 or account:3000..3999, "
        "period:2025-03 or period:2025-01..2025-06, series:A, amount:100..500 (absolute amount), cc:10, "
        "project:P1, and free words searched in the texts. Enter opens the account analysis of the row's account.",
        "help.account": "The account's opening balance, every transaction in date order with the running "
        "balance, and the closing balance. Enter opens the row's voucher.",
        "help.tasks": "The activity log's history: imports and exports with status and counts. "
        "s changes the status filter, k the kind filter.",
    },
}

_language = "en"


def choose_language(configured: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The configured language, else Swedish when the locale is Swedish, else English."""
    if configured:
        return configured
    locale = environ.get("LC_ALL") or environ.get("LC_MESSAGES") or environ.get("LANG") or ""
    return "sv" if locale.lower().startswith("sv") else "en"


def set_language(language: str) -> None:
    global _language
    if language not in TEXTS:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    _language = language


def language() -> str:
    return _language


def t(key: str, **values: object) -> str:
    text = TEXTS[_language][key]
    return text.format(**values) if values else text


def format_money(amount: Decimal) -> str:
    """Swedish: 1 234 567,89 (no-break space between groups); English: 1,234,567.89."""
    grouped = f"{round_to_ore(amount):,.2f}"
    return grouped.replace(",", "\u00a0").replace(".", ",") if _language == "sv" else grouped


def format_time(moment: dt.datetime | None, with_year: bool = True) -> str:
    """The store keeps naive UTC; people read their own clock."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=dt.UTC).astimezone()
    return local.strftime("%Y-%m-%d %H:%M" if with_year else "%m-%d %H:%M")


def format_count(count: int) -> str:
    grouped = f"{count:,}"
    return grouped.replace(",", "\u00a0") if _language == "sv" else grouped
