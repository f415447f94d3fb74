"""Reports: the shared export module (CSV/ODS/XLSX), the PDF layer, the compte rendu."""
