"""The formats of a report: DOCX in the Party document format, the XLSX annex, the PDF, and the charts."""
