"""The printed consent form says what the program does (issue 16): what HQ receives with and
without consent to share, the center's retention period (read from the store), what a
withdrawal stops, and the copy of everything held. Real store, real PDF read back (pypdf)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.reports.consent_text import consent_text, years_text
from legalaid_desktop.services.retention import RetentionService

KEY_SENTENCES = {
    "az": (
        "tam həcmdə (adım və əlaqə məlumatlarım daxil olmaqla)",
        "baş ofis yalnız milli statistika üçün psevdonimləşdirilmiş qeyd alır",
        "Mərkəz məlumatlarımı 7 il saxlayır, sonra onları anonimləşdirir",
        "Mərkəz onların emalını dərhal dayandırır",
        "saxlama müddətini gözləmədən anonimləşdirilir",
        "baş ofisdəki nüsxə psevdonimləşdirilmiş qeydlə əvəz olunur",
        "surətini çap şəklində və ya fayl kimi tələb edə bilərəm",
    ),
    "ru": (
        "в полном объёме (включая имя и контактные данные)",
        "головной офис получает только псевдонимизированную запись для национальной статистики",
        "Центр хранит мои данные 7 лет, затем обезличивает их",
        "Центр сразу прекращает их обработку",
        "обезличиваются, не дожидаясь окончания срока хранения",
        "копия в головном офисе заменяется псевдонимизированной записью",
        "копию всех сведений, которые обо мне хранятся",
    ),
    "en": (
        "in full (including my name and contact details)",
        "the headquarters receives only a pseudonymized record for national statistics",
        "the Center keeps my data for 7 years, then anonymizes them",
        "the Center stops processing them at once",
        "anonymized without waiting for the end of the retention period",
        "the headquarters' copy is replaced by the pseudonymized record",
        "a copy of everything it holds about me",
    ),
}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_the_form_says_what_the_code_does(admin_session: app.AppSession, lang: str) -> None:
    RetentionService(admin_session.ws).set_years(7)  # the store's setting, not the default
    client = admin_session.clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    document = admin_session.reports.consent_form_document(client.id, lang=lang)
    assert document.pages == 1  # the signatures stay on the page with the text
    text = flat(_pdf_text(document.data))
    for sentence in KEY_SENTENCES[lang]:
        assert flat(sentence) in text, sentence
    assert "5il" not in text and "5лет" not in text and "5years" not in text


def test_the_default_retention_period_is_printed_when_none_was_set(
    admin_session: app.AppSession,
) -> None:
    client = admin_session.clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    text = flat(_pdf_text(admin_session.reports.consent_form_document(client.id, lang="ru").data))
    assert flat("хранит мои данные 5 лет") in text


def test_expiry_sentence_only_with_an_end_date(admin_session: app.AppSession) -> None:
    client = admin_session.clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    text = flat(_pdf_text(admin_session.reports.consent_form_document(client.id, lang="az").data))
    assert flat(consent_text("az").after_end) not in text  # "until withdrawn": no end to renew


@pytest.mark.parametrize(
    ("years", "ru"),
    [(1, "год"), (2, "года"), (4, "года"), (5, "лет"), (11, "лет"), (12, "лет"), (21, "год"),
     (22, "года"), (25, "лет"), (30, "лет")],
)  # fmt: skip
def test_years_in_the_three_languages(years: int, ru: str) -> None:
    assert years_text("ru", years) == f"{years}\u00a0{ru}"
    assert years_text("az", years) == f"{years}\u00a0il"
    assert years_text("en", years) == f"{years}\u00a0year" + ("" if years == 1 else "s")


def test_the_three_texts_have_the_same_shape() -> None:
    """Consistent az/ru/en texts: the same purposes, categories, paragraphs, placeholders."""
    texts = [consent_text(lang) for lang in ("az", "ru", "en")]
    assert len({tuple(t.purposes) for t in texts}) == 1
    assert len({len(t.categories) for t in texts}) == 1
    assert len({len(t.withdrawal) for t in texts}) == 1
    for text in texts:
        assert "{years}" in text.retention and "{hq}" in text.purposes["share_hq"]
        assert "{center_address}" in "".join(text.withdrawal)
