"""The daemon's databases: SQL and numbered migrations, nothing else."""
