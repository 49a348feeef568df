"""OpenAI-style error bodies, and the one place that maps aiattest errors to HTTP statuses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aiattest.errors import ConflictError, Error, InputError, NotFoundError, ProviderError

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


class ApiError(Error):
    """An error with a definite HTTP status and OpenAI error fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.param = param
        self.headers = headers or {}


def error_body(
    status: int, message: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """``{"error": {"message", "type", "param", "code"}}`` as OpenAI sends it."""
    return {
        "error": {
            "message": message,
            "type": _TYPES.get(status, "api_error"),
            "param": param,
            "code": code,
        }
    }


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse(error_body(status, message, code, param), status, headers=headers)


def status_for(error: Error) -> tuple[int, str | None]:
    """HTTP status and OpenAI ``code`` for an aiattest error."""
    if isinstance(error, ApiError):
        return error.status, error.code
    if isinstance(error, NotFoundError):
        return 404, "model_not_found" if "model" in error.message else "not_found"
    if isinstance(error, ConflictError):
        return 409, "conflict"
    if isinstance(error, InputError):
        return 400, "invalid_request"
    if isinstance(error, ProviderError):
        return 503, "upstream_unavailable"
    return 500, "internal_error"


def install_error_handlers(app: FastAPI) -> None:
    """Make every error the app raises come out as an OpenAI-style body."""

    async def on_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Error)
        status, code = status_for(exc)
        headers = dict(exc.headers) if isinstance(exc, ApiError) else None
        param = exc.param if isinstance(exc, ApiError) else None
        # Internal errors say nothing specific: the message may name internals.
        message = exc.message if status < 500 or isinstance(exc, ApiError) else "internal error"
        if isinstance(exc, ProviderError) and not isinstance(exc, ApiError):
            message = "no upstream provider could serve the request"
        return error_response(status, message, code=code, param=param, headers=headers)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(
            400,
            f"invalid request: {loc or 'body'}: {first.get('msg', 'invalid')}",
            code="invalid_request",
            param=loc or None,
        )

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers) if exc.headers else None
        # Mounted routers (governance) put {"message": ..., "hint": ...} in the detail.
        detail = exc.detail
        message = detail.get("message", detail) if isinstance(detail, dict) else detail
        return error_response(exc.status_code, str(message), headers=headers)

    app.add_exception_handler(Error, on_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
