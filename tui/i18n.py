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
        "key.import_here": "Import",
        "key.yes": "Ja",
        "key.no": "Nej",
        "key.fortnox_import": "Importera från Fortnox",
        "key.settings": "Källa",
        "key.import_settings": "Importinställningar",
        "key.new_company": "Nytt företag",
        "key.switch_source": "Datakälla",
        "key.connect": "Anslut",
        "key.disconnect": "Koppla från Fortnox-företag",
        "key.disconnect_short": "Koppla från",
        "key.copy_address": "Kopiera adress",
        "key.sandbox_consent": "Godkänn i sandlådan",
        "key.retry": "Försök igen",
        "key.cancel": "Avbryt",
        "key.create": "Skapa",
        "source.fortnox": "Fortnox",
        "source.sie_file": "SIE-fil",
        "overview.source": "Källa: {source}",
        "companies.importing_step": "Importerar från {file}: {step} {counts}",
        "fortnox.connected_days": "ansluten, {days} dagar kvar",
        "fortnox.expired": "utgången: anslut igen",
        "fortnox.disconnected": "inte ansluten",
        "fortnox.connect_again": "Anslut igen: s (Importinställningar) i översikten, sedan c (Anslut).",
        "settings.title": "Importinställningar",
        "settings.source": "Datakälla (d byter)",
        "settings.fortnox": "Koppling till Fortnox",
        "settings.connection": "Läge",
        "settings.token_store": "Token sparas i",
        "settings.choose_fortnox": "Välj Fortnox som datakälla (d) för att ansluta.",
        "settings.connect_hint": "Anslut (c): öppna en adress i en webbläsare på valfri dator och godkänn i Fortnox.",
        "settings.switched": "Datakällan är nu {source}. Bokföringen finns kvar; nästa import hämtas därifrån.",
        "settings.disconnect_question": "Koppla från {company} från Fortnox? Kopplingen återkallas hos Fortnox och "
        "glöms här; den importerade bokföringen finns kvar.",
        "settings.disconnecting": "Kopplar från Fortnox…",
        "settings.disconnect_failed": "Inte frånkopplad: {message}",
        "settings.disconnected": "Frånkopplad: Fortnox har återkallat kopplingen och den är glömd här.",
        "settings.disconnected_already": "Frånkopplad: kopplingen är glömd här (Fortnox hade redan släppt den).",
        "connect.title": "Anslut till Fortnox",
        "connect.open": "Öppna adressen i en webbläsare, på den här eller en annan dator, och godkänn i Fortnox:",
        "connect.preparing": "Förbereder adressen…",
        "connect.next_ssh": "Sedan: med ssh -L {port}:127.0.0.1:{port} till den här datorn kommer svaret hit av sig "
        "självt. Annars: kopiera adressen webbläsaren hamnar på (även om sidan inte laddas), klistra in den nedan "
        "och tryck Enter.",
        "connect.next_paste": "Sedan: kopiera adressen webbläsaren hamnar på (även om sidan inte laddas), klistra in "
        "den nedan och tryck Enter.",
        "connect.paste_placeholder": "Klistra in adressen webbläsaren hamnade på, eller koden (Enter)",
        "connect.nothing_pasted": "Klistra in adressen webbläsaren hamnade på, eller koden.",
        "connect.checking": "Kontrollerar svaret med Fortnox…",
        "connect.connected": "Ansluten till {name} ({org}) i Fortnox. Kopplingen gäller i {days} dagar och förnyas "
        "vid varje import och export.",
        "connect.store": "Token sparas i {store}.",
        "connect.failed": "Inte ansluten: {message}",
        "connect.retry_hint": "Försök igen med en ny adress (r), eller gå tillbaka (Esc).",
        "connect.copied": "Adressen är kopierad (OSC 52; i tmux behövs set -g set-clipboard on).",
        "new_company.title": "Nytt företag",
        "new_company.name": "Företagets namn",
        "new_company.org_number": "Organisationsnummer",
        "new_company.source": "Datakälla (Tab hit, pilar och Enter väljer)",
        "new_company.no_name": "Skriv företagets namn.",
        "new_company.no_org": "Skriv organisationsnumret (NNNNNN-NNNN).",
        "help.settings": "Företagets datakälla och koppling till Fortnox. d byter datakälla mellan Fortnox och "
        "SIE-fil; bokföringen finns kvar. c ansluter till Fortnox (en token som gäller i 30 dagar och förnyas vid "
        "varje import och export), x kopplar från: kopplingen återkallas hos Fortnox och glöms här. Läget visar "
        "hur många dagar kopplingen har kvar och var token sparas.",
        "help.connect": "Anslut utan webbläsare på den här datorn: öppna adressen på valfri dator (Ctrl+Y kopierar "
        "den med OSC 52) och godkänn i Fortnox. Med ssh -L till lyssnarens port kommer svaret hit av sig självt; "
        "annars klistrar du in adressen webbläsaren hamnar på, eller koden, och trycker Enter. Programmet "
        "kontrollerar att Fortnox-företaget har det här företagets organisationsnummer innan kopplingen sparas. "
        "Esc avbryter.",
        "help.new_company": "Ett nytt företag: namn, organisationsnummer och datakälla. Tab flyttar mellan fälten, "
        "Enter i ett fält (eller Ctrl+S) skapar företaget. Med Fortnox som källa går du sedan vidare till "
        "importinställningarna för att ansluta.",
        "confirm.yes": "Ja (j)",
        "confirm.no": "Nej (n)",
        "import.mismatch": "Filen gäller {found}, det här företaget är {expected}. Importera ändå?",
        "import.mismatch_no_org": "Filen saknar organisationsnummer (#ORGNR), det här företaget är {expected}. "
        "Importera ändå?",
        "overview.import_placeholder": "Sökväg till en SIE-fil för företaget (Enter importerar, Esc avbryter)",
        "companies.title": "Företag",
        "companies.none": "Inga företag ännu. Importera en SIE-fil nedan, eller Esc och n för ett nytt företag.",
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
        "importen körs i bakgrunden och syns i aktivitetsloggen. n startar ett nytt företag: namn, organisationsnummer "
        "och datakälla.",
        "help.overview": "Företagets räkenskapsår, senaste import, kontrollerna för valt år och resultatet "
        "per månad. Byt år med vänster- och högerpil. Tryck i, skriv sökvägen till en SIE-fil och Enter för "
        "att importera den till det här företaget; gäller filen ett annat organisationsnummer frågar "
        "programmet först. Med Fortnox som källa hämtar f bokföringen från Fortnox i stället; s öppnar "
        "importinställningarna (datakälla, anslut, koppla från).",
        "help.trial_balance": "Ingående saldo, periodens rörelse och utgående saldo per konto. "
        "Enter öppnar kontoanalysen.",
        "help.transactions": "Årets alla transaktioner. Filtrera med f: konto:1930 eller konto:3000..3999, "
        "period:2025-03 eller period:2025-01..2025-06, serie:A, belopp:100..500 (absolutbelopp), ks:10, "
        "projekt:P1, och fria ord som söks i texterna. Enter öppnar kontoanalysen för radens konto.",
        "help.account": "Kontots ingående saldo, alla transaktioner i datumordning med löpande saldo, "
        "och utgående saldo. Enter öppnar radens verifikation.",
        "key.closing": "Bokslut",
        "key.new": "Ny",
        "key.new_entry": "Ny bokslutstransaktion",
        "key.edit": "Ändra",
        "key.template": "Mall",
        "key.export": "Exportera",
        "key.delete_restore": "Ta bort / återställ",
        "key.reverse": "Återför",
        "key.not_applicable": "Ej aktuell för överföring",
        "key.show_deleted": "Visa borttagna",
        "key.choose": "Välj",
        "key.save": "Spara",
        "key.add_row": "Ny rad",
        "key.remove_row": "Ta bort rad",
        "key.check": "Kontrollera",
        "key.export_fortnox": "Exportera till Fortnox",
        "status.not_exported": "ej exporterad",
        "status.exported": "exporterad",
        "status.not_applicable": "ej aktuell",
        "closing.title": "Bokslutstransaktioner",
        "closing.title_year": "Bokslutstransaktioner {start}–{end}",
        "closing.deleted": "borttagen",
        "closing.none": "Inga bokslutstransaktioner ännu: n skapar en, t utgår från en mall.",
        "closing.sie_placeholder": "Ny SIE-fil att skriva transaktionerna till (Enter exporterar, Esc avbryter)",
        "closing.no_path": "Skriv sökvägen till en ny SIE-fil.",
        "closing.exporting": "Exporterar…",
        "closing.sie_exported": "Klart: {summary}",
        "closing.export_failed": "Exporten misslyckades: {message}",
        "closing.restored": "Transaktion {entry} är återställd.",
        "closing.deleted_one": "Transaktion {entry} är borttagen (h visar borttagna, d återställer).",
        "closing.reversed": "Transaktion {entry} är återförd med en ny transaktion.",
        "closing.marked": "Transaktion {entry}: ej aktuell för överföring ändrad.",
        "closing.showing_deleted": "Borttagna transaktioner visas.",
        "closing.hiding_deleted": "Borttagna transaktioner döljs.",
        "template.title": "Mallar",
        "template.account": "Ditt kostnadskonto (Enter går vidare)",
        "template.amount": "Belopp (Enter skapar)",
        "editor.title_new": "Ny bokslutstransaktion",
        "editor.title_edit": "Bokslutstransaktion {entry}",
        "editor.date": "Datum",
        "editor.text": "Text",
        "editor.rows": "Rader",
        "editor.row": "Rad {row}",
        "editor.debit": "Debet",
        "editor.credit": "Kredit",
        "editor.cost_center": "Kostnadsställe",
        "editor.project": "Projekt",
        "editor.row_text": "Radtext",
        "editor.bad_date": "{date} är inget datum; skriv ÅÅÅÅ-MM-DD",
        "editor.bad_amount": "inget belopp; skriv t.ex. 1234,50",
        "editor.balance": "Debet {debit}  Kredit {credit}",
        "editor.difference": "Differens {difference}",
        "editor.no_account": "Inget konto i kontoplanen matchar",
        "editor.saved": "Transaktion {entry} är sparad.",
        "series.title": "Exportera till Fortnox",
        "series.reading": "Hämtar årets verifikationsserier från Fortnox…",
        "series.manual": "manuell",
        "series.not_manual": "ej manuell: kan inte väljas",
        "series.choose": "Välj serie (pilar), c kontrollerar, x exporterar när kontrollen är ren.",
        "series.checking": "Kontrollerar transaktionerna mot Fortnox för serie {series}…",
        "series.entry_ok": "ok",
        "series.clean": "Kontrollen är ren: {count} transaktioner kan skickas till serie {series}. x exporterar.",
        "series.nothing": "Inga transaktioner att exportera.",
        "series.problems": "{count} problem; rätta dem och kontrollera igen (c).",
        "series.exporting": "Exporterar till serie {series}…",
        "series.exported": "Klart: {summary}",
        "series.export_failed": "Exporten avbröts: {message}",
        "series.reconnect": "Kopplingen till Fortnox har löpt ut: gör en ny import (f i översikten) för att "
        "återansluta innan du exporterar.",
        "help.closing": "Årets bokslutstransaktioner med status: ej exporterad, exporterad (Fortnox-serie och "
        "nummer, eller SIE-filen), ej aktuell eller misslyckad med orsak. n skapar en ny, Enter ändrar, t utgår "
        "från en mall, d tar bort eller återställer, h visar borttagna, r återför en exporterad, a växlar ej "
        "aktuell för överföring. x exporterar: till Fortnox via valet av verifikationsserie, eller som SIE-fil.",
        "help.template": "Välj en mall med pilarna och Enter. Mallar med fasta konton föreslår beloppet ur "
        "bokföringen; periodiseringar frågar efter ditt kostnadskonto och beloppet. Transaktionen öppnas sedan i "
        "redigeraren för att sparas.",
        "help.editor": "Datum, text och rader. Tab och Enter flyttar mellan fälten. Skriv kontonummer eller en del "
        "av kontots namn: förslagen visas under raderna, höger pil tar förslaget och Enter tar det första "
        "kontot. Balansen räknas medan du skriver (grön vid noll) och felen visas vid fälten. Ctrl+N ny rad, "
        "Ctrl+R tar bort raden, Ctrl+S sparar, Esc avbryter.",
        "help.series": "Välj den verifikationsserie i Fortnox som bokslutstransaktionerna ska bokföras i; bara "
        "manuella serier kan väljas och I (Bokslut) är förvald. c kontrollerar allt mot Fortnox innan något "
        "skickas, och x exporterar när kontrollen är ren. Varje transaktion skickas en gång och får status "
        "exporterad med serie och nummer.",
        "help.tasks": "Aktivitetsloggens historik: importer och exporter med status och antal. "
        "s byter statusfilter, k byter typfilter.",
        "key.checks": "Kontroller",
        "key.periods": "Perioder",
        "key.reports": "Rapporter",
        "key.run_checks": "Kör",
        "key.rows": "Rader",
        "key.mark_done": "Klar",
        "key.check_settings": "Inställn.",
        "key.toggle": "På/av",
        "key.lock": "Lås",
        "key.unlock": "Lås upp",
        "key.report_trial_balance": "Saldobalans",
        "key.report_income_statement": "RR",
        "key.report_balance_sheet": "BR",
        "key.final": "Slutlig",
        "key.final_toggle": "Preliminär eller slutlig",
        "key.write_xlsx": "XLSX",
        "column.check": "Kontroll",
        "column.period": "Period",
        "column.id": "Id",
        "column.start": "Från",
        "column.end": "Till",
        "column.state": "Läge",
        "column.changed": "Ändrad",
        "column.row": "Rad",
        "column.previous_closing": "UB föreg. år",
        "status.red": "fynd",
        "status.orange": "ej körd",
        "status.green": "ok",
        "status.locked": "låst",
        "status.unlocked": "upplåst",
        "status.open": "öppen",
        "status.paused": "pausad",
        "status.not_started": "ej påbörjad",
        "checks.title": "Kontroller",
        "checks.title_year": "Kontroller {start}–{end}",
        "checks.year": "året",
        "checks.none": "Inga resultat ännu: r kör kontrollerna.",
        "checks.stale": "(inaktuell)",
        "checks.running": "Kör kontrollerna…",
        "checks.ran": "Kontrollerna är körda.",
        "checks.done_by": "Markerad klar av {who} {when}.",
        "checks.marked_done": "Markerad klar av {who} {when}.",
        "checks.rows_count": "{count} rader.",
        "check_settings.title": "Inställningar för kontroller",
        "check_settings.hint": "Blanksteg slår på eller av den markerade kontrollen.",
        "check_settings.enabled": "{name} är påslagen.",
        "check_settings.disabled": "{name} är avslagen.",
        "periods.title": "Perioder",
        "periods.title_year": "Perioder {start}–{end}",
        "periods.ask_lock": "Låsa period {period}?",
        "periods.ask_unlock": "Låsa upp period {period} tillfälligt? Nästa period pausas tills den låses igen.",
        "periods.locked": "Period {period} är låst.",
        "periods.unlocked": "Period {period} är tillfälligt upplåst.",
        "reports.title": "Rapporter",
        "reports.trial_balance": "Saldobalans",
        "reports.income_statement": "Resultaträkning",
        "reports.balance_sheet": "Balansräkning",
        "reports.final": "slutlig, med bokslutstransaktioner",
        "reports.preliminary": "preliminär, utan bokslutstransaktioner",
        "reports.path_placeholder": "XLSX-fil att skriva (Enter skriver, Esc avbryter)",
        "reports.no_path": "Skriv sökvägen till XLSX-filen.",
        "reports.writing": "Skriver…",
        "reports.written": "Skriven: {path}",
        "reports.write_failed": "Det gick inte att skriva filen: {message}",
        "help.checks": "Årets kontrollresultat: rött (fynd), orange (kunde inte köras), grönt (inget hittat) eller "
        "klar (markerad av någon). r kör kontrollerna igen, Enter visar raderna bakom ett fynd, d markerar fyndet "
        "klart, c öppnar inställningarna där inbyggda kontroller slås på och av.",
        "help.check_rows": "Raderna som kontrollen hittade, som de lagrades.",
        "help.check_settings": "Företagets kontroller. Blanksteg slår på eller av den markerade; inbyggda kontroller "
        "kan inte ändras.",
        "help.periods": "Årets perioder med läge: låst, tillfälligt upplåst, öppen, pausad eller ej påbörjad. l "
        "låser den markerade perioden (efter de tidigare), u låser upp den tillfälligt.",
        "help.reports": "1 saldobalans, 2 resultaträkning, 3 balansräkning, med föregående år bredvid. f växlar "
        "mellan preliminär (utan bokslutstransaktioner) och slutlig. w skriver rapporten till en XLSX-fil.",
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
        "key.fortnox_import": "Import from Fortnox",
        "key.settings": "Source",
        "key.import_settings": "Import settings",
        "key.new_company": "New company",
        "key.switch_source": "Data source",
        "key.connect": "Connect",
        "key.disconnect": "Disconnect Fortnox company",
        "key.disconnect_short": "Disconnect",
        "key.copy_address": "Copy address",
        "key.sandbox_consent": "Approve in sandbox",
        "key.retry": "Try again",
        "key.cancel": "Cancel",
        "key.create": "Create",
        "source.fortnox": "Fortnox",
        "source.sie_file": "SIE file",
        "overview.source": "Source: {source}",
        "companies.importing_step": "Importing from {file}: {step} {counts}",
        "fortnox.connected_days": "connected, {days} days left",
        "fortnox.expired": "expired: connect again",
        "fortnox.disconnected": "not connected",
        "fortnox.connect_again": "Connect again: s (Import settings) on the overview, then c (Connect).",
        "settings.title": "Import settings",
        "settings.source": "Data source (d switches)",
        "settings.fortnox": "Fortnox connection",
        "settings.connection": "State",
        "settings.token_store": "Token kept in",
        "settings.choose_fortnox": "Choose Fortnox as the data source (d) to connect.",
        "settings.connect_hint": "Connect (c): open an address in a browser on any machine and approve in Fortnox.",
        "settings.switched": "The data source is now {source}. The books stay; the next import comes from it.",
        "settings.disconnect_question": "Disconnect {company} from Fortnox? The connection is revoked at Fortnox "
        "and forgotten here; the imported books stay.",
        "settings.disconnecting": "Disconnecting from Fortnox…",
        "settings.disconnect_failed": "Not disconnected: {message}",
        "settings.disconnected": "Disconnected: Fortnox revoked the connection and it is forgotten here.",
        "settings.disconnected_already": "Disconnected: the connection is forgotten here (Fortnox had already let "
        "it go).",
        "connect.title": "Connect to Fortnox",
        "connect.open": "Open this address in a browser, on this or any other machine, and approve in Fortnox:",
        "connect.preparing": "Preparing the address…",
        "connect.next_ssh": "Then: with ssh -L {port}:127.0.0.1:{port} to this machine the answer arrives here by "
        "itself. Otherwise copy the address the browser ends on (even if the page does not load), paste it below "
        "and press Enter.",
        "connect.next_paste": "Then copy the address the browser ends on (even if the page does not load), paste it "
        "below and press Enter.",
        "connect.paste_placeholder": "Paste the address the browser ended on, or the code (Enter)",
        "connect.nothing_pasted": "Paste the address the browser ended on, or the code.",
        "connect.checking": "Checking the answer with Fortnox…",
        "connect.connected": "Connected to {name} ({org}) in Fortnox. The connection lasts {days} days and is "
        "renewed by every import and export.",
        "connect.store": "The token is kept in the {store}.",
        "connect.failed": "Not connected: {message}",
        "connect.retry_hint": "Try again with a new address (r), or go back (Esc).",
        "connect.copied": "Address copied (OSC 52; tmux needs set -g set-clipboard on).",
        "new_company.title": "New company",
        "new_company.name": "Company name",
        "new_company.org_number": "Organisation number",
        "new_company.source": "Data source (Tab here, arrows and Enter choose)",
        "new_company.no_name": "Type the company's name.",
        "new_company.no_org": "Type the organisation number (NNNNNN-NNNN).",
        "help.settings": "The company's data source and Fortnox connection. d switches the source between Fortnox "
        "and SIE file; the books stay. c connects to Fortnox (a token valid 30 days, renewed by every import and "
        "export), x disconnects: the connection is revoked at Fortnox and forgotten here. The state shows the days "
        "the connection has left and where the token is kept.",
        "help.connect": "Connect with no browser on this machine: open the address on any machine (Ctrl+Y copies "
        "it with OSC 52) and approve in Fortnox. With ssh -L to the listener's port the answer arrives here by "
        "itself; otherwise paste the address the browser ends on, or the code, and press Enter. bokslut checks "
        "that the Fortnox company has this company's organisation number before it keeps the connection. "
        "Esc cancels.",
        "help.new_company": "A new company: name, organisation number and data source. Tab moves between the "
        "fields, Enter in a field (or Ctrl+S) creates the company. With Fortnox as the source you go on to the "
        "import settings to connect.",
        "confirm.yes": "Yes (y)",
        "confirm.no": "No (n)",
        "import.mismatch": "The file is for {found}, this company is {expected}. Import anyway?",
        "import.mismatch_no_org": "The file has no organisation number (#ORGNR), this company is {expected}. "
        "Import anyway?",
        "overview.import_placeholder": "Path of a SIE file for this company (Enter imports, Esc cancels)",
        "companies.title": "Companies",
        "companies.none": "No companies yet. Import a SIE file below, or Esc and n for a new company.",
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
        "in the background and shows in the activity log. n starts a new company: name, organisation number and data "
        "source.",
        "help.overview": "The company's fiscal years, its last import, the checks of the chosen year and the "
        "result per month. Change the year with the left and right arrows. Press i, type the path of a SIE file "
        "and Enter to import it into this company; a file for another organisation number is asked about first. "
        "When Fortnox is the source, f imports from Fortnox instead; s opens the import settings (data source, "
        "connect, disconnect).",
        "help.trial_balance": "Opening balance, the year's movement and closing balance per account. "
        "Enter opens the account analysis.",
        "help.transactions": "Every transaction of the year. Filter with f: account:1930 or account:3000..3999, "
        "period:2025-03 or period:2025-01..2025-06, series:A, amount:100..500 (absolute amount), cc:10, "
        "project:P1, and free words searched in the texts. Enter opens the account analysis of the row's account.",
        "help.account": "The account's opening balance, every transaction in date order with the running "
        "balance, and the closing balance. Enter opens the row's voucher.",
        "key.closing": "Closing",
        "key.new": "New",
        "key.new_entry": "New closing entry",
        "key.edit": "Edit",
        "key.template": "Template",
        "key.export": "Export",
        "key.delete_restore": "Delete / restore",
        "key.reverse": "Reverse",
        "key.not_applicable": "Not applicable for transfer",
        "key.show_deleted": "Show deleted",
        "key.choose": "Choose",
        "key.save": "Save",
        "key.add_row": "New row",
        "key.remove_row": "Remove row",
        "key.check": "Check",
        "key.export_fortnox": "Export to Fortnox",
        "status.not_exported": "not exported",
        "status.exported": "exported",
        "status.not_applicable": "not applicable",
        "closing.title": "Closing entries",
        "closing.title_year": "Closing entries {start}–{end}",
        "closing.deleted": "deleted",
        "closing.none": "No closing entries yet: n makes one, t starts from a template.",
        "closing.sie_placeholder": "New SIE file to write the entries to (Enter exports, Esc cancels)",
        "closing.no_path": "Type the path of a new SIE file.",
        "closing.exporting": "Exporting…",
        "closing.sie_exported": "Done: {summary}",
        "closing.export_failed": "The export failed: {message}",
        "closing.restored": "Entry {entry} is restored.",
        "closing.deleted_one": "Entry {entry} is deleted (h shows deleted entries, d restores).",
        "closing.reversed": "Entry {entry} is reversed by a new entry.",
        "closing.marked": "Entry {entry}: not applicable for transfer changed.",
        "closing.showing_deleted": "Deleted entries are shown.",
        "closing.hiding_deleted": "Deleted entries are hidden.",
        "template.title": "Templates",
        "template.account": "Your cost account (Enter goes on)",
        "template.amount": "Amount (Enter makes the entry)",
        "editor.title_new": "New closing entry",
        "editor.title_edit": "Closing entry {entry}",
        "editor.date": "Date",
        "editor.text": "Text",
        "editor.rows": "Rows",
        "editor.row": "Row {row}",
        "editor.debit": "Debit",
        "editor.credit": "Credit",
        "editor.cost_center": "Cost centre",
        "editor.project": "Project",
        "editor.row_text": "Row text",
        "editor.bad_date": "{date} is not a date; type YYYY-MM-DD",
        "editor.bad_amount": "not an amount; type e.g. 1234.50",
        "editor.balance": "Debit {debit}  Credit {credit}",
        "editor.difference": "Difference {difference}",
        "editor.no_account": "No account in the chart matches",
        "editor.saved": "Entry {entry} is saved.",
        "series.title": "Export to Fortnox",
        "series.reading": "Reading the year's voucher series from Fortnox…",
        "series.manual": "manual",
        "series.not_manual": "not manual: cannot be chosen",
        "series.choose": "Choose a series (arrows), c checks, x exports once the check is clean.",
        "series.checking": "Checking the entries against Fortnox for series {series}…",
        "series.entry_ok": "ok",
        "series.clean": "The check is clean: {count} entries can be sent to series {series}. x exports.",
        "series.nothing": "No entries to export.",
        "series.problems": "{count} problem(s); fix them and check again (c).",
        "series.exporting": "Exporting to series {series}…",
        "series.exported": "Done: {summary}",
        "series.export_failed": "The export stopped: {message}",
        "series.reconnect": "The connection to Fortnox has expired: perform a new import (f on the overview) to "
        "reconnect before you export.",
        "help.closing": "The year's closing entries with their status: not exported, exported (Fortnox series and "
        "number, or the SIE file), not applicable, or failed with the reason. n makes a new one, Enter edits, t "
        "starts from a template, d deletes or restores, h shows deleted ones, r reverses an exported one, a toggles "
        "not applicable for transfer. x exports: to Fortnox through the choice of voucher series, or as a SIE file.",
        "help.template": "Choose a template with the arrows and Enter. Templates with fixed accounts suggest the "
        "amount from the books; accruals ask for your cost account and the amount. The entry then opens in the "
        "editor to be saved.",
        "help.editor": "Date, text and rows. Tab and Enter move between the fields. Type an account number or part "
        "of the account's name: the matches show under the rows, the right arrow takes the suggestion and Enter "
        "the first account. The balance is summed as you type (green at zero) and problems show at their fields. "
        "Ctrl+N adds a row, Ctrl+R removes it, Ctrl+S saves, Esc cancels.",
        "help.series": "Choose the Fortnox voucher series the closing entries are posted to; only manual series can "
        "be chosen and I (Bokslut) is preselected. c checks everything against Fortnox before anything is sent, "
        "and x exports once the check is clean. Each entry is sent once and gets the status exported with its "
        "series and number.",
        "help.tasks": "The activity log's history: imports and exports with status and counts. "
        "s changes the status filter, k the kind filter.",
        "key.checks": "Checks",
        "key.periods": "Periods",
        "key.reports": "Reports",
        "key.run_checks": "Run",
        "key.rows": "Rows",
        "key.mark_done": "Done",
        "key.check_settings": "Settings",
        "key.toggle": "On/off",
        "key.lock": "Lock",
        "key.unlock": "Unlock",
        "key.report_trial_balance": "Trial bal.",
        "key.report_income_statement": "Income",
        "key.report_balance_sheet": "Balance",
        "key.final": "Final",
        "key.final_toggle": "Preliminary or final",
        "key.write_xlsx": "XLSX",
        "column.check": "Check",
        "column.period": "Period",
        "column.id": "Id",
        "column.start": "From",
        "column.end": "To",
        "column.state": "State",
        "column.changed": "Changed",
        "column.row": "Row",
        "column.previous_closing": "Prev. closing",
        "status.red": "found",
        "status.orange": "not run",
        "status.green": "ok",
        "status.locked": "locked",
        "status.unlocked": "unlocked",
        "status.open": "open",
        "status.paused": "paused",
        "status.not_started": "not started",
        "checks.title": "Checks",
        "checks.title_year": "Checks {start}–{end}",
        "checks.year": "year",
        "checks.none": "No results yet: r runs the checks.",
        "checks.stale": "(stale)",
        "checks.running": "Running the checks…",
        "checks.ran": "The checks have run.",
        "checks.done_by": "Marked done by {who} {when}.",
        "checks.marked_done": "Marked done by {who} {when}.",
        "checks.rows_count": "{count} rows.",
        "check_settings.title": "Check settings",
        "check_settings.hint": "Space switches the highlighted check on or off.",
        "check_settings.enabled": "{name} is on.",
        "check_settings.disabled": "{name} is off.",
        "periods.title": "Periods",
        "periods.title_year": "Periods {start}–{end}",
        "periods.ask_lock": "Lock period {period}?",
        "periods.ask_unlock": "Unlock period {period} for a while? The next period pauses until it is locked again.",
        "periods.locked": "Period {period} is locked.",
        "periods.unlocked": "Period {period} is temporarily unlocked.",
        "reports.title": "Reports",
        "reports.trial_balance": "Trial balance",
        "reports.income_statement": "Income statement",
        "reports.balance_sheet": "Balance sheet",
        "reports.final": "final, with closing entries",
        "reports.preliminary": "preliminary, without closing entries",
        "reports.path_placeholder": "XLSX file to write (Enter writes, Esc cancels)",
        "reports.no_path": "Type the path of the XLSX file.",
        "reports.writing": "Writing…",
        "reports.written": "Written: {path}",
        "reports.write_failed": "The file could not be written: {message}",
        "help.checks": "The year's check results: red (found something), orange (could not run), green (nothing "
        "found) or done (marked by someone). r runs the checks again, Enter shows the rows behind a finding, d marks "
        "it done, c opens the settings where built-in checks are switched on and off.",
        "help.check_rows": "The rows the check found, as they were stored.",
        "help.check_settings": "The company's checks. Space switches the highlighted one on or off; built-in checks "
        "cannot be edited.",
        "help.periods": "The year's periods with their state: locked, temporarily unlocked, open, paused or not "
        "started. l locks the highlighted period (after the earlier ones), u unlocks it for a while.",
        "help.reports": "1 trial balance, 2 income statement, 3 balance sheet, with the previous year beside it. f "
        "switches between preliminary (without closing entries) and final. w writes the report to an XLSX file.",
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
