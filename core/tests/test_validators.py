"""The rules every app's writes share (core.validators), the form field and API type built on them, and the
folding of long texts on pages ({% long_text %})."""

import datetime as dt

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation
from ninja import Schema
from pydantic import ValidationError as SchemaError

from core.api_inputs import long_text
from core.forms import LongTextField
from core.templatetags.coso import text_preview
from core.validators import (
    FOLD_AT,
    LONG_TEXT,
    check_lengths,
    check_not_future,
    not_in_future,
    too_long_message,
)

D = dt.date
# 23:30 UTC on 01/12/2026 is 06:30 on 02/12/2026 in Hanoi.
EARLY_MORNING_IN_HANOI = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)


@time_machine.travel(EARLY_MORNING_IN_HANOI, tick=False)
def test_a_day_is_in_the_future_by_the_organisations_date_not_utcs():
    not_in_future(D(2026, 12, 2))  # today in Hanoi, though UTC still reads 01/12
    check_not_future(raised_on=D(2026, 12, 2), on=None)
    with pytest.raises(ValidationError) as refused:
        not_in_future(D(2026, 12, 3))
    with translation.override("vi"):
        assert refused.value.messages == ["Không được ghi ngày trong tương lai: hôm nay là 02/12/2026."]
    with pytest.raises(ValidationError) as refused:
        check_not_future(raised_on=D(2026, 12, 3), checked_on=D(2026, 12, 1))
    assert set(refused.value.message_dict) == {"raised_on"}


def test_a_text_over_its_limit_is_refused_on_its_field_in_vietnamese():
    check_lengths(text=("x" * LONG_TEXT, LONG_TEXT), note=(None, 10))
    with pytest.raises(ValidationError) as refused:
        check_lengths(text=("x" * 36_000, LONG_TEXT), summary=("ok", 10))
    assert set(refused.value.message_dict) == {"text"}
    with translation.override("vi"):
        assert too_long_message(LONG_TEXT, 36_000) == "Tối đa 5.000 ký tự; văn bản này có 36.000 ký tự."
    with translation.override("en"):
        assert too_long_message(LONG_TEXT, 36_000) == "At most 5,000 characters: this text has 36,000."


class ReportForm(forms.Form):
    text = LongTextField(label="Tiến độ")


def test_the_long_text_field_says_its_limit_and_refuses_more():
    with translation.override("vi"):
        form = ReportForm({"text": "x" * (LONG_TEXT + 1)})
        assert not form.is_valid()
        assert form.errors["text"] == ["Tối đa 5.000 ký tự; văn bản này có 5.001 ký tự."]
        assert str(form.fields["text"].help_text) == "Tối đa 5.000 ký tự."
        # No maxlength: the browser would cut a pasted text without a word.
        assert "maxlength" not in str(form["text"])
    with translation.override("en"):
        assert str(form.fields["text"].help_text) == "At most 5,000 characters."
    assert ReportForm({"text": "x" * LONG_TEXT}).is_valid()


class ReportIn(Schema):
    text: long_text(10)


def test_the_api_type_refuses_a_long_text_with_the_same_words():
    assert ReportIn(text="x" * 10).text == "x" * 10
    with translation.override("vi"), pytest.raises(SchemaError) as refused:
        ReportIn(text="x" * 11)
    assert refused.value.errors()[0]["msg"] == "Tối đa 10 ký tự; văn bản này có 11 ký tự."
    assert ReportIn.model_json_schema()["properties"]["text"]["maxLength"] == 10


def render(text) -> str:
    return Template("{% load coso %}{% long_text text %}").render(Context({"text": text}))


def test_a_short_text_is_shown_whole_and_a_long_one_folds():
    assert 'data-testid="long-text"' not in render("Đã chi trả 8/12 hộ.")
    assert render("") == '<span class="text-prewrap"></span>'
    long = ("Đã chi trả tiền bồi thường cho các hộ dân. " * 900).strip()  # about 38,000 characters
    with translation.override("vi"):
        html = render(long)
    assert '<details class="long-text" data-testid="long-text">' in html
    assert "Xem thêm" in html and "Thu gọn" in html
    preview = text_preview(long, FOLD_AT)
    assert len(preview) <= FOLD_AT + 1 and preview.endswith("…") and long.startswith(preview[:-1])
    assert not preview[:-1].endswith(" ")  # cut at a word
    assert long in html  # the whole text is there, folded
    # Many short lines fold too; a text a little over the limit does not.
    assert text_preview("\n".join(f"Dòng {n}" for n in range(30)), FOLD_AT).count("\n") == 7
    assert text_preview("x" * (FOLD_AT + 50), FOLD_AT) is None


def test_long_text_escapes_html():
    assert "<script>" not in render("<script>alert(1)</script>" + "x" * 2000)
