"""The route table, nothing else."""

from __future__ import annotations

from aiohttp import web

from handoff import (
    attachment_views,
    console,
    handouts,
    help_center,
    privacy_access,
    report_link,
    views,
    widget,
)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", views.health)
    app.router.add_get("/metrics", views.metrics)
    app.router.add_post("/api/handoffs", views.create_handoff)
    app.router.add_get("/api/handoffs/{ticket_id}", views.get_handoff)
    app.router.add_post("/api/handoffs/{ticket_id}/cancel", views.cancel_handoff)
    app.router.add_put("/api/handoffs/{ticket_id}/feedback", views.put_feedback)
    app.router.add_put("/api/handoffs/{ticket_id}/callback", views.put_callback)
    app.router.add_get("/api/conversations/{conversation_id}/handoffs", views.conversation_handoffs)
    app.router.add_post("/api/conversations/{conversation_id}/typing", views.customer_typing)
    app.router.add_post("/api/conversations/{conversation_id}/attachments", attachment_views.upload)
    app.router.add_get("/api/customers/{channel_user_id}/tickets", views.customer_tickets)
    setup_console_routes(app)


def setup_console_routes(app: web.Application) -> None:
    app.router.add_get("/", widget.index)
    app.router.add_get("/widget.js", widget.script)
    app.router.add_get("/demo", widget.demo)
    app.router.add_get("/help", help_center.index)
    app.router.add_get("/help/privacy", help_center.privacy_notice)  # before the article route
    app.router.add_get("/help/scripts/{script_id}", handouts.handout_page)
    app.router.add_get("/help/{doc_id}", help_center.article)
    app.router.add_static("/static", widget.STATIC_DIR, append_version=True)
    app.router.add_static("/web", widget.WEB_DIR)
    app.router.add_get("/console/login", console.login_page)
    app.router.add_post("/console/login", console.login)
    app.router.add_post("/console/logout", console.logout)
    app.router.add_get("/console", console.console_page)
    app.router.add_get("/console/supervisor", console.supervisor_page)
    app.router.add_get("/console/supervisor/report", report_link.latest_report)
    app.router.add_get("/console/ws", console.websocket)
    app.router.add_get("/console/api/queue", console.queue)
    app.router.add_get("/console/api/canned", console.canned)
    app.router.add_post("/console/api/presence", console.presence)
    app.router.add_get("/console/api/satisfaction", console.satisfaction)
    app.router.add_get("/console/api/tickets/{ticket_id}", console.ticket_detail)
    app.router.add_get("/console/api/tickets/{ticket_id}/suggestions", console.suggestions)
    app.router.add_post("/console/api/tickets/{ticket_id}/claim", console.claim)
    app.router.add_post("/console/api/tickets/{ticket_id}/messages", console.send_message)
    app.router.add_post("/console/api/tickets/{ticket_id}/notes", console.add_note)
    app.router.add_post("/console/api/tickets/{ticket_id}/transfer", console.transfer)
    app.router.add_post("/console/api/tickets/{ticket_id}/resolve", console.resolve)
    app.router.add_post("/console/api/tickets/{ticket_id}/handback", console.hand_back)
    app.router.add_post("/console/api/tickets/{ticket_id}/typing", console.typing)
    app.router.add_get("/console/tickets/{ticket_id}/transcript.json", console.export_json)
    app.router.add_get("/console/tickets/{ticket_id}/transcript.html", console.export_html)
    app.router.add_get("/console/tickets/{ticket_id}/files/{attachment_id}", attachment_views.download)
    app.router.add_get("/console/access-log", privacy_access.access_log_page)
    app.router.add_get("/console/api/access-log", privacy_access.access_log_api)
