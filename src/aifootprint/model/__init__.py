"""The footprint model, shared by the daemon and the class server: the factor table,
impacts and equivalents, formatting, the school-day scenario, the event schema and the
sharing periods. Pure: no I/O beyond reading the packaged tables. Imports only core."""
