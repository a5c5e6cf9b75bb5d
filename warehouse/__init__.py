"""The DuckDB warehouse: numbered migrations, analyst views, idempotent loads."""
