"""The daemon on the student's or teacher's own computer, in layers (each imports only
the ones below it): process and client, server (HTTP), services (the rules), store
(SQLite), and config, instance and token at the bottom."""
