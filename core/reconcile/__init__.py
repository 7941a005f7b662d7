"""Period closing as accountants do it: balance reconciliation per account (or account group) and period, VAT
reconciliation per VAT period, and the analysis of the income statement (reconciliation.md).

`books` reads the final balances at a period's end, `work` keeps the reconciliations (specification, status,
comments, files, differences booked, carry forward), `auto` specifies the balances the books alone can prove,
`vat` compares booked VAT with the return, `analysis` the result accounts, and `report` writes the working papers.
The rules that are data (offset accounts, attachment limits, VAT boxes) are in reconcile.toml with their sources.
"""
