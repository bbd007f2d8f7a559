def check_docx_layout(path, display):
    return []
