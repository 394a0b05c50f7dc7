"""The daemon's HTTP layer: the app factory, the one routes table, thin handlers grouped by
resource, the security middlewares, the OpenAPI description and the dashboard's files."""
