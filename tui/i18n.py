"""Swedish and English texts of the interface, and numbers written the way each reader expects.

Every text is looked up by key with `t`; both languages must have every key (a test checks it).
Binding descriptions are keys too, translated when a screen is created.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from decimal import Decimal

from core.errors import translate_with
from core.money import round_to_ore
from core.sie.errors import Phrase
from core.store.orgnr import format_org_number

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
        "token_store.keyring": "systemets nyckelring ({where})",
        "token_store.file": "filen {where} (läsbar bara för dig, 0600)",
        "token_store.encrypted_file": "den krypterade filen {where} (läsbar bara för dig, 0600)",
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
        "hur många dagar kopplingen har kvar och var token sparas. l byter gränssnittets språk (sparas i "
        "konfigurationsfilen), y börjar ett nytt år.",
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
        "summary.imported": "{company} ({org}) {year}: importerade {vouchers} verifikationer, {transactions} "
        "transaktioner, {balances} saldon; kontroller: {checks}",
        "summary.replaced": "{company} ({org}) {year}: ersatte året med {vouchers} verifikationer, {transactions} "
        "transaktioner, {balances} saldon; kontroller: {checks}",
        "summary.no_year": "inget räkenskapsår",
        "summary.all_ok": "alla utan anmärkning",
        "summary.fortnox": "{company} ({org}): importerade {years} år från Fortnox ({spans}), {vouchers} verifikationer, "
        "{transactions} transaktioner, {requests} anrop på {seconds} s",
        "summary.export": "Fortnox-serie {series}: {sent} skickade, {found} hittade efter ett förlorat svar, {skipped} "
        "överhoppade, {failed} misslyckade",
        "summary.export_unsent": ", {unsent} inte skickade eftersom Fortnox inte svarade (exportera igen senare)",
        "summary.sie_export_one": "skrev 1 bokslutspost ({ids}) till {path}",
        "summary.sie_export": "skrev {count} bokslutsposter ({ids}) till {path}",
        "summary.sie_skipped": "; hoppade över {count}: {reasons}",
        "summary.sie_skipped_entry": "post {id} {why}",
        "summary.activity_import_fortnox": "Fortnox: {summary}. Steg: {steps}",
        "summary.activity_step": "{what} {seconds} s",
        "summary.activity_export_fortnox": "Export till {summary}",
        "summary.activity_connected": "ansluten till Fortnox: {company} ({org})",
        "summary.activity_disconnected": "frånkopplad från Fortnox",
        "summary.activity_disconnected_invalid": "frånkopplad från Fortnox (token var redan ogiltig hos Fortnox)",
        "summary.activity_failed": "{subject}: {error}",
        "summary.subject_fortnox_series": "Fortnox-serie {series}",
        "summary.activity_interrupted": "{subject}: avbruten, processen slutade innan arbetet var klart",
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
        "och datakälla. y startar ett nytt år för det markerade företaget.",
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
        "Ctrl+R tar bort raden, Ctrl+S sparar, Esc avbryter (och frågar först om något har ändrats).",
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
        "reports.path_placeholder": "{format}-fil att skriva (Enter skriver, Esc avbryter)",
        "reports.no_path": "Skriv sökvägen till filen.",
        "reports.writing": "Skriver…",
        "reports.written": "Skriven: {path}",
        "reports.write_failed": "Det gick inte att skriva filen: {message}",
        "help.checks": "Årets kontrollresultat: rött (fynd), orange (kunde inte köras), grönt (inget hittat) eller "
        "klar (markerad av någon). r kör kontrollerna igen, Enter visar raderna bakom ett fynd, d markerar fyndet "
        "klart, c öppnar inställningarna där inbyggda kontroller slås på och av.",
        "help.check_rows": "Raderna som kontrollen hittade, som de lagrades.",
        "help.check_settings": "Företagets kontroller. Blanksteg slår på eller av den markerade; inbyggda kontroller "
        "kan inte ändras. a lägger till en egen kontroll.",
        "help.periods": "Årets perioder med läge: låst, tillfälligt upplåst, öppen, pausad eller ej påbörjad. l "
        "låser den markerade perioden (efter de tidigare), u låser upp den tillfälligt. k växlar mellan månader "
        "och kvartal så länge ingen period har låsts.",
        "help.reports": "1 saldobalans, 2 resultaträkning, 3 balansräkning, med föregående år bredvid. f växlar "
        "mellan preliminär (utan bokslutstransaktioner) och slutlig. w skriver rapporten till en XLSX-fil, c till "
        "en CSV-fil.",
        "editor.discard_question": "Kasta ändringarna i transaktionen?",
        "key.period_kind": "Mån/kvartal",
        "key.period_kind_full": "Byt mellan månader och kvartal",
        "periods.by_month": "per månad",
        "periods.by_quarter": "per kvartal",
        "periods.kind_changed": "Perioderna är nu {kind}.",
        "key.write_csv": "CSV",
        "key.language": "Språk",
        "key.new_year": "Nytt år",
        "settings.interface": "Gränssnitt",
        "settings.language": "Språk",
        "settings.language_failed": "Språket kunde inte sparas: {message}",
        "language.sv": "Svenska",
        "language.en": "English",
        "key.next_step": "Vidare",
        "new_year.title": "Nytt år",
        "new_year.years": "Kända räkenskapsår",
        "new_year.next": "Nästa år",
        "new_year.as_source_says": "(som datakällan anger när året importeras)",
        "new_year.hint_file": "Enter: skriv sökvägen till det nya årets SIE-fil. d byter datakälla.",
        "new_year.hint_connect": "Enter: anslut till Fortnox, sedan importeras det nya året. d byter datakälla.",
        "new_year.hint_import": "Enter: importera det nya året från Fortnox. d byter datakälla.",
        "new_year.path_placeholder": "Det nya årets SIE-fil (Enter importerar, Esc avbryter)",
        "help.new_year": "Ett nytt räkenskapsår: företagets kända år och nästa års väntade datum. Året skapas av "
        "importen, som Fortnox eller SIE-filens #RAR anger det. d byter datakälla mellan Fortnox och SIE-fil. "
        "Enter går vidare: ansluter till Fortnox om kopplingen saknas, annars importeras året därifrån; för en "
        "SIE-fil skrivs sökvägen till det nya årets fil.",
        "key.add_check": "Ny kontroll",
        "check_settings.added": "{name} är tillagd.",
        "check_kind.amount_threshold": "Belopp över eller under en gräns",
        "check_kind.transaction_count": "Antal transaktioner per period",
        "check_kind.empty_accounts": "Konton som ska vara tomma",
        "new_check.title": "Ny kontroll",
        "new_check.name": "Namn",
        "new_check.kind": "Typ (Tab hit, pilar och Enter väljer)",
        "new_check.accounts": "Konton (t.ex. 1930, 5400..5499)",
        "new_check.above": "Över belopp",
        "new_check.below": "Under belopp",
        "new_check.min": "Minst antal transaktioner per period",
        "new_check.max": "Högst antal transaktioner per period",
        "new_check.this_check": "kontrollen",
        "new_check.no_name": "Ge kontrollen ett namn.",
        "new_check.no_accounts": "Ange minst ett konto.",
        "new_check.bad_amount": "{typed} är inget belopp; skriv t.ex. 10000,00.",
        "new_check.bad_count": "{typed} är inget heltal.",
        "new_check.no_bound_amount": "Ange ett belopp över eller under (eller båda).",
        "new_check.no_bound_count": "Ange minst eller högst (eller båda).",
        "help.new_check": "En egen kontroll: ett namn, en typ och kontona (nummer eller intervall som 5400..5499). "
        "Belopp över eller under en gräns och antal transaktioner per period (månad eller kvartal) frågar efter sina gränser. Ctrl+S "
        "sparar, Esc avbryter; felen visas vid fälten.",
        # check names (by check id) and messages (check.<id or custom kind>.<message key>; shared reasons check.<key>)
        "check_name.voucher-balance": "Verifikationer som inte balanserar",
        "check_name.closing-balances": "IB + transaktioner skiljer sig från UB",
        "check_name.results": "Transaktionerna skiljer sig från #RES",
        "check_name.voucher-numbering": "Luckor och dubbletter i verifikationsnumreringen",
        "check_name.voucher-dates": "Verifikationer daterade utanför räkenskapsåret",
        "check_name.opening-balance": "IB skiljer sig från föregående års UB",
        "check_name.result-transferred": "Föregående års resultat inte överfört",
        "check_name.unusual-sign": "Balanskonton med ovanligt tecken",
        "check_name.unusual-counts": "Ovanligt många transaktioner på ett konto",
        "check_name.unusual-amounts": "Ovanligt höga belopp",
        "check_name.count-vs-last-year": "Transaktioner per konto mot samma period i fjol",
        "check_name.vat-settlement": "Bokförd moms mot momsredovisningen på 2650",
        "check_name.vat-rate": "Moms som inte är väntad andel av underlaget",
        "check_name.possible-duplicates": "Möjliga dubbletter",
        "check_name.round-amounts": "Jämna belopp",
        "check_name.weekend-postings": "Bokföringar på helger",
        "check_name.changed-vouchers": "Verifikationer ändrade eller borttagna sedan förra importen",
        "check.no-vouchers": "året har inga verifikationer (en SIE-fil av typ 1–3 har bara saldon)",
        "check.no-previous-year": "föregående års transaktioner är inte importerade",
        "check.too-few-periods": "behöver {needed} tidigare perioder med transaktioner, hittade {found}",
        "check.voucher-balance.found": "{count} verifikationer balanserar inte (debet ≠ kredit)",
        "check.voucher-balance.clean": "alla verifikationer balanserar",
        "check.closing-balances.no-balances": "året har inga #IB eller #UB att jämföra med",
        "check.closing-balances.found": "{count} balanskonton där #IB + transaktioner ≠ #UB",
        "check.closing-balances.clean": "#IB + transaktioner = #UB på alla balanskonton",
        "check.results.no-res": "året har inget #RES att jämföra med",
        "check.results.found": "{count} resultatkonton där transaktionerna ≠ #RES",
        "check.results.clean": "transaktionerna är lika med #RES på alla resultatkonton",
        "check.voucher-numbering.found": "{count} luckor eller dubbletter i verifikationsnumreringen",
        "check.voucher-numbering.clean": "inga luckor eller dubbletter i någon serie",
        "check.voucher-dates.found": "{count} verifikationer är daterade utanför räkenskapsåret",
        "check.voucher-dates.clean": "alla verifikationer är daterade inom räkenskapsåret",
        "check.opening-balance.no-previous-year": "föregående år är inte importerat: inget utgående saldo att jämföra med",
        "check.opening-balance.no-previous-closing": "föregående år har inget #UB att jämföra med",
        "check.opening-balance.found": "{count} konton där #IB ≠ föregående års #UB",
        "check.opening-balance.clean": "#IB är lika med föregående års #UB på alla konton",
        "check.result-transferred.no-opening": "året har inget #IB",
        "check.result-transferred.found": "föregående års resultat är inte överfört: {count} konton med ingående saldo",
        "check.result-transferred.clean": "föregående års resultat är överfört",
        "check.unusual-sign.found": "{count} balanskonton med ovanligt tecken",
        "check.unusual-sign.clean": "alla balanskonton har sitt vanliga tecken",
        "check.unusual-counts.found": "{count} konton med ovanligt många transaktioner",
        "check.unusual-counts.clean": "inget konto har ovanligt många transaktioner",
        "check.unusual-amounts.found": "{count} transaktioner med ovanligt höga belopp",
        "check.unusual-amounts.clean": "ingen transaktion har ovanligt högt belopp",
        "check.count-vs-last-year.found": "{count} konton med ett annat antal transaktioner än samma period i fjol",
        "check.count-vs-last-year.clean": "alla konton har ungefär lika många transaktioner som samma period i fjol",
        "check.vat-settlement.no-settlement": "moms är bokförd men ingen verifikation redovisar den på {account}",
        "check.vat-settlement.found": "{count} momsredovisningar skiljer sig från momsen som bokförts i deras period",
        "check.vat-settlement.clean": "momsredovisningarna stämmer med den bokförda momsen (eller ingen moms är bokförd)",
        "check.vat-rate.found": "{count} momsrader är inte väntad andel av sitt underlag",
        "check.vat-rate.clean": "alla momsrader är väntad andel av sitt underlag",
        "check.possible-duplicates.found": "{count} möjliga dubbletter: samma belopp, resultatkonto och datum i två "
        "verifikationer",
        "check.possible-duplicates.clean": "inga möjliga dubbletter",
        "check.round-amounts.found": "{count} jämna belopp (hela tusental från {minimum}) på resultatkonton",
        "check.round-amounts.clean": "inga jämna belopp på resultatkonton",
        "check.weekend-postings.found": "{count} verifikationer är daterade på en helg",
        "check.weekend-postings.clean": "ingen verifikation är daterad på en helg",
        "check.changed-vouchers.no-previous-import": "året har importerats en gång, så det finns inget att jämföra med",
        "check.changed-vouchers.found": "{count} verifikationer ändrade eller borttagna i källan sedan förra importen",
        "check.changed-vouchers.clean": "ingen verifikation ändrad eller borttagen sedan förra importen",
        "check.amount-threshold.found": "{count} transaktioner utanför beloppsgränserna",
        "check.amount-threshold.clean": "ingen transaktion utanför beloppsgränserna",
        "check.transaction-count.found": "antalet transaktioner är utanför {expected}",
        "check.transaction-count.clean": "antalet transaktioner är inom {expected}",
        "check.empty-accounts.found": "{count} transaktioner på konton som ska vara tomma",
        "check.empty-accounts.clean": "kontona som ska vara tomma är tomma",
        # the rows behind a finding: column names and the words the checks write in them
        "check_column.series": "Serie",
        "check_column.number": "Nr",
        "check_column.date": "Datum",
        "check_column.account": "Konto",
        "check_column.amount": "Belopp",
        "check_column.problem": "Problem",
        "check_column.expected": "Väntat",
        "check_column.found": "Funnet",
        "check_column.after": "Efter",
        "check_column.before": "Före",
        "check_column.missing": "Saknas",
        "check_column.deviation": "Avvikelse",
        "check_column.compared_with": "Jämfört med",
        "check_column.limit": "Gräns",
        "check_column.period": "Period",
        "check_column.base": "Underlag",
        "check_column.vouchers": "Verifikationer",
        "check_column.weekday": "Veckodag",
        "check_column.voucher": "Ver",
        "check_word.duplicate": "dubblett",
        "check_word.gap": "lucka",
        "check_word.removed": "borttagen",
        "check_word.changed": "ändrad",
        "check_word.debit": "debet",
        "check_word.credit": "kredit",
        "check_word.Saturday": "lördag",
        "check_word.Sunday": "söndag",
        # closing-entry templates (by template name)
        "template_text.depreciation": "7832/1229: satsen för avskrivning × utgående saldo på 1220–1228, minus det "
        "som redan finns på 7832",
        "template_text.accrued-expenses": "ditt kostnadskonto/2990; ange beloppet",
        "template_text.prepaid-expenses": "1790/ditt kostnadskonto; ange beloppet",
        "template_text.tax": "8910/2512: skattesatsen × resultatet före skatt, hela kronor nedåt, minus det som redan "
        "finns på 8910",
        "template_text.periodiseringsfond": "8811/2125: högst satsen för periodiseringsfond × resultatet före "
        "bokslutsdispositioner och skatt, minus 8811",
        "template_text.excess-depreciation": "8853/2153; ange beloppet (negativt för att minska)",
        "template_text.year-result": "8999/2099: resultatet av klass 3–8, så att de summerar till noll",
        # a Fortnox import's steps, and the redirect listener
        "step.check-company": "förnyar kopplingen och kontrollerar företaget",
        "step.fetch-year": "hämtar {start}–{end}",
        "step.fetch-metadata": "hämtar kostnadsställen, projekt och låst period",
        "step.store": "sparar i databasen",
        "listener.listening": "Lyssnar på {url} efter svaret från Fortnox (eller klistra in adressen webbläsaren "
        "hamnar på).",
        "listener.not_listening": "Lyssnar inte efter svaret från Fortnox: {reason}. Kopiera adressen webbläsaren "
        "hamnar på när du har godkänt i Fortnox (även om sidan inte laddas) och klistra in den här.",
        "listener_reason.not-started": "lyssnaren har inte startat",
        "listener_reason.not-loopback": "omdirigeringsadressen är inte http://localhost",
        "listener_reason.port-in-use": "port {port} används av ett annat program",
        # errors from core, by their key (the English is core's own sentence)
        "error.cancelled": "avbruten",
        "error.os_error": "{where}{reason}. Kontrollera sökvägen och behörigheterna.",
        "error.sie_file": "{where}: {problem}",
        "error.sie_where_line": "{file}, rad {line}",
        "error.sie_field": "fält {field}",
        "error.sie_expected": "förväntat {expected}",
        # the SIE reader's problems, expectations, hints and warnings (core.sie.errors.PHRASES)
        "sie.cannot_read": "kan inte läsa filen ({reason})",
        "sie.line_too_long": "filen har en rad som är längre än 1 MB",
        "sie.too_big": "filen är större än {megabytes} MB",
        "sie.not_sie": "det här är ingen SIE-fil",
        "sie.balances_without_rar": "saldon men ingen #RAR som säger vilket år de hör till",
        "sie.sub_ore_amount": "beloppet {amount} har fler än två decimaler",
        "sie.ore_amount": "kronor med högst två decimaler",
        "sie.correct_amount": "Rätta beloppet i programmet som exporterade filen och exportera igen.",
        "sie.too_many_dimensions": "filen använder fler än {limit} dimensioner",
        "sie.too_many_objects": "dimension {dimension} har fler än {limit} objekt",
        "sie.ends_inside_voucher": "#VER {series} {number}: filen tar slut inne i verifikationen",
        "sie.ends_without_ksumma": "filen tar slut utan sin avslutande #KSUMMA",
        "sie.open_brace_without_ver": "en {{ som inte kommer efter en #VER",
        "sie.close_brace_without_block": "en }} som inte avslutar något #VER-block",
        "sie.no_label": "raden börjar inte med en #-etikett",
        "sie.block_not_closed": "#VER {series} {number}: dess {{ }}-block avslutas inte",
        "sie.ver_without_rows": "#VER {series} {number} följs inte av sina rader",
        "sie.row_outside_ver": "{label} utanför ett #VER-block",
        "sie.unclosed_quote": "ett fält inom citattecken saknar avslutande citattecken",
        "sie.list_inside_list": "en objektlista öppnas inuti en annan",
        "sie.list_not_opened": "en }} som inte avslutar någon objektlista",
        "sie.list_not_closed": "en objektlista saknar avslutande }}",
        "sie.year_ends_before_start": "räkenskapsår {year} slutar ({end:%Y-%m-%d}) innan det börjar "
        "({start:%Y-%m-%d})",
        "sie.missing": "{what} saknas",
        "sie.list_for_text": "en objektlista där en text ska stå",
        "sie.list_for_date": "en objektlista där ett datum ska stå",
        "sie.list_for_number": "en objektlista där {what} ska stå",
        "sie.number_with_comma": "{what} {value!r} har decimalkomma; SIE kräver decimalpunkt",
        "sie.number_with_plus": "{what} {value!r} har plustecken, vilket SIE inte tillåter",
        "sie.not_a_number": "{what} {value!r} är inget tal",
        "sie.checksum_not_a_number": "kontrollsumman {value!r} är inget tal",
        "sie.checksum_differs": "filen anger kontrollsumman {declared}, men innehållet ger {computed}",
        "sie.period_not_a_month": "perioden {period!r} är ingen månad",
        "sie.account_too_long": "kontonumret {value} har fler än sex siffror",
        "sie.account_not_numeric": "kontonumret {value!r} består inte bara av siffror",
        "sie.not_a_date": "{value!r} är inget datum",
        "sie.not_in_calendar": "datumet {value} finns inte i kalendern",
        "sie.year_not_a_number": "årsnumret saknas eller är inget tal",
        "sie.objects_not_pairs": "objektlistan består inte av par av dimension och objekt",
        "sie.account_number": "kontonumret",
        "sie.object_list": "objektlistan",
        "sie.amount": "beloppet",
        "sie.quantity": "kvantiteten",
        "sie.date": "datumet",
        "sie.dimension_number": "dimensionsnumret",
        "sie.parent_dimension": "den överordnade dimensionen",
        "sie.object_number": "objektnumret",
        "sie.one_record_per_line": "en post per rad",
        "sie.at_most_that_size": "en SIE-export som är högst så stor",
        "sie.flagga_first": "#FLAGGA som första post",
        "sie.open_brace_after_ver": "{{ bara på raden efter #VER",
        "sie.close_brace_after_rows": "}} bara efter raderna i en #VER",
        "sie.a_record": "en post som #TRANS, eller en {{- eller }}-rad",
        "sie.close_brace_before": "en }}-rad före rad {line}",
        "sie.block_after_ver": "en {{-rad efter #VER, sedan raderna, sedan en }}-rad",
        "sie.row_inside_block": "{label} bara mellan {{- och }}-raderna efter en #VER",
        "sie.closing_brace": "en }}-rad som avslutar verifikationens rader",
        "sie.closing_ksumma": "#KSUMMA med kontrollsumman som sista post",
        "sie.closing_quote": "ett avslutande \"",
        "sie.close_list": "en }}",
        "sie.open_list_before": "en {{ före den",
        "sie.close_list_at_end": "en }} som avslutar objektlistan",
        "sie.end_after_start": "ett slutdatum efter startdatumet",
        "sie.parent_number": "numret på den överordnade dimensionen, till exempel 1",
        "sie.dimension_like": "ett dimensionsnummer som 1 eller 6",
        "sie.object_like": "ett objektnummer som \"100\"",
        "sie.unsigned_number": "ett tal utan tecken på högst 32 bitar",
        "sie.content_checksum": "innehållets kontrollsumma, {computed}",
        "sie.month_like": "en månad skriven ÅÅÅÅMM, till exempel 202412",
        "sie.object_list_like": "en objektlista som {{}} eller {{1 \"100\"}}",
        "sie.row_like": "#TRANS kontonr {{objektlista}} belopp, till exempel #TRANS 1930 {{}} -1000.00",
        "sie.text_like": "en text (inom citattecken om den har mellanslag)",
        "sie.account_like": "ett kontonummer som 1930",
        "sie.account_of_six": "ett kontonummer med högst sex siffror, till exempel 1930",
        "sie.account_of_digits": "ett kontonummer med bara siffror, till exempel 1930",
        "sie.amount_like": "ett decimaltal med punkt, till exempel -1234.50",
        "sie.quantity_like": "ett decimaltal med punkt, till exempel 2.5",
        "sie.date_like": "ett datum som 20241231",
        "sie.date_written": "ett datum skrivet ÅÅÅÅMMDD, till exempel 20241231",
        "sie.real_date": "ett verkligt datum skrivet ÅÅÅÅMMDD, till exempel 20240229",
        "sie.year_index": "0 för innevarande år, -1 för föregående",
        "sie.pairs_like": "par av dimension och objekt, till exempel {{1 \"100\" 6 \"P1\"}}",
        "sie.few_dimensions": "några få dimensioner (kostnadsställen, projekt, ...)",
        "sie.objects_per_dimension": "högst {limit} objekt per dimension",
        "sie.fix_hint": "Rätta raden eller exportera filen igen från bokföringsprogrammet.",
        "sie.export_hint": "Exportera filen igen från bokföringsprogrammet.",
        "sie.cut_off": "Filen är troligen avkortad. {then}",
        "sie.changed": "Filen har ändrats efter exporten, eller är skadad. {then}",
        "sie.check_readable": "Kontrollera att filen finns och att du får läsa den.",
        "sie.not_an_export": "Det här är ingen SIE-export; välj .se/.si-filen från bokföringsprogrammet.",
        "sie.shorter_period": "Exportera en kortare period, eller höj max_file_mb under [import] i config.toml.",
        "sie.choose_export": "Välj .se/.si-filen som bokföringsprogrammet exporterade.",
        "sie.raise_objects": "Kontrollera att det är rätt fil, eller höj max_objects_per_dimension under [import] i "
        "config.toml.",
        "sie.not_cp437": "texten är {encoding}, inte CP437 (PC8) som SIE kräver; läst som {encoding}",
        "sie.invalid_utf8": "en del byte är inte giltig UTF-8; de läses som \ufffd",
        "sie.voucher_without_rows": "verifikation {series} {number} har inga rader",
        "sie.unknown_in_voucher": "okänd post {label} inuti en verifikation hoppades över",
        "sie.unknown_record": "okänd post {label} hoppades över",
        "sie.quote_to_line_end": "fält {field} saknar avslutande citattecken; läst till radens slut",
        "sie.format_not_pc8": "#FORMAT {format} är inte PC8; teckenuppsättningen avgörs av filens byte",
        "sie.bad_sietyp": "#SIETYP {value!r} är inte 1, 2, 3 eller 4; hoppades över",
        "sie.rar_without_dates": "#RAR {year} saknar datum; hoppades över",
        "sie.gap_before_next_year": "räkenskapsår {year} slutar inte dagen innan år {next} börjar",
        "sie.gap_after_previous_year": "räkenskapsår {year} börjar inte dagen efter att år {previous} slutar",
        "sie.bad_taxar": "#TAXAR {value!r} är inget år; hoppades över",
        "sie.bad_ktyp": "#KTYP {value!r} för konto {account} är inte T, S, K eller I; hoppades över",
        "sie.sru_without_code": "#SRU för konto {account} saknar kod; hoppades över",
        "sie.ksumma_not_opened": "#KSUMMA utan inledande #KSUMMA; kontrollsumman kontrolleras inte",
        "sie.account_before_period": "{label}-raderna anger kontot före perioden; lästa i den ordningen",
        "sie.rows_without_list": "{label}-rader utan objektlista; lästa som {{}}",
        "sie.vouchers_in_low_type": "en SIE-fil av typ {type} ska inte innehålla verifikationer",
        "sie.ver_without_series": "#VER utan seriefält; läst som verifikationsnummer {number} daterad {date}",
        "sie.account_is_a_name": "konto {value!r} är inget nummer utan ett namn; behålls som det står",
        "sie.many_decimals": "beloppet {value} har fler än två decimaler (fält {field})",
        "sie.six_digit_date": "datumet {value} har sex siffror; läst som {date:%Y-%m-%d} (fält {field})",
        "sie.dashed_date": "datumet {value} har bindestreck; läst som {date:%Y-%m-%d} (fält {field})",
        "error.fortnox_company_mismatch": "Fortnox-företaget {fortnox_name} har organisationsnummer {fortnox_org}, men "
        "{company} har {org}; inget ändrades. Anslut igen och välj rätt företag i Fortnox.",
        "error.fortnox_no_org_number": "{company} saknar organisationsnummer; Fortnox kontrolleras mot det.",
        "error.export_not_connected": "{company} är inte anslutet till Fortnox, så inget exporterades; kör bokslut "
        "connect --company {org} och sedan bokslut import-fortnox --company {org}.",
        "error.export_expired": "Kopplingen till Fortnox har gått ut för {company}: gör en ny import för att ansluta "
        "igen innan du exporterar (kör bokslut connect --company {org} och sedan bokslut import-fortnox --company {org}).",
        "error.fortnox_expired": "Kopplingen till Fortnox har gått ut eller återkallats; anslut igen för att förnya "
        "den.",
        "error.fortnox_not_connected": "bokslut är inte anslutet till Fortnox för det här företaget. Anslut till "
        "Fortnox först.",
        "error.fortnox_expired_on": "Kopplingen till Fortnox gick ut {date}: den gäller {days} dagar efter den senaste "
        "importen eller exporten. Anslut igen för att förnya den.",
        "error.fortnox_code_rejected": "Fortnox godtog inte auktoriseringskoden: den fungerar en gång, i 10 minuter och "
        "bara med samma omdirigeringsadress. Anslut igen.",
        "error.fortnox_unreachable": "Kunde inte nå Fortnox inloggningstjänst på {url} ({reason}). Kontrollera "
        "nätverket och försök igen.",
        "error.fortnox_other_attempt": "Svaret kommer från ett annat inloggningsförsök (state stämmer inte). Använd "
        "webbläsarfönstret från det här försöket, eller anslut igen.",
        "error.fortnox_nothing_pasted": "Inget klistrades in. Klistra in hela adressen från webbläsaren efter att du "
        "godkänt i Fortnox.",
        "error.fortnox_401": "Fortnox godtog inte åtkomsttoken ens efter förnyelse{says}. Anslut bokslut till Fortnox "
        "igen.",
        "error.fortnox_403_scope": "Fortnox nekade åtkomst till {path}{says}. Kopplingen fick inte behörigheten "
        "(scope) som krävs; anslut till Fortnox igen och godkänn den.",
        "error.fortnox_403_licence": "Fortnox nekade åtkomst till {path}{says}. Företaget har ingen Fortnox-licens för "
        "den här delen av Fortnox; dess administratör måste lägga till den.",
        "error.fortnox_403_other": "Fortnox nekade åtkomst till {path}{says}. Kopplingen saknar en behörighet (scope) "
        "eller företaget en Fortnox-licens för den; anslut igen eller fråga administratören.",
        "error.fortnox_404": "Fortnox hittade inget på {method} {path}{says}.",
        "error.fortnox_refused": "Fortnox avvisade {method} {path}{says}.",
        "integrity.voucher-balance": "Verifikationer vars #TRANS-rader inte summerar till noll",
        "integrity.closing-balances": "Balanskonton där #IB + Σ#TRANS ≠ #UB",
        "integrity.results": "Resultatkonton där Σ#TRANS ≠ #RES",
        "integrity.opening-vs-file": "Årets #IB ≠ föregående års #UB i samma fil",
        "integrity.opening-vs-store": "Årets #IB ≠ #UB för föregående år som redan är importerat",
        "integrity.voucher-dates": "Verifikationer daterade utanför räkenskapsåret",
        "integrity_outcome.no-differences": "inga skillnader",
        "integrity_outcome.differences": "{count} skillnader",
        "integrity_outcome.no-vouchers": "inte kontrollerat, året har inga verifikationer (SIE typ 1–3 har bara saldon)",
        "integrity_outcome.no-balances": "inte kontrollerat, året har inga #IB eller #UB",
        "integrity_outcome.no-res": "inte kontrollerat, året har inget #RES",
        "integrity_outcome.no-previous-in-file": "inte kontrollerat, filen har inget #UB -1",
        "integrity_outcome.no-previous-in-store": "inte kontrollerat, inget importerat föregående år med #UB",
        "error.closing_invalid": "Bokslutstransaktionen är inte giltig:",
        "problem.outside_year": "{date} ligger utanför räkenskapsåret {start}–{end}",
        "problem.no_text": "transaktionen behöver en text; Fortnox kräver en beskrivning",
        "problem.too_few_rows": "en transaktion behöver minst två rader; den har {count}",
        "problem.no_account": "ange ett kontonummer",
        "problem.not_account": "{account} är inget kontonummer; Fortnox konton har fyra siffror, 1000–9999",
        "problem.unknown_account": "konto {account} finns inte i företagets kontoplan",
        "problem.suggestions": "; menade du {suggestions}?",
        "problem.negative": "{amount} är negativt; för det till andra sidan",
        "problem.too_large": "{amount} är för stort; håll dig under {limit}",
        "problem.decimals": "{amount} har mer än två decimaler; ange hela ören",
        "problem.both_sides": "ange antingen debet eller kredit, inte båda",
        "problem.no_amount": "raden saknar belopp; ange debet eller kredit",
        "problem.no_cost_center": "kostnadsställe {code} finns inte i företaget",
        "problem.no_project": "projekt {code} finns inte i företaget",
        "problem.unbalanced": "balanserar inte: debet {debit}, kredit {credit}, en differens på {difference}",
        "error.fortnox_callback": "Anslutningen till Fortnox misslyckades: {words}{detail}. Anslut igen för att "
        "försöka på nytt.",
        "error.fortnox_callback_detail": " (Fortnox sa: {description})",
        "error.fortnox_no_code": "Fortnox skickade tillbaka webbläsaren utan auktoriseringskod. Fortnox-kontot kan "
        "vara spärrat (till exempel en obetald Fortnox-faktura) eller så avbröts inloggningen; logga in i Fortnox "
        "och kontrollera, anslut sedan igen.",
        "oauth_error.access_denied": "du godkände inte i Fortnox",
        "oauth_error.invalid_scope": "Fortnox-appen är inte registrerad för alla behörigheter (scopes) som bokslut "
        "ber om; slå på dem för appen i Fortnox Developer Portal",
        "oauth_error.invalid_request": "Fortnox fann inloggningsbegäran felaktig",
        "oauth_error.unauthorized_client": "den här Fortnox-appen får inte använda auktoriseringskodflödet",
        "oauth_error.server_error": "Fortnox fick ett internt fel",
        "oauth_error.temporarily_unavailable": "Fortnox inloggning är tillfälligt otillgänglig",
        "oauth_error.other": "Fortnox svarade {error}",
        "connect.scope_warning": "Fortnox gav inte behörigheten {scopes}; de delar av importen som behöver den "
        "misslyckas. Slå på den för appen i Fortnox Developer Portal och anslut igen.",
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
        "token_store.keyring": "system keyring ({where})",
        "token_store.file": "file {where} (mode 0600)",
        "token_store.encrypted_file": "encrypted file {where} (mode 0600)",
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
        "the connection has left and where the token is kept. l switches the interface's language (saved in the "
        "config file), y starts a new year.",
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
        "summary.imported": "{company} ({org}) {year}: imported {vouchers} vouchers, {transactions} transactions, "
        "{balances} balances; checks: {checks}",
        "summary.replaced": "{company} ({org}) {year}: replaced {vouchers} vouchers, {transactions} transactions, "
        "{balances} balances; checks: {checks}",
        "summary.no_year": "no fiscal year",
        "summary.all_ok": "all ok",
        "summary.fortnox": "{company} ({org}): imported {years} years from Fortnox ({spans}), {vouchers} vouchers, "
        "{transactions} transactions, {requests} requests in {seconds} s",
        "summary.export": "Fortnox series {series}: {sent} sent, {found} found after a lost answer, {skipped} skipped, "
        "{failed} failed",
        "summary.export_unsent": ", {unsent} unsent because Fortnox did not answer (export again later)",
        "summary.sie_export_one": "wrote 1 closing entry ({ids}) to {path}",
        "summary.sie_export": "wrote {count} closing entries ({ids}) to {path}",
        "summary.sie_skipped": "; skipped {count}: {reasons}",
        "summary.sie_skipped_entry": "entry {id} {why}",
        "summary.activity_import_fortnox": "Fortnox: {summary}. Steps: {steps}",
        "summary.activity_step": "{what} {seconds} s",
        "summary.activity_export_fortnox": "Export to {summary}",
        "summary.activity_connected": "connected to Fortnox: {company} ({org})",
        "summary.activity_disconnected": "disconnected from Fortnox",
        "summary.activity_disconnected_invalid": "disconnected from Fortnox (the token was already invalid at Fortnox)",
        "summary.activity_failed": "{subject}: {error}",
        "summary.subject_fortnox_series": "Fortnox series {series}",
        "summary.activity_interrupted": "{subject}: interrupted, the process ended before it finished",
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
        "source. y starts a new year of the highlighted company.",
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
        "Ctrl+N adds a row, Ctrl+R removes it, Ctrl+S saves, Esc cancels (asking first when something was changed).",
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
        "reports.path_placeholder": "{format} file to write (Enter writes, Esc cancels)",
        "reports.no_path": "Type the path of the file.",
        "reports.writing": "Writing…",
        "reports.written": "Written: {path}",
        "reports.write_failed": "The file could not be written: {message}",
        "help.checks": "The year's check results: red (found something), orange (could not run), green (nothing "
        "found) or done (marked by someone). r runs the checks again, Enter shows the rows behind a finding, d marks "
        "it done, c opens the settings where built-in checks are switched on and off.",
        "help.check_rows": "The rows the check found, as they were stored.",
        "help.check_settings": "The company's checks. Space switches the highlighted one on or off; built-in checks "
        "cannot be edited. a adds a check of your own.",
        "help.periods": "The year's periods with their state: locked, temporarily unlocked, open, paused or not "
        "started. l locks the highlighted period (after the earlier ones), u unlocks it for a while. k switches "
        "between months and quarters while no period has been locked.",
        "help.reports": "1 trial balance, 2 income statement, 3 balance sheet, with the previous year beside it. f "
        "switches between preliminary (without closing entries) and final. w writes the report to an XLSX file, c "
        "to a CSV file.",
        "editor.discard_question": "Discard the changes to the entry?",
        "key.period_kind": "Month/qtr",
        "key.period_kind_full": "Switch between months and quarters",
        "periods.by_month": "by month",
        "periods.by_quarter": "by quarter",
        "periods.kind_changed": "The periods are now {kind}.",
        "key.write_csv": "CSV",
        "key.language": "Language",
        "key.new_year": "New year",
        "settings.interface": "Interface",
        "settings.language": "Language",
        "settings.language_failed": "The language could not be saved: {message}",
        "language.sv": "Svenska",
        "language.en": "English",
        "key.next_step": "Continue",
        "new_year.title": "New year",
        "new_year.years": "Financial years known",
        "new_year.next": "Next year",
        "new_year.as_source_says": "(as the data source says when the year is imported)",
        "new_year.hint_file": "Enter: type the path of the new year's SIE file. d switches the data source.",
        "new_year.hint_connect": "Enter: connect to Fortnox, then the new year is imported. d switches the data source.",
        "new_year.hint_import": "Enter: import the new year from Fortnox. d switches the data source.",
        "new_year.path_placeholder": "The new year's SIE file (Enter imports, Esc cancels)",
        "help.new_year": "A new financial year: the company's years known and the next year's expected dates. The "
        "year is made by the import, as Fortnox or the SIE file's #RAR says. d switches the data source between "
        "Fortnox and SIE file. Enter goes on: it connects to Fortnox when there is no connection, else imports the "
        "year from there; for a SIE file, type the path of the new year's file.",
        "key.add_check": "New check",
        "check_settings.added": "{name} is added.",
        "check_kind.amount_threshold": "Amount above or below a limit",
        "check_kind.transaction_count": "Number of transactions per period",
        "check_kind.empty_accounts": "Accounts that must stay empty",
        "new_check.title": "New check",
        "new_check.name": "Name",
        "new_check.kind": "Kind (Tab here, arrows and Enter choose)",
        "new_check.accounts": "Accounts (e.g. 1930, 5400..5499)",
        "new_check.above": "Above amount",
        "new_check.below": "Below amount",
        "new_check.min": "At least this many transactions per period",
        "new_check.max": "At most this many transactions per period",
        "new_check.this_check": "the check",
        "new_check.no_name": "Give the check a name.",
        "new_check.no_accounts": "Give at least one account.",
        "new_check.bad_amount": "{typed} is not an amount; give it like 10000.00.",
        "new_check.bad_count": "{typed} is not a whole number.",
        "new_check.no_bound_amount": "Give an amount above or below (or both).",
        "new_check.no_bound_count": "Give at least or at most (or both).",
        "help.new_check": "A check of your own: a name, a kind and the accounts (numbers or ranges like 5400..5499). "
        "Amount limits and the number of transactions per period (month or quarter) ask for their bounds. Ctrl+S saves, Esc cancels; "
        "problems show at their fields.",
        "check_name.voucher-balance": "Vouchers that do not balance",
        "check_name.closing-balances": "#IB + transactions differs from #UB",
        "check_name.results": "Transactions differ from #RES",
        "check_name.voucher-numbering": "Gaps and duplicates in voucher numbering",
        "check_name.voucher-dates": "Vouchers dated outside the fiscal year",
        "check_name.opening-balance": "Opening balance differs from the previous year's closing",
        "check_name.result-transferred": "Previous year's result not transferred",
        "check_name.unusual-sign": "Balance accounts with the unusual sign",
        "check_name.unusual-counts": "Unusually many transactions on an account",
        "check_name.unusual-amounts": "Unusually high amounts",
        "check_name.count-vs-last-year": "Transactions per account against the same period last year",
        "check_name.vat-settlement": "Booked VAT against the settlement on 2650",
        "check_name.vat-rate": "VAT not the expected share of its base",
        "check_name.possible-duplicates": "Possible duplicates",
        "check_name.round-amounts": "Round amounts",
        "check_name.weekend-postings": "Postings on weekends",
        "check_name.changed-vouchers": "Vouchers changed or removed since the previous import",
        "check.no-vouchers": "the year has no vouchers (a SIE file of type 1-3 carries balances only)",
        "check.no-previous-year": "the previous year's transactions are not imported",
        "check.too-few-periods": "needs {needed} earlier periods with transactions, found {found}",
        "check.voucher-balance.found": "{count} vouchers do not balance (debit ≠ credit)",
        "check.voucher-balance.clean": "every voucher balances",
        "check.closing-balances.no-balances": "the year has no #IB or #UB to compare with",
        "check.closing-balances.found": "{count} balance accounts where #IB + transactions ≠ #UB",
        "check.closing-balances.clean": "#IB + transactions = #UB on every balance account",
        "check.results.no-res": "the year has no #RES to compare with",
        "check.results.found": "{count} result accounts where the transactions ≠ #RES",
        "check.results.clean": "the transactions equal #RES on every result account",
        "check.voucher-numbering.found": "{count} gaps or duplicates in the voucher numbering",
        "check.voucher-numbering.clean": "no gaps or duplicates in any series",
        "check.voucher-dates.found": "{count} vouchers are dated outside the fiscal year",
        "check.voucher-dates.clean": "every voucher is dated within the fiscal year",
        "check.opening-balance.no-previous-year": "the previous year is not imported: no closing balance to compare with",
        "check.opening-balance.no-previous-closing": "the previous year has no #UB to compare with",
        "check.opening-balance.found": "{count} accounts where #IB ≠ the previous year's #UB",
        "check.opening-balance.clean": "#IB equals the previous year's #UB on every account",
        "check.result-transferred.no-opening": "the year has no #IB",
        "check.result-transferred.found": "the previous year's result is not transferred: {count} accounts with an "
        "opening balance",
        "check.result-transferred.clean": "the previous year's result is transferred",
        "check.unusual-sign.found": "{count} balance accounts with the unusual sign",
        "check.unusual-sign.clean": "every balance account has its usual sign",
        "check.unusual-counts.found": "{count} accounts with unusually many transactions",
        "check.unusual-counts.clean": "no account has unusually many transactions",
        "check.unusual-amounts.found": "{count} transactions with unusually high amounts",
        "check.unusual-amounts.clean": "no transaction has an unusually high amount",
        "check.count-vs-last-year.found": "{count} accounts with another number of transactions than the same period last year",
        "check.count-vs-last-year.clean": "every account has about as many transactions as the same period last year",
        "check.vat-settlement.no-settlement": "VAT is booked but no voucher settles it on {account}",
        "check.vat-settlement.found": "{count} VAT settlements differ from the VAT booked in their period",
        "check.vat-settlement.clean": "every VAT settlement matches the VAT booked in its period (or no VAT is booked)",
        "check.vat-rate.found": "{count} VAT rows are not the expected share of their base",
        "check.vat-rate.clean": "every VAT row is the expected share of its base",
        "check.possible-duplicates.found": "{count} possible duplicates: the same amount, result account and date in two "
        "vouchers",
        "check.possible-duplicates.clean": "no possible duplicates",
        "check.round-amounts.found": "{count} round amounts (whole thousands from {minimum}) on result accounts",
        "check.round-amounts.clean": "no round amounts on result accounts",
        "check.weekend-postings.found": "{count} vouchers are dated on a weekend",
        "check.weekend-postings.clean": "no voucher is dated on a weekend",
        "check.changed-vouchers.no-previous-import": "the year has been imported once, so there is nothing to compare "
        "with",
        "check.changed-vouchers.found": "{count} vouchers changed or removed in the source since the previous import",
        "check.changed-vouchers.clean": "no voucher changed or removed since the previous import",
        "check.amount-threshold.found": "{count} transactions beyond the amount limits",
        "check.amount-threshold.clean": "no transaction beyond the amount limits",
        "check.transaction-count.found": "the number of transactions is outside {expected}",
        "check.transaction-count.clean": "the number of transactions is within {expected}",
        "check.empty-accounts.found": "{count} transactions on accounts that must stay empty",
        "check.empty-accounts.clean": "the accounts that must stay empty are empty",
        "check_column.series": "Series",
        "check_column.number": "No.",
        "check_column.date": "Date",
        "check_column.account": "Account",
        "check_column.amount": "Amount",
        "check_column.problem": "Problem",
        "check_column.expected": "Expected",
        "check_column.found": "Found",
        "check_column.after": "After",
        "check_column.before": "Before",
        "check_column.missing": "Missing",
        "check_column.deviation": "Deviation",
        "check_column.compared_with": "Compared with",
        "check_column.limit": "Limit",
        "check_column.period": "Period",
        "check_column.base": "Base",
        "check_column.vouchers": "Vouchers",
        "check_column.weekday": "Weekday",
        "check_column.voucher": "Voucher",
        "check_word.duplicate": "duplicate",
        "check_word.gap": "gap",
        "check_word.removed": "removed",
        "check_word.changed": "changed",
        "check_word.debit": "debit",
        "check_word.credit": "credit",
        "check_word.Saturday": "Saturday",
        "check_word.Sunday": "Sunday",
        "template_text.depreciation": "7832/1229: the depreciation rate x the closing balance of 1220-1228, less what "
        "7832 holds",
        "template_text.accrued-expenses": "your cost account/2990; give the amount",
        "template_text.prepaid-expenses": "1790/your cost account; give the amount",
        "template_text.tax": "8910/2512: the tax rate x the result before tax, whole kronor down, less what 8910 holds",
        "template_text.periodiseringsfond": "8811/2125: at most the periodiseringsfond rate x the result before "
        "appropriations and tax, less 8811",
        "template_text.excess-depreciation": "8853/2153; give the amount (negative to reduce)",
        "template_text.year-result": "8999/2099: the result of classes 3-8, so that they sum to zero",
        "step.check-company": "renew the connection and check the company",
        "step.fetch-year": "fetch {start}..{end}",
        "step.fetch-metadata": "fetch cost centres, projects and the locked period",
        "step.store": "import into the store",
        "listener.listening": "Listening on {url} for Fortnox's answer (or paste the address the browser ends up on).",
        "listener.not_listening": "Not listening for Fortnox's answer: {reason}. After approving in Fortnox, copy the "
        "address the browser ends up on (even if the page does not load) and paste it here.",
        "listener_reason.not-started": "it has not started",
        "listener_reason.not-loopback": "the redirect address is not http://localhost",
        "listener_reason.port-in-use": "port {port} is in use by another program",
        "error.cancelled": "cancelled",
        "error.os_error": "{where}{reason}. Check the path and its permissions.",
        "error.sie_file": "{where}: {problem}",
        "error.sie_where_line": "{file}:{line}",
        "error.sie_field": "field {field}",
        "error.sie_expected": "expected {expected}",
        "sie.cannot_read": "cannot read the file ({reason})",
        "sie.line_too_long": "the file has a line longer than 1 MB",
        "sie.too_big": "the file is larger than {megabytes:g} MB",
        "sie.not_sie": "this is not a SIE file",
        "sie.balances_without_rar": "balances but no #RAR saying which year they belong to",
        "sie.sub_ore_amount": "amount {amount} has more than two decimals",
        "sie.ore_amount": "kronor with at most two decimals",
        "sie.correct_amount": "Correct the amount in the exporting program and export again.",
        "sie.too_many_dimensions": "the file uses more than {limit} dimensions",
        "sie.too_many_objects": "dimension {dimension} has more than {limit} objects",
        "sie.ends_inside_voucher": "#VER {series} {number}: the file ends inside the voucher",
        "sie.ends_without_ksumma": "the file ends without its closing #KSUMMA",
        "sie.open_brace_without_ver": "a {{ that does not follow a #VER",
        "sie.close_brace_without_block": "a }} that closes no #VER block",
        "sie.no_label": "the line does not start with a # label",
        "sie.block_not_closed": "#VER {series} {number}: its {{ }} block is not closed",
        "sie.ver_without_rows": "#VER {series} {number} is not followed by its rows",
        "sie.row_outside_ver": "{label} outside a #VER block",
        "sie.unclosed_quote": "a quoted field has no closing quote",
        "sie.list_inside_list": "an object list opens inside another",
        "sie.list_not_opened": "a }} closes no object list",
        "sie.list_not_closed": "an object list has no closing }}",
        "sie.year_ends_before_start": "financial year {year} ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})",
        "sie.missing": "the {what} is missing",
        "sie.list_for_text": "an object list where a text belongs",
        "sie.list_for_date": "an object list where a date belongs",
        "sie.list_for_number": "an object list where the {what} belongs",
        "sie.number_with_comma": "the {what} {value!r} uses a comma; SIE requires a decimal point",
        "sie.number_with_plus": "the {what} {value!r} has a plus sign, which SIE forbids",
        "sie.not_a_number": "the {what} {value!r} is not a number",
        "sie.checksum_not_a_number": "the checksum {value!r} is not a number",
        "sie.checksum_differs": "the file declares checksum {declared}, but its content gives {computed}",
        "sie.period_not_a_month": "the period {period!r} is not a month",
        "sie.account_too_long": "the account number {value} has more than six digits",
        "sie.account_not_numeric": "the account number {value!r} is not numeric",
        "sie.not_a_date": "{value!r} is not a date",
        "sie.not_in_calendar": "{value} is not a date in the calendar",
        "sie.year_not_a_number": "the year number is missing or not a number",
        "sie.objects_not_pairs": "the object list does not hold dimension-object pairs",
        "sie.account_number": "account number",
        "sie.object_list": "object list",
        "sie.amount": "amount",
        "sie.quantity": "quantity",
        "sie.date": "date",
        "sie.dimension_number": "dimension number",
        "sie.parent_dimension": "parent dimension",
        "sie.object_number": "object number",
        "sie.one_record_per_line": "one record per line",
        "sie.at_most_that_size": "a SIE export of at most that size",
        "sie.flagga_first": "#FLAGGA as the first record",
        "sie.open_brace_after_ver": "{{ only on the line after #VER",
        "sie.close_brace_after_rows": "}} only after the rows of a #VER",
        "sie.a_record": "a record such as #TRANS or a {{ or }} line",
        "sie.close_brace_before": "a }} line before line {line}",
        "sie.block_after_ver": "a {{ line after #VER, then the rows, then a }} line",
        "sie.row_inside_block": "{label} only between the {{ and }} lines after a #VER",
        "sie.closing_brace": "a }} line closing the voucher's rows",
        "sie.closing_ksumma": "#KSUMMA with the checksum as the last record",
        "sie.closing_quote": "a closing \"",
        "sie.close_list": "a }}",
        "sie.open_list_before": "a {{ before it",
        "sie.close_list_at_end": "a }} ending the object list",
        "sie.end_after_start": "an end date after the start date",
        "sie.parent_number": "the number of the superior dimension, like 1",
        "sie.dimension_like": "a dimension number like 1 or 6",
        "sie.object_like": "an object number like \"100\"",
        "sie.unsigned_number": "an unsigned 32-bit number",
        "sie.content_checksum": "the checksum of the content, {computed}",
        "sie.month_like": "a month written YYYYMM, like 202412",
        "sie.object_list_like": "an object list such as {{}} or {{1 \"100\"}}",
        "sie.row_like": "#TRANS kontonr {{objektlista}} belopp, like #TRANS 1930 {{}} -1000.00",
        "sie.text_like": "a text (quoted if it has spaces)",
        "sie.account_like": "an account number like 1930",
        "sie.account_of_six": "an account number of at most six digits, like 1930",
        "sie.account_of_digits": "an account number of digits only, like 1930",
        "sie.amount_like": "a decimal number like -1234.50",
        "sie.quantity_like": "a decimal number like 2.5",
        "sie.date_like": "a date like 20241231",
        "sie.date_written": "a date written YYYYMMDD, like 20241231",
        "sie.real_date": "a real date written YYYYMMDD, like 20240229",
        "sie.year_index": "0 for the current year, -1 for the previous one",
        "sie.pairs_like": "pairs of dimension and object, like {{1 \"100\" 6 \"P1\"}}",
        "sie.few_dimensions": "a few dimensions (cost centres, projects, ...)",
        "sie.objects_per_dimension": "at most {limit} objects per dimension",
        "sie.fix_hint": "Correct the line or export the file again from the bookkeeping program.",
        "sie.export_hint": "Export the file again from the bookkeeping program.",
        "sie.cut_off": "The file is probably cut off. {then}",
        "sie.changed": "The file was changed after it was exported, or is damaged. {then}",
        "sie.check_readable": "Check that the file exists and that you may read it.",
        "sie.not_an_export": "This is not a SIE export; choose the .se/.si file from the bookkeeping program.",
        "sie.shorter_period": "Export a shorter period, or raise max_file_mb under [import] in config.toml.",
        "sie.choose_export": "Choose the .se/.si file exported by the bookkeeping program.",
        "sie.raise_objects": "Check that this is the right file, or raise max_objects_per_dimension under [import] "
        "in config.toml.",
        "sie.not_cp437": "the text is {encoding}, not CP437 (PC8) as SIE requires; read as {encoding}",
        "sie.invalid_utf8": "some bytes are not valid UTF-8; they read as \ufffd",
        "sie.voucher_without_rows": "voucher {series} {number} has no rows",
        "sie.unknown_in_voucher": "unknown record {label} inside a voucher ignored",
        "sie.unknown_record": "unknown record {label} ignored",
        "sie.quote_to_line_end": "field {field} has no closing quote; read to the end of the line",
        "sie.format_not_pc8": "#FORMAT {format} is not PC8; the character set is read from the bytes",
        "sie.bad_sietyp": "#SIETYP {value!r} is not 1, 2, 3 or 4; ignored",
        "sie.rar_without_dates": "#RAR {year} has no dates; ignored",
        "sie.gap_before_next_year": "financial year {year} does not end the day before year {next} starts",
        "sie.gap_after_previous_year": "financial year {year} does not start the day after year {previous} ends",
        "sie.bad_taxar": "#TAXAR {value!r} is not a year; ignored",
        "sie.bad_ktyp": "#KTYP {value!r} for account {account} is not T, S, K or I; ignored",
        "sie.sru_without_code": "#SRU for account {account} has no code; ignored",
        "sie.ksumma_not_opened": "#KSUMMA without an opening #KSUMMA; the checksum is not verified",
        "sie.account_before_period": "{label} rows give the account before the period; read in that order",
        "sie.rows_without_list": "{label} rows without an object list; read as {{}}",
        "sie.vouchers_in_low_type": "a SIE type {type} file should not contain vouchers",
        "sie.ver_without_series": "#VER without a series field; read as voucher number {number} dated {date}",
        "sie.account_is_a_name": "account {value!r} is not a number but a name; kept as written",
        "sie.many_decimals": "amount {value} has more than two decimals (field {field})",
        "sie.six_digit_date": "date {value} has six digits; read as {date:%Y-%m-%d} (field {field})",
        "sie.dashed_date": "date {value} has dashes; read as {date:%Y-%m-%d} (field {field})",
        "error.fortnox_company_mismatch": "the Fortnox company {fortnox_name} has organisation number {fortnox_org}, "
        "but {company} is {org}; nothing was changed. Connect again and choose the right company in Fortnox.",
        "error.fortnox_no_org_number": "{company} has no organisation number; Fortnox is checked against it",
        "error.export_not_connected": "{company} is not connected to Fortnox, so nothing was exported; run bokslut "
        "connect --company {org}, then bokslut import-fortnox --company {org}.",
        "error.export_expired": "The connection to Fortnox has expired for {company}: you need to perform a new import "
        "to reconnect before you can export (run bokslut connect --company {org}, then bokslut import-fortnox --company "
        "{org}).",
        "error.fortnox_expired": "The Fortnox connection has expired or was revoked; connect again to renew it.",
        "error.fortnox_not_connected": "bokslut is not connected to Fortnox for this company. Connect to Fortnox first.",
        "error.fortnox_expired_on": "The Fortnox connection expired on {date}: it lasts {days} days after the last "
        "import or export. Connect again to renew it.",
        "error.fortnox_code_rejected": "Fortnox rejected the authorization code: it works once and only for 10 minutes, "
        "and only with the same redirect address. Connect again.",
        "error.fortnox_unreachable": "Could not reach Fortnox's sign-in service at {url} ({reason}). Check the network "
        "connection and try again.",
        "error.fortnox_other_attempt": "The answer is from a different sign-in attempt (its state does not match). Use "
        "the browser window this attempt opened, or connect again.",
        "error.fortnox_nothing_pasted": "Nothing was pasted. Paste the whole address from the browser after approving "
        "in Fortnox.",
        "error.fortnox_401": "Fortnox did not accept the access token even after refreshing it{says}. Reconnect bokslut "
        "to Fortnox.",
        "error.fortnox_403_scope": "Fortnox refused access to {path}{says}. The connection was not granted the "
        "permission (scope) this needs; reconnect to Fortnox and approve it.",
        "error.fortnox_403_licence": "Fortnox refused access to {path}{says}. The company has no Fortnox licence for "
        "this part of Fortnox; its administrator must add it.",
        "error.fortnox_403_other": "Fortnox refused access to {path}{says}. The connection lacks a permission (scope) "
        "or the company lacks a Fortnox licence for it; reconnect, or ask its administrator.",
        "error.fortnox_404": "Fortnox found nothing at {method} {path}{says}.",
        "error.fortnox_refused": "Fortnox refused {method} {path}{says}.",
        "integrity.voucher-balance": "Vouchers whose #TRANS rows do not sum to zero",
        "integrity.closing-balances": "Balance accounts where #IB + Σ#TRANS ≠ #UB",
        "integrity.results": "Result accounts where Σ#TRANS ≠ #RES",
        "integrity.opening-vs-file": "#IB of the year ≠ #UB of the previous year in the same file",
        "integrity.opening-vs-store": "#IB of the year ≠ #UB of the previous year already in the store",
        "integrity.voucher-dates": "Vouchers dated outside the fiscal year",
        "integrity_outcome.no-differences": "no differences",
        "integrity_outcome.differences": "{count} differences",
        "integrity_outcome.no-vouchers": "not checked, the year has no vouchers (SIE types 1-3 carry balances only)",
        "integrity_outcome.no-balances": "not checked, the year has no #IB or #UB",
        "integrity_outcome.no-res": "not checked, the year has no #RES",
        "integrity_outcome.no-previous-in-file": "not checked, the file has no #UB -1",
        "integrity_outcome.no-previous-in-store": "not checked, no imported previous year with #UB",
        "error.closing_invalid": "The closing entry is not valid:",
        "problem.outside_year": "{date} is outside the fiscal year {start}..{end}",
        "problem.no_text": "the entry needs a text; Fortnox requires a description",
        "problem.too_few_rows": "an entry needs at least two rows; it has {count}",
        "problem.no_account": "give an account number",
        "problem.not_account": "{account} is not an account number; Fortnox accounts are four digits, 1000-9999",
        "problem.unknown_account": "account {account} is not in the company's chart",
        "problem.suggestions": "; did you mean {suggestions}?",
        "problem.negative": "{amount} is negative; put it on the other side",
        "problem.too_large": "{amount} is too large; stay below {limit}",
        "problem.decimals": "{amount} has more than two decimals; give whole öre",
        "problem.both_sides": "give either a debit or a credit, not both",
        "problem.no_amount": "the row has no amount; give a debit or a credit",
        "problem.no_cost_center": "cost centre {code} does not exist in the company",
        "problem.no_project": "project {code} does not exist in the company",
        "problem.unbalanced": "not balanced: debit {debit}, credit {credit}, a difference of {difference}",
        "error.fortnox_callback": "Connecting to Fortnox failed: {words}{detail}. Connect again to retry.",
        "error.fortnox_callback_detail": " (Fortnox said: {description})",
        "error.fortnox_no_code": "Fortnox sent the browser back without an authorization code. The Fortnox account "
        "may be locked (for example an unpaid Fortnox invoice) or the sign-in was interrupted; log in to Fortnox to "
        "check, then connect again.",
        "oauth_error.access_denied": "consent was not given in Fortnox",
        "oauth_error.invalid_scope": "the Fortnox app is not registered for all the scopes bokslut asks for; enable "
        "them on the app in Fortnox's Developer Portal",
        "oauth_error.invalid_request": "Fortnox found the sign-in request malformed",
        "oauth_error.unauthorized_client": "this Fortnox app may not use the authorization-code flow",
        "oauth_error.server_error": "Fortnox had an internal error",
        "oauth_error.temporarily_unavailable": "Fortnox's sign-in is temporarily unavailable",
        "oauth_error.other": "Fortnox answered {error}",
        "connect.scope_warning": "Fortnox did not grant the scope(s) {scopes}; the parts of the import that need "
        "them will fail. Enable them on the app in Fortnox's Developer Portal and connect again.",
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
    """Also for core's keyed errors: every user_message() in the app then speaks this language."""
    global _language
    if language not in TEXTS:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    _language = language
    translate_with(error_words)


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


def error_words(key: str, params: dict) -> str | None:
    """A core error's sentence in the reader's language; None (core's English) for a key without a text here."""
    if key == "sie_file":
        return _sie_words(params)
    if key == "fortnox_callback":
        error, description = params["error"], params["description"]
        known = f"oauth_error.{error}" in TEXTS[_language]
        words = t(f"oauth_error.{error}") if known else t("oauth_error.other", error=repr(error))
        detail = t("error.fortnox_callback_detail", description=description) if description else ""
        return t("error.fortnox_callback", words=words, detail=detail)
    if key == "closing_invalid":  # in the app the subject is the entry on screen
        return "\n".join([t("error.closing_invalid"), *(f"  {p.field}: {problem_words(p)}" for p in params["problems"])])
    text = TEXTS[_language].get(f"error.{key}")
    return None if text is None else text.format(**params)


def _sie_words(params: dict) -> str:
    """Where, what was found, what was expected and what to do, each in the reader's language."""
    where = t("error.sie_where_line", file=params["file"], line=params["line"]) if params["line"] else params["file"]
    parts = [t("error.sie_file", where=where, problem=sie_words(params["problem"]))]
    if params["field"]:
        parts.append(t("error.sie_field", field=params["field"]))
    if params["expected"]:
        parts.append(t("error.sie_expected", expected=sie_words(params["expected"])))
    text, hint = "; ".join(parts), sie_words(params["hint"])
    return f"{text}. {hint}" if hint else text


def sie_words(text: str) -> str:
    """One of the SIE reader's phrases (a problem, an expectation, a hint or a warning's message) in the reader's
    language, limits and sizes written the Swedish way in Swedish; a plain string (the importer's own) stays as is."""
    if not isinstance(text, Phrase):
        return text
    values = {name: sie_words(value) if isinstance(value, Phrase) else value for name, value in text.params.items()}
    if _language == "sv":  # English keeps core's digits, as the CLI prints them
        for name in {"limit", "megabytes"} & values.keys():  # a size may be a fraction: max_file_mb = 0.5
            number = values[name]
            values[name] = format_count(int(number)) if number == int(number) else f"{number:g}".replace(".", ",")
    return TEXTS[_language][f"sie.{text.key}"].format(**values)


def import_words(params: dict) -> str:
    """One imported year, from ImportResult.params(): the live "Done:" line and the activity log say it alike."""
    return t(
        "summary.replaced" if params["replaced"] else "summary.imported",
        company=params["company"],
        org=format_org_number(params["org"]),
        year=_span(params["start"], params["end"]) if params["start"] else t("summary.no_year"),
        vouchers=_summary_count(params["vouchers"]),
        transactions=_summary_count(params["transactions"]),
        balances=_summary_count(params["balances"]),
        checks=", ".join(params["problems"]) or t("summary.all_ok"),
    )


def fortnox_import_words(params: dict) -> str:
    """From FortnoxImportResult.params()."""
    return t(
        "summary.fortnox",
        company=params["company"],
        org=format_org_number(params["org"]),
        years=len(params["spans"]),
        spans=", ".join(_span(start, end) for start, end in params["spans"]),
        vouchers=_summary_count(params["vouchers"]),
        transactions=_summary_count(params["transactions"]),
        requests=_summary_count(params["requests"]),
        seconds=_seconds(params["seconds"]),
    )


def export_words(params: dict) -> str:
    """From ExportReport.params()."""
    counts = {name: _summary_count(params[name]) for name in ("sent", "found", "skipped", "failed", "unsent")}
    text = t("summary.export", series=params["series"], **counts)
    if params["unsent"]:
        text += t("summary.export_unsent", unsent=counts["unsent"])
    return text + "."


def sie_export_words(params: dict) -> str:
    """From SieExportReport.params(); why an entry was skipped stays core's English."""
    exported = params["exported"]
    ids = ", ".join(map(str, exported))
    if len(exported) == 1:
        text = t("summary.sie_export_one", ids=ids, path=params["path"])
    else:
        text = t("summary.sie_export", count=_summary_count(len(exported)), ids=ids, path=params["path"])
    if params["skipped"]:
        reasons = "; ".join(t("summary.sie_skipped_entry", id=i, why=why) for i, why in params["skipped"])
        text += t("summary.sie_skipped", count=_summary_count(len(params["skipped"])), reasons=reasons)
    return text


def activity_message(entry) -> str:
    """An activity entry's message (core.activity.ActivityEntry) in the reader's language; an entry without a key
    (written before migration 6, or by unkeyed work) shows the English it was stored with."""
    words = _ACTIVITY_WORDS.get(entry.message_key or "")
    return entry.message if words is None else words(entry.message_params)


def _activity_import(params: dict) -> str:
    return "; ".join(f"{year['file']}: {import_words(year)}" for year in params["years"])


def _activity_import_fortnox(params: dict) -> str:
    steps = "; ".join(
        t("summary.activity_step", what=t(f"step.{key}", **values), seconds=_seconds(seconds))
        for key, values, seconds in params["steps"]
    )
    return t("summary.activity_import_fortnox", summary=fortnox_import_words(params), steps=steps)


def _activity_export_fortnox(params: dict) -> str:
    """Each entry's own line stays core's English: those sentences come from many places in the export."""
    return "\n".join([t("summary.activity_export_fortnox", summary=export_words(params)), *params["lines"]])


def _activity_connect(params: dict) -> str:
    return t("summary.activity_connected", company=params["company"], org=format_org_number(params["org"]))


def _activity_failed(params: dict) -> str:
    """The subject and core's error, each in the reader's language where a key says it, else as stored."""
    subject = params["subject"]
    if "subject_key" in params:
        subject = t(f"summary.subject_{params['subject_key']}", **params["subject_params"])
    said = error_words(params["error_key"], _phrases(params["error_params"])) if "error_key" in params else None
    return t("summary.activity_failed", subject=subject, error=said or params["error"])


def _phrases(value):
    """The SIE phrases core.activity kept as {"phrase": key, "params": ...}, back as the Phrases sie_words says."""
    if isinstance(value, dict) and value.keys() == {"phrase", "params"}:
        return Phrase(value["phrase"], **_phrases(value["params"]))
    if isinstance(value, dict):
        return {name: _phrases(item) for name, item in value.items()}
    return value


_ACTIVITY_WORDS: dict[str, Callable[[dict], str]] = {
    "import": _activity_import,
    "import_fortnox": _activity_import_fortnox,
    "export_fortnox": _activity_export_fortnox,
    "export_sie": lambda params: f"{params['file']}: {sie_export_words(params)}",
    "connect": _activity_connect,
    "disconnect": lambda params: t(
        "summary.activity_disconnected" if params["revoked"] else "summary.activity_disconnected_invalid"
    ),
    "failed": _activity_failed,
    "interrupted": lambda params: t("summary.activity_interrupted", subject=params["subject"]),
}


def _summary_count(count: int) -> str:
    """Counts in a summary: Swedish groups them; English keeps the CLI's bare digits, so both read the same."""
    return format_count(count) if _language == "sv" else str(count)


def _seconds(seconds: float) -> str:
    text = f"{seconds:.1f}"
    return text.replace(".", ",") if _language == "sv" else text


def _span(start, end) -> str:
    return f"{start}..{end}"


def store_words(kind) -> str:
    """Where the Fortnox token is (a core.fortnox.tokens.StoreKind), in the reader's language."""
    return t(f"token_store.{kind.medium.replace(' ', '_')}", where=kind.where)


def template_description(name: str) -> str:
    """A closing-entry template's accounts and how its amount is found (core's description is the CLI's help)."""
    return t(f"template_text.{name}")


def problem_words(problem) -> str:
    """A closing entry's problem (core.closing.entries.Problem) in the reader's language, amounts the reader's way;
    one without a key stays as core wrote it."""
    if not problem.key:
        return problem.message
    values = {name: format_money(v) if isinstance(v, Decimal) else v for name, v in problem.params.items()}
    if problem.key == "too_large":
        values["limit"] = format_count(problem.params["limit"])
    text = t(f"problem.{problem.key}", **values)
    if problem.key == "unknown_account" and problem.params["suggestions"]:
        text += t("problem.suggestions", suggestions=problem.params["suggestions"])
    return text

