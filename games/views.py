from django.shortcuts import render

from libraries.models import Library


def home(request):
    libraries = Library.objects.filter(owner=request.user).select_related("platform")
    return render(request, "games/home.html", {"libraries": libraries})
