from django.conf import settings


def app(request):
    return {"EMBEDDED_MODE": settings.EMBEDDED_MODE, "PUBLIC_URL": settings.PUBLIC_URL}
