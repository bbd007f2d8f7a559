"""The web workspace's routes for the archive (the editor's are in editor_pages)."""
from __future__ import annotations

from starlette.routing import Route

from . import record_pages, search_pages, work_pages


def routes(page) -> list[Route]:
    return [
        Route("/search", page(search_pages.search_page), methods=["GET"]),
        Route("/api/search", page(search_pages.search_api, api=True), methods=["GET"]),
        Route("/who", page(search_pages.who_page), methods=["GET"]),
        Route("/people/{name:str}", page(search_pages.person_page), methods=["GET"]),
        Route("/records/{record_id:int}", page(record_pages.record_page), methods=["GET"]),
        Route("/records/{record_id:int}/files/{sha:sha256}", page(record_pages.download),
              methods=["GET"]),
        Route("/verify", page(work_pages.verify_page), methods=["GET", "POST"]),
        Route("/export", page(work_pages.export_page), methods=["GET", "POST"]),
        Route("/upload", page(work_pages.upload_page, role="clerk"), methods=["GET", "POST"]),
        Route("/index/sync", page(work_pages.sync_index, role="clerk"), methods=["POST"]),
        Route("/users", page(work_pages.users_page, role="admin"), methods=["GET"]),
    ]
