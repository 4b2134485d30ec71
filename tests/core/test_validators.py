import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.masking import mask_id_number, mask_phone
from anlan.core.validators import (
    CREDIT_CODE_CHARS,
    credit_code_check_char,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # GB 32100-2015 worked example
        "91110000600037341L",
    ],
)
def test_published_credit_codes_are_valid(code):
    validate_credit_code(code)


def test_credit_code_errors_are_chinese():
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code("91350100M000100Y44")
    with pytest.raises(ValidationError, match="18位"):
        validate_credit_code("9135010")
    with pytest.raises(ValidationError, match="不含I、O、Z、S、V"):
        validate_credit_code("91350100M000100YO3")


@given(st.text(alphabet=CREDIT_CODE_CHARS, min_size=17, max_size=17))
def test_any_body_with_its_check_char_is_valid_and_any_other_char_is_not(body):
    check = credit_code_check_char(body)
    validate_credit_code(body + check)
    wrong = next(c for c in CREDIT_CODE_CHARS if c != check)
    with pytest.raises(ValidationError):
        validate_credit_code(body + wrong)


def test_id_number_check_digit_from_gb11643():
    validate_id_number("11010519491231002X")  # the standard's own example
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number("110105194912310021")


def test_phone_numbers():
    for good in ("13812345678", "023-57681234", "02357681234"):
        validate_phone(good)
    for bad in ("12812345678", "1381234567", "abc"):
        with pytest.raises(ValidationError, match="电话号码格式不正确"):
            validate_phone(bad)


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110105********002X"
