"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from canhgiac.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("test-broken/", broken)]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
