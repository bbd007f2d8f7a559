"""`gongwen check`: GB/T 9704-2012 and house-style findings for YAML, DOCX, PDF and text."""
