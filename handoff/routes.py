"""The route table, nothing else."""

from __future__ import annotations

from aiohttp import web

from handoff import views


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", views.health)
    app.router.add_get("/metrics", views.metrics)
    app.router.add_post("/api/handoffs", views.create_handoff)
    app.router.add_get("/api/handoffs/{ticket_id}", views.get_handoff)
    app.router.add_post("/api/handoffs/{ticket_id}/cancel", views.cancel_handoff)
    app.router.add_put("/api/handoffs/{ticket_id}/feedback", views.put_feedback)
    app.router.add_put("/api/handoffs/{ticket_id}/callback", views.put_callback)
    app.router.add_get("/api/conversations/{conversation_id}/handoffs", views.conversation_handoffs)
