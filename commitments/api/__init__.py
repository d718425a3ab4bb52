"""The read-only REST API at /api/v1/ (Django REST Framework, drf-spectacular): the same data
and the same rules as the pages, for programs."""
