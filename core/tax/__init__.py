"""The year-end tax computation of an aktiebolag (reference tax-ink2-sru.md): the sheet mirroring INK2S
(`sheet`), the periodiseringsfond register (`funds`), the inventarier register behind överavskrivningar
(`assets`), and the closing-entry drafts derived from them (`drafts`). The rules that change by year are data in
tax.toml."""
