"""The one way a request body is read as JSON: orjson (strict: no NaN/Infinity, no number that overflows a
double), then a depth limit. Python's json recurses once per bracket, so 50,000 nested brackets raised
RecursionError (a 500); orjson stops at 1,024 levels, and no document Anlan accepts nests beyond a dozen,
so anything deeper than MAX_DEPTH is refused as malformed.
"""

import orjson

MAX_DEPTH = 64


class MalformedJSON(ValueError):
    """The body is not JSON Anlan accepts; the message says why, in Chinese."""


def loads(body: bytes | str, *, max_depth: int = MAX_DEPTH):
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        reason = f"嵌套超过 {max_depth} 层" if "depth" in str(exc) else str(exc)
        raise MalformedJSON(f"JSON 格式错误：{reason}") from None
    if depth(value) > max_depth:
        raise MalformedJSON(f"JSON 格式错误：嵌套超过 {max_depth} 层")
    return value


def depth(value) -> int:
    """Nesting depth of parsed JSON (a scalar is 0, `[]` is 1), walked without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in node)
    return deepest
