from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gamedjinn import health


@login_not_required
@never_cache
@require_GET
def health_view(request):
    healthy, checks = health.run_checks()
    # Details can reveal topology; only signed-in users see them.
    if not request.user.is_authenticated:
        checks = {name: {"status": result["status"]} for name, result in checks.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
