"""The wording of the consent form, per language.

The consent form is a legal document: its body has to use the terms of the Law of the Republic
of Azerbaijan "On Personal Data" (No. 998-IIIQ of 11 May 2010; az «Fərdi məlumatlar haqqında»
Qanun, ru Закон «О персональных данных») — data subject, collection, processing and protection,
written consent, withdrawal — and must be approved as a whole by the organization's lawyer.
It is therefore kept here as one reviewed text per language rather than as separate gettext
strings that translators could render piecemeal; the page furniture and the reference-data
labels around it are translated as usual.

Placeholders are filled by :mod:`legalaid_desktop.reports.consent` with escaped markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentText:
    """The body texts of the consent form in one language.

    Attributes:
        title: The form's title.
        subtitle: The legal basis under the title.
        client_ref: The client's registration reference, with ``{id}``.
        intro: The declaration; ``{name}``, ``{birth_year}``, ``{address}``, ``{phone}``,
            ``{center}``, ``{center_address}``.
        purposes_heading: Heading of the purposes.
        purposes_intro: Instruction to tick the purposes.
        purposes: Description per ``consent_purposes`` code; ``{hq}`` is the headquarters'
            name in parentheses (or nothing).
        categories_heading: Heading of the data categories.
        categories: The categories of personal data processed.
        validity_heading: Heading of the period of validity.
        valid_until: The period with an end date, ``{date}``.
        valid_open: The period without an end date (until withdrawn).
        after_end: What happens to the data at the end of the period or on withdrawal.
        withdrawal_heading: Heading of the right to withdraw.
        withdrawal: The right and procedure; ``{center_address}``, ``{center_phone}``.
        phone_suffix: How the center's phone is appended to its address, ``{phone}``.
        rights_heading: Heading of the data subject's rights.
        rights: The data subject's rights.
        subject_role: Caption of the data subject's signature block.
        center_role: Caption of the center's signature block.
        subject_hint: Caption under the data subject's name line.
        representative_hint: Caption under the representative's name line.
        signature: Caption under a signature line.
        date: Caption under a date line.
    """

    title: str
    subtitle: str
    client_ref: str
    intro: str
    purposes_heading: str
    purposes_intro: str
    purposes: Mapping[str, str]
    categories_heading: str
    categories: tuple[str, ...]
    validity_heading: str
    valid_until: str
    valid_open: str
    after_end: str
    withdrawal_heading: str
    withdrawal: tuple[str, ...]
    phone_suffix: str
    rights_heading: str
    rights: str
    subject_role: str
    center_role: str
    subject_hint: str
    representative_hint: str
    signature: str
    date: str


_AZ = ConsentText(
    title="Fərdi məlumatların emalına razılıq",
    subtitle=(
        "«Fərdi məlumatlar haqqında» Azərbaycan Respublikasının 11 may 2010-cu il tarixli "
        "998-IIIQ nömrəli Qanununa uyğun olaraq"
    ),
    client_ref="Müştərinin qeydiyyat kodu: {id}",
    intro=(
        "Mən, {name}, doğum ili: {birth_year}, yaşayış ünvanı: {address}, telefon: {phone} "
        "(bundan sonra — fərdi məlumatların subyekti), «Fərdi məlumatlar haqqında» Azərbaycan "
        "Respublikası Qanununun tələblərinə müvafiq olaraq, azad iradəmlə və öz mənafeyimə "
        "uyğun olaraq, {center} (ünvan: {center_address}; bundan sonra — Mərkəz) tərəfindən "
        "mənə pulsuz hüquqi yardım göstərilməsi ilə əlaqədar fərdi məlumatlarımın aşağıdakı "
        "şərtlərlə toplanılmasına, işlənilməsinə və mühafizəsinə yazılı razılıq verirəm."
    ),
    purposes_heading="1. Fərdi məlumatların emalı məqsədləri",
    purposes_intro="Razılıq verdiyim məqsədləri müvafiq xanada işarə ilə qeyd edirəm:",
    purposes={
        "store_process": (
            "müraciətimə baxılması, mənə hüquqi məsləhət və yardım göstərilməsi üçün fərdi "
            "məlumatlarımın Mərkəzin şifrələnmiş informasiya sistemində toplanılması, "
            "saxlanılması və işlənilməsi;"
        ),
        "share_hq": (
            "hüquqi yardımın keyfiyyətinə nəzarət, işin digər mərkəzə verilməsi və "
            "hesabatlılıq məqsədilə fərdi məlumatlarımın şifrələnmiş formada təşkilatın baş "
            "ofisinə{hq} ötürülməsi;"
        ),
        "anonymized_stats": (
            "məlumatlarımın şəxsiyyətimi müəyyən etməyə imkan verməyən (anonimləşdirilmiş) "
            "formada statistik hesabatlarda, donorlara təqdim edilən hesabatlarda və ictimai "
            "vəkillik (advokasiya) kampaniyalarında istifadə olunması."
        ),
    },
    categories_heading="2. Emal olunan fərdi məlumatların kateqoriyaları",
    categories=(
        "soyadım, adım, atamın adı, cinsim və doğum ilim;",
        "əlaqə məlumatlarım: telefon nömrəsi və yaşayış ünvanı;",
        "yaşadığım region, məcburi köçkün, qaçqın və ya digər statusum;",
        "əlilliyim barədə sağlamlığımla bağlı məlumat (yalnız özümün təqdim etdiyim həcmdə);",
        "müraciətimin mahiyyəti, məsləhətlər barədə qeydlər, işə dair sənədlər və onların "
        "surətləri;",
        "işdə iştirak edən digər şəxslər barədə təqdim etdiyim məlumatlar.",
    ),
    validity_heading="3. Razılığın qüvvədə olma müddəti",
    valid_until="Bu razılıq imzalandığı gündən {date} tarixinədək qüvvədədir.",
    valid_open="Bu razılıq imzalandığı gündən mənim tərəfimdən geri götürülənədək qüvvədədir.",
    after_end=(
        "Razılığın müddəti bitdikdə və ya razılıq geri götürüldükdə Mərkəz fərdi "
        "məlumatlarımın emalını dayandırır və qanunvericiliklə saxlanılması tələb olunmayan "
        "məlumatları məhv edir."
    ),
    withdrawal_heading="4. Razılığın geri götürülməsi hüququ və qaydası",
    withdrawal=(
        "Bu razılığı istənilən vaxt tam həcmdə və ya ayrı-ayrı məqsədlər üzrə geri götürmək "
        "hüququm vardır. Bunun üçün Mərkəzə şəxsən və ya poçt vasitəsilə yazılı ərizə "
        "təqdim edirəm (ünvan: {center_address}{center_phone}).",
        "Razılığın geri götürülməsi ondan əvvəl həyata keçirilmiş emalın qanuniliyinə təsir "
        "göstərmir.",
    ),
    phone_suffix="; telefon: {phone}",
    rights_heading="5. Fərdi məlumatların subyektinin hüquqları",
    rights=(
        "Mənə izah edilmişdir ki, Qanuna əsasən barəmdə toplanılan fərdi məlumatlarla tanış "
        "olmaq, onların düzəldilməsini, yenilənməsini, bloklaşdırılmasını və ya məhv "
        "edilməsini tələb etmək, habelə fərdi məlumatlarla bağlı hüquqlarımın pozulmasından "
        "müvafiq icra hakimiyyəti orqanına və ya məhkəməyə şikayət etmək hüququm vardır. "
        "Qanunla nəzərdə tutulmuş hallar istisna olmaqla, fərdi məlumatlarım razılığım "
        "olmadan üçüncü şəxslərə verilmir."
    ),
    subject_role="Fərdi məlumatların subyekti",
    center_role="Mərkəzin nümayəndəsi",
    subject_hint="(soyadı, adı, atasının adı)",
    representative_hint="(soyadı, adı, vəzifəsi)",
    signature="imza",
    date="tarix",
)

_RU = ConsentText(
    title="Согласие на обработку персональных данных",
    subtitle=(
        "в соответствии с Законом Азербайджанской Республики «О персональных данных» "
        "от 11 мая 2010 года №\u00a0998-IIIГ"
    ),
    client_ref="Регистрационный код клиента: {id}",
    intro=(
        "Я, {name}, год рождения: {birth_year}, адрес проживания: {address}, телефон: "
        "{phone} (далее — субъект персональных данных), в соответствии с требованиями Закона "
        "Азербайджанской Республики «О персональных данных», свободно, своей волей и в своём "
        "интересе даю письменное согласие на сбор, обработку и защиту моих персональных "
        "данных организацией: {center} (адрес: {center_address}; далее — Центр) в связи с "
        "оказанием мне бесплатной юридической помощи на следующих условиях."
    ),
    purposes_heading="1. Цели обработки персональных данных",
    purposes_intro="Цели, на которые я даю согласие, отмечаю в соответствующей клетке:",
    purposes={
        "store_process": (
            "сбор, хранение и обработка моих персональных данных в зашифрованной "
            "информационной системе Центра для рассмотрения моего обращения и оказания мне "
            "юридической консультации и помощи;"
        ),
        "share_hq": (
            "передача моих персональных данных в зашифрованном виде в головной офис "
            "организации{hq} для контроля качества юридической помощи, передачи дела в другой "
            "центр и отчётности;"
        ),
        "anonymized_stats": (
            "использование моих данных в обезличенном виде, не позволяющем установить мою "
            "личность, в статистических отчётах, отчётах для доноров и в общественных "
            "правозащитных (адвокационных) кампаниях."
        ),
    },
    categories_heading="2. Перечень обрабатываемых персональных данных",
    categories=(
        "фамилия, имя, отчество, пол, год рождения;",
        "контактные данные: номер телефона и адрес проживания;",
        "регион проживания, статус вынужденного переселенца, беженца или иной статус;",
        "сведения об инвалидности, относящиеся к состоянию здоровья (только в объёме, "
        "сообщённом мною);",
        "существо обращения, записи о консультациях, документы по делу и их копии;",
        "сведения о других участниках дела, сообщённые мною.",
    ),
    validity_heading="3. Срок действия согласия",
    valid_until="Настоящее согласие действует со дня его подписания до {date}.",
    valid_open="Настоящее согласие действует со дня его подписания до его отзыва мною.",
    after_end=(
        "По истечении срока действия или после отзыва согласия Центр прекращает обработку моих "
        "персональных данных и уничтожает сведения, хранение которых не требуется "
        "законодательством."
    ),
    withdrawal_heading="4. Право на отзыв согласия и порядок отзыва",
    withdrawal=(
        "Я вправе в любое время отозвать настоящее согласие полностью или в части отдельных "
        "целей, подав в Центр письменное заявление лично или по почте (адрес: "
        "{center_address}{center_phone}).",
        "Отзыв согласия не влияет на законность обработки, осуществлённой до его отзыва.",
    ),
    phone_suffix="; телефон: {phone}",
    rights_heading="5. Права субъекта персональных данных",
    rights=(
        "Мне разъяснено, что в соответствии с Законом я имею право знакомиться с собранными "
        "обо мне персональными данными, требовать их исправления, обновления, блокирования "
        "или уничтожения, а также обжаловать нарушение моих прав, связанных с персональными "
        "данными, в соответствующем органе исполнительной власти или в суде. Мои персональные "
        "данные не передаются третьим лицам без моего согласия, за исключением случаев, "
        "предусмотренных законом."
    ),
    subject_role="Субъект персональных данных",
    center_role="Представитель Центра",
    subject_hint="(фамилия, имя, отчество)",
    representative_hint="(фамилия, имя, должность)",
    signature="подпись",
    date="дата",
)

_EN = ConsentText(
    title="Consent to the processing of personal data",
    subtitle=(
        "under the Law of the Republic of Azerbaijan “On Personal Data” "
        "No.\u00a0998-IIIQ of 11 May 2010"
    ),
    client_ref="Client registration reference: {id}",
    intro=(
        "I, {name}, year of birth: {birth_year}, residing at: {address}, telephone: {phone} "
        "(hereinafter the data subject), in accordance with the Law of the Republic of "
        "Azerbaijan “On Personal Data”, freely, of my own will and in my own interest, give my "
        "written consent to the collection, processing and protection of my personal data by "
        "{center} (address: {center_address}; hereinafter the Center) in connection with the "
        "free legal aid provided to me, on the following terms."
    ),
    purposes_heading="1. Purposes of processing",
    purposes_intro="I mark the purposes to which I consent in the corresponding box:",
    purposes={
        "store_process": (
            "collection, storage and processing of my personal data in the Center's encrypted "
            "information system in order to examine my request and to give me legal advice "
            "and assistance;"
        ),
        "share_hq": (
            "transfer of my personal data in encrypted form to the organization's "
            "headquarters{hq} for quality control of the legal aid, transfer of the case to "
            "another center and reporting;"
        ),
        "anonymized_stats": (
            "use of my data in anonymized form, which does not allow me to be identified, in "
            "statistical reports, reports to donors and public advocacy campaigns."
        ),
    },
    categories_heading="2. Categories of personal data processed",
    categories=(
        "surname, first name, patronymic, gender, year of birth;",
        "contact details: telephone number and address;",
        "region of residence, status as an internally displaced person, refugee or other status;",
        "information on disability relating to my health (only as far as I provide it);",
        "the substance of my request, notes of consultations, case documents and copies of them;",
        "information I provide about other persons involved in the case.",
    ),
    validity_heading="3. Period of validity",
    valid_until="This consent is valid from the day it is signed until {date}.",
    valid_open="This consent is valid from the day it is signed until I withdraw it.",
    after_end=(
        "When the period ends or the consent is withdrawn, the Center stops processing my "
        "personal data and destroys the data whose retention is not required by law."
    ),
    withdrawal_heading="4. Right to withdraw consent and procedure",
    withdrawal=(
        "I may withdraw this consent at any time, in full or for particular purposes, by "
        "giving the Center a written statement in person or by post (address: "
        "{center_address}{center_phone}).",
        "Withdrawal does not affect the lawfulness of processing carried out before it.",
    ),
    phone_suffix="; telephone: {phone}",
    rights_heading="5. Rights of the data subject",
    rights=(
        "It has been explained to me that under the Law I have the right to see the personal "
        "data collected about me, to demand that they be corrected, updated, blocked or "
        "destroyed, and to complain about a breach of my rights concerning personal data to "
        "the competent executive authority or to a court. My personal data are not disclosed "
        "to third parties without my consent, except in cases provided for by law."
    ),
    subject_role="Data subject",
    center_role="Representative of the Center",
    subject_hint="(surname, first name, patronymic)",
    representative_hint="(surname, first name, position)",
    signature="signature",
    date="date",
)

_TEXTS: Mapping[str, ConsentText] = {"az": _AZ, "ru": _RU, "en": _EN}


def consent_text(lang: str) -> ConsentText:
    """The consent wording in ``lang`` (``az``, ``ru`` or ``en``).

    Raises:
        ValueError: If there is no wording in ``lang``.
    """
    try:
        return _TEXTS[lang]
    except KeyError:
        raise ValueError(f"no consent form wording in language {lang!r}") from None
