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
        hq_withheld: What the headquarters receives without consent to share with it (a
            pseudonymized record for statistics; ``sync/pseudonyms.py``).
        categories_heading: Heading of the data categories.
        categories: The categories of personal data processed.
        validity_heading: Heading of the period of validity.
        valid_until: The period with an end date, ``{date}``.
        valid_open: The period without an end date (until withdrawn).
        after_end: What happens when a consent with an end date runs out (it is shown to the
            staff, who ask for a new one; processing is not stopped by it).
        retention: The retention rule (``services/retention.py``), ``{years}``.
        withdrawal_heading: Heading of the right to withdraw.
        withdrawal: The right and procedure, and what a withdrawal does; ``{center_address}``,
            ``{center_phone}``.
        phone_suffix: How the center's phone is appended to its address, ``{phone}``.
        rights_heading: Heading of the data subject's rights.
        rights: The data subject's rights, with the copy of everything held (the access
            report, ``services/access_report.py``).
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
    hq_withheld: str
    categories_heading: str
    categories: tuple[str, ...]
    validity_heading: str
    valid_until: str
    valid_open: str
    after_end: str
    retention: str
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
            "hesabatlılıq məqsədilə fərdi məlumatlarımın tam həcmdə (adım və əlaqə "
            "məlumatlarım daxil olmaqla) şifrələnmiş formada təşkilatın baş ofisinə{hq} "
            "ötürülməsi;"
        ),
        "anonymized_stats": (
            "məlumatlarımın şəxsiyyətimi müəyyən etməyə imkan verməyən (anonimləşdirilmiş) "
            "formada statistik hesabatlarda, donorlara təqdim edilən hesabatlarda və ictimai "
            "vəkillik (advokasiya) kampaniyalarında istifadə olunması."
        ),
    },
    hq_withheld=(
        "Baş ofisə ötürülməni qeyd etmədikdə baş ofis yalnız milli statistika üçün "
        "psevdonimləşdirilmiş qeyd alır: adım, əlaqə məlumatlarım, dəqiq doğum ilim, qeydlər "
        "və sənədlər olmadan."
    ),
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
    after_end="Müddət bitdikdə Mərkəz razılığın yenilənməsini təklif edir.",
    retention=(
        "Son işim bağlandıqdan sonra (işim olmadıqda — qeydiyyatdan sonra) Mərkəz "
        "məlumatlarımı {years} saxlayır, sonra onları anonimləşdirir: adım, əlaqə "
        "məlumatlarım, qeydlər və sənədlər silinir, yalnız şəxsiyyətimi müəyyən etməyə imkan "
        "verməyən statistik məlumatlar qalır."
    ),
    withdrawal_heading="4. Razılığın geri götürülməsi hüququ və qaydası",
    withdrawal=(
        "Bu razılığı istənilən vaxt tam həcmdə və ya ayrı-ayrı məqsədlər üzrə geri götürmək "
        "hüququm vardır. Bunun üçün Mərkəzə şəxsən və ya poçt vasitəsilə yazılı ərizə "
        "təqdim edirəm (ünvan: {center_address}{center_phone}).",
        "Məlumatlarımın toplanılmasına, saxlanılmasına və işlənilməsinə razılığı geri "
        "götürdükdə Mərkəz onların emalını dərhal dayandırır: qeydlərim artıq dəyişdirilmir, "
        "yeni məsləhət qeydə alınmır, məlumatlarım isə saxlama müddətini gözləmədən "
        "anonimləşdirilir. Yalnız baş ofisə ötürülməyə razılığı geri götürdükdə baş ofisdəki "
        "nüsxə psevdonimləşdirilmiş qeydlə əvəz olunur.",
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
        "Mərkəzdən barəmdə saxlanılan bütün məlumatların — şəxsi məlumatlarımın, "
        "razılıqlarımın, işlərimin, məsləhətlərin, sənədlərin siyahısının, habelə qeydlərimə "
        "kimin baxdığı və ya onları dəyişdiyi barədə məlumatın — surətini çap şəklində və ya "
        "fayl kimi tələb edə bilərəm. "
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
            "передача моих персональных данных в полном объёме (включая имя и контактные "
            "данные) в зашифрованном виде в головной офис организации{hq} для контроля "
            "качества юридической помощи, передачи дела в другой центр и отчётности;"
        ),
        "anonymized_stats": (
            "использование моих данных в обезличенном виде, не позволяющем установить мою "
            "личность, в статистических отчётах, отчётах для доноров и в общественных "
            "правозащитных (адвокационных) кампаниях."
        ),
    },
    hq_withheld=(
        "Если я не отмечаю передачу в головной офис, головной офис получает только "
        "псевдонимизированную запись для национальной статистики: без моего имени, контактных "
        "данных, точного года рождения, записей и документов."
    ),
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
    after_end="По истечении срока Центр предлагает возобновить согласие.",
    retention=(
        "После закрытия моего последнего дела (если дела не было — после регистрации) Центр "
        "хранит мои данные {years}, затем обезличивает их: моё имя, контактные данные, записи "
        "и документы удаляются, остаются только статистические сведения, не позволяющие "
        "установить мою личность."
    ),
    withdrawal_heading="4. Право на отзыв согласия и порядок отзыва",
    withdrawal=(
        "Я вправе в любое время отозвать настоящее согласие полностью или в части отдельных "
        "целей, подав в Центр письменное заявление лично или по почте (адрес: "
        "{center_address}{center_phone}).",
        "Если я отзову согласие на сбор, хранение и обработку моих данных, Центр сразу "
        "прекращает их обработку: мои записи больше не изменяются, новые консультации не "
        "вносятся, а мои данные обезличиваются, не дожидаясь окончания срока хранения. Если я "
        "отзову только согласие на передачу в головной офис, копия в головном офисе "
        "заменяется псевдонимизированной записью.",
        "Отзыв согласия не влияет на законность обработки, осуществлённой до его отзыва.",
    ),
    phone_suffix="; телефон: {phone}",
    rights_heading="5. Права субъекта персональных данных",
    rights=(
        "Мне разъяснено, что в соответствии с Законом я имею право знакомиться с собранными "
        "обо мне персональными данными, требовать их исправления, обновления, блокирования "
        "или уничтожения, а также обжаловать нарушение моих прав, связанных с персональными "
        "данными, в соответствующем органе исполнительной власти или в суде. Я могу "
        "запросить в Центре копию всех сведений, которые обо мне хранятся, — моих данных, "
        "согласий, дел, консультаций, перечня документов, а также сведений о том, кто "
        "просматривал или изменял мои записи, — в печатном виде или в виде файла. Мои "
        "персональные "
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
            "transfer of my personal data in full (including my name and contact details) in "
            "encrypted form to the organization's headquarters{hq} for quality control of the "
            "legal aid, transfer of the case to another center and reporting;"
        ),
        "anonymized_stats": (
            "use of my data in anonymized form, which does not allow me to be identified, in "
            "statistical reports, reports to donors and public advocacy campaigns."
        ),
    },
    hq_withheld=(
        "If I do not tick sharing with the headquarters, the headquarters receives only a "
        "pseudonymized record for national statistics: without my name, contact details, exact "
        "year of birth, notes or documents."
    ),
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
    after_end="When the period ends, the Center offers to renew the consent.",
    retention=(
        "After my last case is closed (or, if I had no case, after registration) the Center "
        "keeps my data for {years}, then anonymizes them: my name, contact details, notes and "
        "documents are removed, and only statistical information that does not identify me "
        "remains."
    ),
    withdrawal_heading="4. Right to withdraw consent and procedure",
    withdrawal=(
        "I may withdraw this consent at any time, in full or for particular purposes, by "
        "giving the Center a written statement in person or by post (address: "
        "{center_address}{center_phone}).",
        "If I withdraw consent to the collection, storage and processing of my data, the "
        "Center stops processing them at once: my records are no longer changed, no new "
        "consultation is recorded, and my data are anonymized without waiting for the end of "
        "the retention period. If I withdraw only consent to sharing with the headquarters, "
        "the headquarters' copy is replaced by the pseudonymized record.",
        "Withdrawal does not affect the lawfulness of processing carried out before it.",
    ),
    phone_suffix="; telephone: {phone}",
    rights_heading="5. Rights of the data subject",
    rights=(
        "It has been explained to me that under the Law I have the right to see the personal "
        "data collected about me, to demand that they be corrected, updated, blocked or "
        "destroyed, and to complain about a breach of my rights concerning personal data to "
        "the competent executive authority or to a court. I may ask the Center for a copy of "
        "everything it holds about me — my details, consents, cases, consultations, the list "
        "of documents, and who has viewed or changed my records — on paper or as a file. My "
        "personal data are not disclosed "
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


def years_text(lang: str, years: int) -> str:
    """``years`` as the retention sentence says it: ``5 il``, ``5 лет``, ``5 years``."""
    if lang == "az":
        return f"{years}\u00a0il"
    if lang == "ru":
        if years % 10 == 1 and years % 100 != 11:
            word = "год"
        elif 2 <= years % 10 <= 4 and not 12 <= years % 100 <= 14:
            word = "года"
        else:
            word = "лет"
        return f"{years}\u00a0{word}"
    return f"{years}\u00a0year" if years == 1 else f"{years}\u00a0years"


def consent_text(lang: str) -> ConsentText:
    """The consent wording in ``lang`` (``az``, ``ru`` or ``en``).

    Raises:
        ValueError: If there is no wording in ``lang``.
    """
    try:
        return _TEXTS[lang]
    except KeyError:
        raise ValueError(f"no consent form wording in language {lang!r}") from None
