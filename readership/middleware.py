"""``ReadershipMiddleware``: counts reads of pages marked by their views, cached or not."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import counting


class ReadershipMiddleware:
    """Count a reader's read of a page marked with ``counting.count_as``, and take the mark off.

    Sits outside the page cache (which stores the mark with the page), so hits count as misses do.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        item = response.get(counting.READ_HEADER)
        if item is not None:
            del response[counting.READ_HEADER]
            if response.status_code == 200 and counting.is_reader(request):
                counting.record(int(item))
        return response
