"""The one way a table reaches the screen: ``st.dataframe`` without Streamlit's own export.

Streamlit's table toolbar offers "Download as CSV" (and copying cells) on every table: a download the
audit log never sees and whose cells are not neutralised (a ``=HYPERLINK(...)`` cell came out as a
formula), the administrator's unmasked record included. ``client.disableDataExport`` (set in
``.streamlit/config.toml``) hides it; :func:`show_frame` makes sure of it even when a deployment's
config says otherwise, and offers the table's own download (audited, formulas neutralised) instead.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from labels import t
from pages.components.auth import audit_export
from pages.components.export import to_csv_bytes

EXPORT_OPTION = "client.disableDataExport"


def ensure_no_toolbar_export() -> None:
    """The option reaches the browser with the start of a script run: set it and run again, once per
    server process, when the config did not (the first table drawn pays one rerun)."""
    if not st.get_option(EXPORT_OPTION):
        st.set_option(EXPORT_OPTION, True)
        st.rerun()


def show_frame(
    frame: pl.DataFrame,
    *,
    where: Any = st,
    column_config: dict[str, Any] | None = None,
    height: int | str = "auto",
    download: str | None = None,
    lang: str = "zh",
    key: str | None = None,
) -> None:
    """Draw ``frame`` (no index, full width, no toolbar export); with ``download`` (a file name without
    extension) a CSV download button under it that is audited and neutralised."""
    ensure_no_toolbar_export()
    where.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=column_config)
    if download is not None and frame.height:
        table_download(frame, download, lang, where=where, key=key)


def table_download(frame: pl.DataFrame, name: str, lang: str, *, where: Any = st, key: str | None = None) -> None:
    """One audited CSV download of a shown table (the click is written to the audit log)."""
    file_name = f"{name}.csv"
    where.download_button(
        t("download_table_csv", lang),
        to_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key or f"dl_{name}",
        on_click=audit_export,
        args=(file_name,),
    )
