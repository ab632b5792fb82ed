"""Running the pipeline: ingest scheduling in input order with bounded windows (`ingest`), the analysis
of the stories it touched (`analysis`), the reader's corrections as runs (`corrections`), the work done
in the worker processes (`tasks`), the report of a run (`report`), and a Dask cluster in place of the
local workers (`scaleout`). Settings: [ingest], [scaleout]."""
