import reports.bench_rankings  # noqa: F401 - the rankings' scenarios, found by `coso bench` through this module
