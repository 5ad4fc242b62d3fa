"""Item pipelines, one module per stage: clean, dates, validate, mongo."""
