"""ETL: hotline exports (CSV/XLSX, UTF-8 or GBK, any vendor's headers) into the warehouse."""
