"""Read models: projections of the event log into queryable views."""
