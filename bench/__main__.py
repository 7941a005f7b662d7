"""Runs every benchmark in turn; each one is also runnable alone (`python -m bench.sie_import`)."""

from bench import checks, fortnox_import, postgres_import_costs, postgres_store, reconcile, sie_import, tui_analysis

if __name__ == "__main__":
    sie_import.main()
    tui_analysis.main()
    fortnox_import.main()
    checks.main()
    postgres_store.main()
    postgres_import_costs.main()
    reconcile.main()
