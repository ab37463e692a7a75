"""Error pages in Vietnamese (HTML for screens, JSON under /api/): 400, 403, 404, 500.

A 400 from a query-string value the user can fix (`params.BadParameter`) says which one; other
exceptions are not shown (they may hold internals)."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from dangbo.core.errors import DomainError

API_PREFIX = "/api/"
DEFAULT_400 = "Yêu cầu không hợp lệ."
MESSAGES = {
    400: DEFAULT_400,
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc dữ liệu (hoặc dữ liệu nằm ngoài phạm vi được giao).",
    500: "Hệ thống gặp lỗi khi xử lý yêu cầu; chưa có thay đổi nào được ghi.",
}


def _answer(request, status: int, exception=None):
    message = MESSAGES[status]
    if status == 400 and isinstance(exception, DomainError):
        message = exception.full_message
    if request.path.startswith(API_PREFIX):
        if status == 400 and isinstance(exception, DomainError):
            return JsonResponse(exception.as_dict(), status=status)
        return JsonResponse({"detail": message}, status=status)
    return render(
        request, f"{status}.html", {"title": f"Lỗi {status}", "message": message}, status=status
    )


@requires_csrf_token
def bad_request(request, exception):
    return _answer(request, 400, exception)


@requires_csrf_token
def permission_denied(request, exception):
    return _answer(request, 403)


@requires_csrf_token
def page_not_found(request, exception):
    return _answer(request, 404)


@requires_csrf_token
def server_error(request):
    """Rendered without context processors or the database: the fault may be there."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": MESSAGES[500]}, status=500)
    return HttpResponseServerError(
        loader.get_template("500.html").render({"message": MESSAGES[500]})
    )
