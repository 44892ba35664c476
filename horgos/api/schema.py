"""The OpenAPI schema's error answers, written once: every operation may answer 400, 401, 403, 404 and 429 with the
one error shape of `horgos.api.exceptions` ({"error": {"code", "message", "fields"}}), and an error an operation
documents itself (409 for an exceeded allowance, 422 for a reused Idempotency-Key) has that shape too. A
drf-spectacular postprocessing hook (settings SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "A stable code, e.g. `invalid`, `not_found`."},
                "message": {"type": "string", "description": "What went wrong, in the request's language."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "For invalid input: the messages of each field (`non_field_errors` for the "
                    "whole); otherwise what the error names, e.g. what remains of an allowance.",
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
# The answers any operation may give, whatever it does.
COMMON_ERRORS = {
    "400": "Invalid input (the body, the query or a header such as Idempotency-Key), or a rule refused the request.",
    "401": "No credentials, or credentials that are not valid (token authentication).",
    "403": "The caller's role (or checkpoint, or merchant) does not allow this.",
    "404": "No such object among those the caller may see, or no such page of results.",
    "429": "Too many requests: wait the seconds the Retry-After header says.",
}


def document_errors(result: dict, generator, request, public) -> dict:
    """Add the common error answers to every operation, and the error shape to every error answer."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    error_content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")) and "content" not in response:
                    response["content"] = error_content
    return result
