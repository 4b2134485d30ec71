"""The 12-digit 统计用区划代码 as a materialised path: a subtree is a code prefix.

Structure: province 2 + city 2 + county 2 + township 3 + village 3 digits. A node's prefix is its
code without the trailing all-zero groups; a record belongs to the subtree when its region code
starts with that prefix. This is why the tree needs no MPTT.
"""

import re

GROUP_ENDS = (2, 4, 6, 9, 12)
CODE_RE = re.compile(r"^\d{12}$")


def is_region_code(code: str) -> bool:
    return bool(CODE_RE.match(code or ""))


def region_prefix(code: str) -> str:
    """'500237000000' → '500237'; '500237101000' → '500237101'; a village code → itself."""
    for end in GROUP_ENDS:
        if set(code[end:]) <= {"0"}:
            return code[:end]
    return code


def ancestor_codes(code: str) -> list[str]:
    """Codes of the nodes above `code`, nearest last (county for a township, etc.)."""
    prefix = region_prefix(code)
    return [prefix[:end].ljust(12, "0") for end in GROUP_ENDS if end < len(prefix)]


def county_code(code6: str) -> str:
    """The 6-digit county form (only `--county` takes it) to the 12-digit code."""
    return code6.ljust(12, "0")


def county_of(code: str) -> str:
    """The 12-digit code of the county a code lies in ('500237101203' → '500237000000')."""
    return code[:6].ljust(12, "0")


def township_of(code: str) -> str:
    """The 12-digit code of the township a code lies in; a county code stays a county code
    ('500237101203' → '500237101000')."""
    return code[:9].ljust(12, "0")


def is_village(code: str) -> bool:
    """A village (村/社区) code: its last three digits are not all zero."""
    return len(code) == 12 and code[9:] != "000"


def same_county(a: str, b: str) -> bool:
    return a[:6] == b[:6]


def owner_codes(code: str) -> list[str]:
    """The code itself and the township and county above it (plans or measures owned at any of them)."""
    return sorted({county_of(code), township_of(code), code})
