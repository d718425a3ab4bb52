from django.urls import path

from bali_followup.urls import handler500  # noqa: F401
from bali_followup.urls import urlpatterns as app_urlpatterns
from bench.floor import floor_matrix

urlpatterns = [path("bench/floor/", floor_matrix), *app_urlpatterns]
