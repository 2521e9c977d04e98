"""The page shown when django-axes locks sign-in for a user id and address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """429 with a clear explanation and how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "user_id": (credentials or {}).get("username", ""),
        "failures": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
