"""The top page."""

from __future__ import annotations

from flask import Blueprint

from portal.htmx import render

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render("main/index.html")
