"""The sync: one run (`engine`), one kind's pass over its documents (`kind_pass`), the problems a run collects
(`problems`), where each kind's listing starts (`cursor`), sending with exactly-once delivery (`delivery`) and the
contacts documents need (`contacts`)."""
