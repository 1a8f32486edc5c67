"""The DuckDB warehouse: schema, connections, metric definitions and queries. Never imports streamlit."""
