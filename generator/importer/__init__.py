"""gongwen import: received DOCX, PDF and TXT read back into gongwen YAML."""
