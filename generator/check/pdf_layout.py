def check_pdf_layout(path, display, imported):
    return []
