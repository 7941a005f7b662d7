"""Swedish and English texts of the interface, and numbers written the way each reader expects.

The texts are gettext catalogs, one per language (tui/locale/<language>/LC_MESSAGES/bokslut.po), whose msgid is the
key the code and core use; `t` says a text, `tn` one that says a count (ngettext: "1 account", "2 accounts").
Both languages must have every key with the same placeholders, and a count its plural forms (tests check it).
Binding descriptions are keys too, translated when a screen is created.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
from collections.abc import Callable, Mapping
from decimal import Decimal

from core.errors import translate_with
from core.money import round_to_ore
from core.periods import YEAR_END
from core.sie.errors import PHRASES, Counted, Phrase
from core.store.orgnr import format_org_number
from core.text import Notice
from tui.catalogs import DOMAIN, LOCALE_DIR, compiled, is_stale

LANGUAGES = ("sv", "en")

# Core says these counts by another name than `count`: its keyed message picks the plural form by this param.
COUNTED_BY = {
    "error.fortnox_expired_on": "days",
    "check.too-few-periods": "needed",
    "sie.too_many_dimensions": "limit",
    "sie.too_many_objects": "limit",
    "sie.objects_per_dimension": "limit",
    "sie.too_many_objects_in_all": "limit",
    "sie.objects_in_all": "limit",
    "error.import_changes_locked_periods": "vouchers",
    "error.reconcile_too_many_files": "limit",
    "error.reconcile_unlock_reason": "limit",
    **{f"sie.{key}": phrase.by for key, phrase in PHRASES.items() if isinstance(phrase, Counted)},
}

_language = "en"
_catalogs: dict[str, gettext.GNUTranslations] = {}


def _catalog() -> gettext.GNUTranslations:
    """The reader's catalog, compiled from its .po at first use when the .mo is missing or older (see tui.catalogs)."""
    if _language not in _catalogs:
        if is_stale(_language):
            _catalogs[_language] = gettext.GNUTranslations(io.BytesIO(compiled(_language)))
        else:
            _catalogs[_language] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language])
    return _catalogs[_language]


def _text(key: str, count: int | None = None) -> str | None:
    """The text for key (its plural form for count, when it has them); None when the catalog has no text for key."""
    catalog = _catalog()
    if count is not None:
        text = catalog.ngettext(key, key, count)
        if text != key:
            return text
    text = catalog.gettext(key)  # a text with plural forms and no count: the singular
    return None if text == key else text


def choose_language(configured: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The configured language, else Swedish when the locale is Swedish, else English."""
    if configured:
        return configured
    locale = environ.get("LC_ALL") or environ.get("LC_MESSAGES") or environ.get("LANG") or ""
    return "sv" if locale.lower().startswith("sv") else "en"


def set_language(language: str) -> None:
    """Also for core's keyed errors: every user_message() in the app then speaks this language."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    _language = language
    translate_with(error_words)


def language() -> str:
    return _language


def t(key: str, **values: object) -> str:
    text = _text(key)
    if text is None:
        raise KeyError(key)
    return text.format(**values) if values else text


def tn(key: str, count: int, /, **values: object) -> str:
    """A text that says a count, in its singular or plural form; {count} is the count written the reader's way
    unless values give it (or the text names its count otherwise, e.g. {days})."""
    text = _text(key, count)
    if text is None:
        raise KeyError(key)
    return text.format(**{"count": format_count(count), **values})


def has_text(key: str) -> bool:
    return _text(key) is not None


def keyed(key: str, params: Mapping[str, object], values: Mapping[str, object] | None = None) -> str | None:
    """A message core keyed (an error, a check's message, a SIE phrase) in the reader's language, its plural form
    picked by its count param (`count`, or the one COUNTED_BY names), filled with values (default: the params);
    None when the catalog has no text for key."""
    counted = params.get(COUNTED_BY.get(key, "count"))
    text = _text(key, counted if isinstance(counted, int) and not isinstance(counted, bool) else None)
    return None if text is None else text.format(**(params if values is None else values))


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
        known = has_text(f"oauth_error.{error}")
        words = t(f"oauth_error.{error}") if known else t("oauth_error.other", error=repr(error))
        detail = t("error.fortnox_callback_detail", description=description) if description else ""
        return t("error.fortnox_callback", words=words, detail=detail)
    if key == "closing_invalid":  # in the app the subject is the entry on screen
        return "\n".join([t("error.closing_invalid"), *(f"  {p.field}: {problem_words(p)}" for p in params["problems"])])
    values = {name: ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
              for name, value in params.items()}  # a list of accounts or names, as the sentence lists them
    if key == "fortnox_not_listening" and params["why"]:
        values["reason"] = t(f"listener_reason.{params['why']}", port=params["port"])
    for name in ("period", "earlier", "other"):  # a period's name: the year-end period in the reader's words
        if isinstance(params.get(name), str):
            values[name] = period_name(params[name])
    if key == "import_changes_locked_periods":
        values["periods"] = ", ".join(f"{period['period']} ({format_count(period['vouchers'])})"
                                      for period in params["periods"])
    return keyed(f"error.{key}", params, values)


def notice_words(notice: Notice) -> str:
    """Something core did that the user should hear of once (a store made private), in the reader's language; core's
    English for a notice without a text here."""
    return keyed(f"notice.{notice.key}", notice.params) or str(notice)


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
    return keyed(f"sie.{text.key}", text.params, values) or str(text)


def import_words(params: dict) -> str:
    """One imported year, from ImportResult.params(): the live "Done:" line and the activity log say it alike."""
    return t(
        "summary.replaced" if params["replaced"] else "summary.imported",
        company=params["company"],
        org=format_org_number(params["org"]),
        year=_span(params["start"], params["end"]) if params["start"] else t("summary.no_year"),
        vouchers=_summary_count("count.vouchers", params["vouchers"]),
        transactions=_summary_count("count.transactions", params["transactions"]),
        balances=_summary_count("count.balances", params["balances"]),
        checks=", ".join(params["problems"]) or t("summary.all_ok"),
    )


def fortnox_import_words(params: dict) -> str:
    """From FortnoxImportResult.params()."""
    return t(
        "summary.fortnox",
        company=params["company"],
        org=format_org_number(params["org"]),
        years=_summary_count("count.years", len(params["spans"])),
        spans=", ".join(_span(start, end) for start, end in params["spans"]),
        vouchers=_summary_count("count.vouchers", params["vouchers"]),
        transactions=_summary_count("count.transactions", params["transactions"]),
        requests=_summary_count("count.requests", params["requests"]),
        seconds=_seconds(params["seconds"]),
    )


def export_words(params: dict) -> str:
    """From ExportReport.params()."""
    counts = {
        name: _summary_count(f"summary.export_{name}", params[name]) for name in ("sent", "found", "skipped", "failed")
    }
    text = t("summary.export", series=params["series"], **counts)
    if params["unsent"]:
        text += _summary_count("summary.export_unsent", params["unsent"])
    return text + "."


def export_result_words(key: str, params: dict) -> str:
    """One exported entry's result (core.export.fortnox.RESULT_TEXTS) in the reader's language."""
    return t(f"export_result.{key}", **params)


def export_result_lines(params: dict) -> list[str]:
    """An export's result for each entry, from its activity entry: said in the reader's language where core kept the
    words' keys, as core's English for entries logged before it did."""
    if "lines_said" not in params:
        return list(params.get("lines", []))
    return [
        t("export_result.line", entry=item["entry"], result=export_result_words(item["key"], item["params"]))
        for item in params["lines_said"]
    ]


def sie_export_words(params: dict) -> str:
    """From SieExportReport.params(); why an entry was skipped from its key (core.export.sie.SKIP_TEXTS), or as core's
    English for exports logged before core kept the keys."""
    exported = params["exported"]
    ids = ", ".join(map(str, exported))
    text = _summary_count("summary.sie_export", len(exported), ids=ids, path=params["path"])
    if "skipped_said" in params:
        skipped = [(entry_id, t(f"sie_skip.{key}", **values)) for entry_id, key, values in params["skipped_said"]]
    else:
        skipped = params["skipped"]
    if skipped:
        reasons = "; ".join(t("summary.sie_skipped_entry", id=i, why=why) for i, why in skipped)
        text += _summary_count("summary.sie_skipped", len(skipped), reasons=reasons)
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
    "remove": lambda params: _activity_removed(params),
    "period": lambda params: t(
        f"summary.activity_period_{params['action']}", period=period_name(params["period"]), start=params["start"],
        end=params["end"], user=params["user"],
    ) + (t("summary.activity_period_reason", reason=params["reason"]) if params["reason"] else ""),
}


def _activity_removed(params: dict) -> str:
    """A removed company or year, said from what the log kept (the company itself is gone)."""
    years = ", ".join(f"{year['start']}..{year['end']}" for year in params["fiscal_years"])
    vouchers = tn("companies.vouchers", params["vouchers"])
    entries = tn("companies.closing_entries", params["closing_entries"])
    if params["what"] == "year":
        return t("summary.activity_removed_year", year=years, company=params["company"], vouchers=vouchers, entries=entries)
    return t(
        "summary.activity_removed_company",
        company=params["company"], org=format_org_number(params["org"]), years=years, vouchers=vouchers, entries=entries,
    )


def _summary_count(key: str, count: int, **values: object) -> str:
    """A count in a summary: Swedish groups its digits; English keeps the CLI's bare digits, so both read the same."""
    return tn(key, count, count=format_count(count) if _language == "sv" else str(count), **values)


def _seconds(seconds: float) -> str:
    return format_decimal(f"{seconds:.1f}")


def format_decimal(value: object) -> str:
    """A number with decimals that is no amount (a tax rate, seconds) as the reader writes it: 20,6 in Swedish."""
    text = str(value)
    return text.replace(".", ",") if _language == "sv" else text


def _span(start, end) -> str:
    return f"{start}..{end}"


def store_words(kind) -> str:
    """Where the Fortnox token is (a core.fortnox.tokens.StoreKind), in the reader's language."""
    return t(f"token_store.{kind.medium.replace(' ', '_')}", where=kind.where)


def template_description(name: str) -> str:
    """A closing-entry template's accounts and how its amount is found (core's description is the CLI's help)."""
    return t(f"template_text.{name}")


def period_name(label: str) -> str:
    """A period as core labels it (2025-03, 2025Q1, year-end), the year-end period in the reader's words."""
    return t("period.year_end") if label == YEAR_END else label


def problem_words(problem) -> str:
    """A closing entry's problem (core.closing.entries.Problem) in the reader's language, amounts the reader's way;
    one without a key stays as core wrote it."""
    if not problem.key:
        return problem.message
    values = {name: format_money(v) if isinstance(v, Decimal) else v for name, v in problem.params.items()}
    if problem.key == "too_large":
        values["limit"] = format_count(problem.params["limit"])
    if problem.key in ("period_locked", "period_paused"):
        values["period"] = period_name(problem.params["period"])
    text = keyed(f"problem.{problem.key}", problem.params, values) or problem.message
    if problem.key == "unknown_account" and problem.params["suggestions"]:
        text += t("problem.suggestions", suggestions=problem.params["suggestions"])
    return text

