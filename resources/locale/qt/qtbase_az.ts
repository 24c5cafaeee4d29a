<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Azerbaijani for the Qt strings LegalAid users meet (standard buttons, message boxes, file and print dialogs, text context menus). Qt ships no Azerbaijani; contexts and sources as in Qt 6 qtbase. Rebuild the .qm with scripts/build_qt_translations.py. -->
<TS version="2.1" language="az_AZ">
<context>
    <name>CloseButton</name>
    <message>
        <source>Close Tab</source>
        <translation>Vərəqi bağla</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Alias</source>
        <translation>Təxəllüs</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>Disk</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fayl</translation>
    </message>
    <message>
        <source>File Folder</source>
        <translation>Fayl qovluğu</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Qovluq</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Qısayol</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Naməlum</translation>
    </message>
</context>
<context>
    <name>QAbstractSpinBox</name>
    <message>
        <source>&amp;Select All</source>
        <translation>&amp;Hamısını seç</translation>
    </message>
    <message>
        <source>&amp;Step up</source>
        <translation>&amp;Artır</translation>
    </message>
    <message>
        <source>Step &amp;down</source>
        <translation>&amp;Azalt</translation>
    </message>
</context>
<context>
    <name>QDialog</name>
    <message>
        <source>What&apos;s This?</source>
        <translation>Bu nədir?</translation>
    </message>
</context>
<context>
    <name>QDialogButtonBox</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>QErrorMessage</name>
    <message>
        <source>&amp;OK</source>
        <translation>&amp;OK</translation>
    </message>
    <message>
        <source>&amp;Show this message again</source>
        <translation>Bu mesajı yenə gö&amp;stər</translation>
    </message>
    <message>
        <source>An error occurred</source>
        <translation>Xəta baş verdi</translation>
    </message>
    <message>
        <source>Critical Error:</source>
        <translation>Kritik xəta:</translation>
    </message>
    <message>
        <source>Debug Message:</source>
        <translation>Sazlama mesajı:</translation>
    </message>
    <message>
        <source>Fatal Error:</source>
        <translation>Ağır xəta:</translation>
    </message>
    <message>
        <source>Information:</source>
        <translation>Məlumat:</translation>
    </message>
    <message>
        <source>Warning:</source>
        <translation>Xəbərdarlıq:</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>%1
Directory not found.
Please verify the correct directory name was given.</source>
        <translation>%1
Qovluq tapılmadı.
Qovluğun adının düzgün yazıldığını yoxlayın.</translation>
    </message>
    <message>
        <source>%1
File not found.
Please verify the correct file name was given.</source>
        <translation>%1
Fayl tapılmadı.
Faylın adının düzgün yazıldığını yoxlayın.</translation>
    </message>
    <message>
        <source>%1 File</source>
        <translation>%1 faylı</translation>
    </message>
    <message>
        <source>%1 already exists.
Do you want to replace it?</source>
        <translation>%1 artıq mövcuddur.
Onu əvəz etmək istəyirsiniz?</translation>
    </message>
    <message>
        <source>&amp;Choose</source>
        <translation>&amp;Seç</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Sil</translation>
    </message>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Harada:</translation>
    </message>
    <message>
        <source>&amp;New Folder</source>
        <translation>&amp;Yeni qovluq</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Aç</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>&amp;Adını dəyiş</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Yadda saxla</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is write protected.
Do you want to delete it anyway?</source>
        <translation>«%1» yazılışdan qorunur.
Yenə də silmək istəyirsiniz?</translation>
    </message>
    <message>
        <source>Alias</source>
        <translation>Təxəllüs</translation>
    </message>
    <message>
        <source>All Files (*)</source>
        <translation>Bütün fayllar (*)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Bütün fayllar (*)</translation>
    </message>
    <message>
        <source>Alt+Left</source>
        <translation>Alt+Left</translation>
    </message>
    <message>
        <source>Alt+Right</source>
        <translation>Alt+Right</translation>
    </message>
    <message>
        <source>Alt+Up</source>
        <translation>Alt+Up</translation>
    </message>
    <message>
        <source>Are you sure you want to delete &apos;%1&apos;?</source>
        <translation>«%1» silinsin?</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Geri</translation>
    </message>
    <message>
        <source>Change to detail view mode</source>
        <translation>Ətraflı görünüşə keç</translation>
    </message>
    <message>
        <source>Change to list view mode</source>
        <translation>Siyahı görünüşünə keç</translation>
    </message>
    <message>
        <source>Could not delete directory.</source>
        <translation>Qovluğu silmək mümkün olmadı.</translation>
    </message>
    <message>
        <source>Create New Folder</source>
        <translation>Yeni qovluq yarat</translation>
    </message>
    <message>
        <source>Create a New Folder</source>
        <translation>Yeni qovluq yarat</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Sil</translation>
    </message>
    <message>
        <source>Detail View</source>
        <translation>Ətraflı görünüş</translation>
    </message>
    <message>
        <source>Directories</source>
        <translation>Qovluqlar</translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation>Qovluq:</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>Disk</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fayl</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>Faylın &amp;adı:</translation>
    </message>
    <message>
        <source>File Folder</source>
        <translation>Fayl qovluğu</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Fayllar</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Faylların &amp;növü:</translation>
    </message>
    <message>
        <source>Files of type:</source>
        <translation>Faylların növü:</translation>
    </message>
    <message>
        <source>Find Directory</source>
        <translation>Qovluğu tap</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Qovluq</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>İrəli</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>Geri qayıt</translation>
    </message>
    <message>
        <source>Go forward</source>
        <translation>İrəli keç</translation>
    </message>
    <message>
        <source>Go to the parent directory</source>
        <translation>Üst qovluğa keç</translation>
    </message>
    <message>
        <source>List View</source>
        <translation>Siyahı görünüşü</translation>
    </message>
    <message>
        <source>List of places and bookmarks</source>
        <translation>Yerlər və əlfəcinlər</translation>
    </message>
    <message>
        <source>Look in:</source>
        <translation>Harada:</translation>
    </message>
    <message>
        <source>My Computer</source>
        <translation>Kompüterim</translation>
    </message>
    <message>
        <source>New Folder</source>
        <translation>Yeni qovluq</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Aç</translation>
    </message>
    <message>
        <source>Parent Directory</source>
        <translation>Üst qovluq</translation>
    </message>
    <message>
        <source>Recent Places</source>
        <translation>Son yerlər</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Sil</translation>
    </message>
    <message>
        <source>Save As</source>
        <translation>Fərqli yadda saxla</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Qısayol</translation>
    </message>
    <message>
        <source>Show </source>
        <translation>Göstər </translation>
    </message>
    <message>
        <source>Show &amp;hidden files</source>
        <translation>&amp;Gizli faylları göstər</translation>
    </message>
    <message>
        <source>Sidebar</source>
        <translation>Yan panel</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Naməlum</translation>
    </message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message>
        <source>&lt;b&gt;The name &quot;%1&quot; cannot be used.&lt;/b&gt;&lt;p&gt;Try using another name, with fewer characters or no punctuation marks.</source>
        <translation>&lt;b&gt;«%1» adı istifadə edilə bilməz.&lt;/b&gt;&lt;p&gt;Daha qısa və ya durğu işarələri olmayan başqa ad yoxlayın.</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>Kompüter</translation>
    </message>
    <message>
        <source>Date Modified</source>
        <translation>Dəyişmə tarixi</translation>
    </message>
    <message>
        <source>Invalid filename</source>
        <translation>Yanlış fayl adı</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Növ</translation>
    </message>
    <message>
        <source>My Computer</source>
        <translation>Kompüterim</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ad</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Ölçü</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Növ</translation>
    </message>
</context>
<context>
    <name>QGnomeTheme</name>
    <message>
        <source>&amp;Cancel</source>
        <translation>İ&amp;mtina</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Bağla</translation>
    </message>
    <message>
        <source>&amp;OK</source>
        <translation>&amp;OK</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Yadda saxla</translation>
    </message>
    <message>
        <source>Close without Saving</source>
        <translation>Saxlamadan bağla</translation>
    </message>
</context>
<context>
    <name>QInputDialog</name>
    <message>
        <source>Enter a value:</source>
        <translation>Dəyəri daxil edin:</translation>
    </message>
</context>
<context>
    <name>QLineEdit</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Köçür</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>&amp;Yapışdır</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Təkrarla</translation>
    </message>
    <message>
        <source>&amp;Select All</source>
        <translation>&amp;Hamısını seç</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Geri qaytar</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>&amp;Kəs</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Sil</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>Hamısını seç</translation>
    </message>
</context>
<context>
    <name>QMessageBox</name>
    <message>
        <source>&lt;h3&gt;About Qt&lt;/h3&gt;&lt;p&gt;This program uses Qt version %1.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Qt haqqında&lt;/h3&gt;&lt;p&gt;Bu proqram Qt %1 versiyasından istifadə edir.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About Qt</source>
        <translation>Qt haqqında</translation>
    </message>
    <message>
        <source>Hide Details...</source>
        <translation>Təfərrüatları gizlət...</translation>
    </message>
    <message>
        <source>Show Details...</source>
        <translation>Təfərrüatları göstər...</translation>
    </message>
</context>
<context>
    <name>QPageSetupWidget</name>
    <message>
        <source>Custom</source>
        <translation>Xüsusi</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Forma</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>Hündürlük:</translation>
    </message>
    <message>
        <source>Inches (in)</source>
        <translation>Düym (in)</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>Albom</translation>
    </message>
    <message>
        <source>Margins</source>
        <translation>Kənar boşluqlar</translation>
    </message>
    <message>
        <source>Millimeters (mm)</source>
        <translation>Millimetr (mm)</translation>
    </message>
    <message>
        <source>Orientation</source>
        <translation>İstiqamət</translation>
    </message>
    <message>
        <source>Page &amp;order:</source>
        <translation>Səhifələrin &amp;sırası:</translation>
    </message>
    <message>
        <source>Page Layout</source>
        <translation>Səhifələrin düzülüşü</translation>
    </message>
    <message>
        <source>Page order:</source>
        <translation>Səhifələrin sırası:</translation>
    </message>
    <message>
        <source>Page size:</source>
        <translation>Səhifənin ölçüsü:</translation>
    </message>
    <message>
        <source>Pages &amp;per sheet:</source>
        <translation>&amp;Vərəqdə səhifə sayı:</translation>
    </message>
    <message>
        <source>Pages per sheet:</source>
        <translation>Vərəqdə səhifə sayı:</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>Kağız</translation>
    </message>
    <message>
        <source>Paper source:</source>
        <translation>Kağız mənbəyi:</translation>
    </message>
    <message>
        <source>Points (pt)</source>
        <translation>Punkt (pt)</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>Kitab</translation>
    </message>
    <message>
        <source>Reverse landscape</source>
        <translation>Çevrilmiş albom</translation>
    </message>
    <message>
        <source>Reverse portrait</source>
        <translation>Çevrilmiş kitab</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>En:</translation>
    </message>
    <message>
        <source>bottom margin</source>
        <translation>aşağı boşluq</translation>
    </message>
    <message>
        <source>left margin</source>
        <translation>sol boşluq</translation>
    </message>
    <message>
        <source>right margin</source>
        <translation>sağ boşluq</translation>
    </message>
    <message>
        <source>top margin</source>
        <translation>yuxarı boşluq</translation>
    </message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message>
        <source>&amp;No</source>
        <translation>&amp;Xeyr</translation>
    </message>
    <message>
        <source>&amp;Yes</source>
        <translation>&amp;Bəli</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>Dayandır</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Tətbiq et</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>İmtina</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Bağla</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Ləğv et</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Kömək</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Nəzərə alma</translation>
    </message>
    <message>
        <source>N&amp;o to All</source>
        <translation>Hamısına x&amp;eyr</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Aç</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Sıfırla</translation>
    </message>
    <message>
        <source>Restore Defaults</source>
        <translation>Standart qiymətlər</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Təkrar yoxla</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Yadda saxla</translation>
    </message>
    <message>
        <source>Save All</source>
        <translation>Hamısını yadda saxla</translation>
    </message>
    <message>
        <source>Yes to &amp;All</source>
        <translation>Hamısına &amp;bəli</translation>
    </message>
</context>
<context>
    <name>QPrintDialog</name>
    <message>
        <source>%1 already exists.
Do you want to overwrite it?</source>
        <translation>%1 artıq mövcuddur.
Üzərinə yazılsın?</translation>
    </message>
    <message>
        <source>%1 does not follow the correct syntax. Please use &apos;,&apos; to separate ranges and pages, &apos;-&apos; to define ranges and make sure ranges do not intersect with each other.</source>
        <translation>%1 düzgün yazılmayıb. Səhifələri və aralıqları &apos;,&apos; ilə ayırın, aralıqları &apos;-&apos; ilə göstərin; aralıqlar bir-birini kəsməməlidir.</translation>
    </message>
    <message>
        <source>%1 is a directory.
Please choose a different file name.</source>
        <translation>%1 qovluqdur.
Başqa fayl adı seçin.</translation>
    </message>
    <message>
        <source>&amp;Options &lt;&lt;</source>
        <translation>&amp;Parametrlər &lt;&lt;</translation>
    </message>
    <message>
        <source>&amp;Options &gt;&gt;</source>
        <translation>&amp;Parametrlər &gt;&gt;</translation>
    </message>
    <message>
        <source>&amp;Print</source>
        <translation>Ça&amp;p et</translation>
    </message>
    <message>
        <source>All Pages</source>
        <translation>Bütün səhifələr</translation>
    </message>
    <message>
        <source>Bottom to Top, Left to Right</source>
        <translation>Aşağıdan yuxarı, soldan sağa</translation>
    </message>
    <message>
        <source>Bottom to Top, Right to Left</source>
        <translation>Aşağıdan yuxarı, sağdan sola</translation>
    </message>
    <message>
        <source>Duplex Settings Conflicts</source>
        <translation>İkitərəfli çap parametrlərində ziddiyyət</translation>
    </message>
    <message>
        <source>Even Pages</source>
        <translation>Cüt səhifələr</translation>
    </message>
    <message>
        <source>File %1 is not writable.
Please choose a different file name.</source>
        <translation>%1 faylına yazmaq mümkün deyil.
Başqa fayl adı seçin.</translation>
    </message>
    <message>
        <source>Invalid Pages Definition</source>
        <translation>Səhifələr yanlış göstərilib</translation>
    </message>
    <message>
        <source>Left to Right, Bottom to Top</source>
        <translation>Soldan sağa, aşağıdan yuxarı</translation>
    </message>
    <message>
        <source>Left to Right, Top to Bottom</source>
        <translation>Soldan sağa, yuxarıdan aşağı</translation>
    </message>
    <message>
        <source>Local file</source>
        <translation>Yerli fayl</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Odd Pages</source>
        <translation>Tək səhifələr</translation>
    </message>
    <message>
        <source>Options &apos;Pages Per Sheet&apos; and &apos;Page Set&apos; cannot be used together.
Please turn one of those options off.</source>
        <translation>«Vərəqdə səhifə sayı» və «Səhifələr» parametrləri birlikdə işlənə bilməz.
Onlardan birini söndürün.</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Çap et</translation>
    </message>
    <message>
        <source>Print To File ...</source>
        <translation>Fayla çap et ...</translation>
    </message>
    <message>
        <source>Print to File (PDF)</source>
        <translation>Fayla çap et (PDF)</translation>
    </message>
    <message>
        <source>Right to Left, Bottom to Top</source>
        <translation>Sağdan sola, aşağıdan yuxarı</translation>
    </message>
    <message>
        <source>Right to Left, Top to Bottom</source>
        <translation>Sağdan sola, yuxarıdan aşağı</translation>
    </message>
    <message>
        <source>The &apos;From&apos; value cannot be greater than the &apos;To&apos; value.</source>
        <translation>«Başlanğıc» qiyməti «son» qiymətindən böyük ola bilməz.</translation>
    </message>
    <message>
        <source>There are conflicts in duplex settings. Do you want to fix them?</source>
        <translation>İkitərəfli çap parametrlərində ziddiyyət var. Düzəldilsin?</translation>
    </message>
    <message>
        <source>Top to Bottom, Left to Right</source>
        <translation>Yuxarıdan aşağı, soldan sağa</translation>
    </message>
    <message>
        <source>Top to Bottom, Right to Left</source>
        <translation>Yuxarıdan aşağı, sağdan sola</translation>
    </message>
    <message>
        <source>Write PDF file</source>
        <translation>PDF faylı yaz</translation>
    </message>
</context>
<context>
    <name>QPrintPreviewDialog</name>
    <message>
        <source>Export to PDF</source>
        <translation>PDF-ə ixrac et</translation>
    </message>
    <message>
        <source>First page</source>
        <translation>Birinci səhifə</translation>
    </message>
    <message>
        <source>Fit page</source>
        <translation>Səhifəyə sığdır</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>Enə sığdır</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>Albom</translation>
    </message>
    <message>
        <source>Last page</source>
        <translation>Sonuncu səhifə</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Növbəti səhifə</translation>
    </message>
    <message>
        <source>Page Setup</source>
        <translation>Səhifə parametrləri</translation>
    </message>
    <message>
        <source>Page setup</source>
        <translation>Səhifə parametrləri</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>Kitab</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Əvvəlki səhifə</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Çap et</translation>
    </message>
    <message>
        <source>Print Preview</source>
        <translation>Çapdan əvvəl baxış</translation>
    </message>
    <message>
        <source>Show facing pages</source>
        <translation>Qarşılıqlı səhifələri göstər</translation>
    </message>
    <message>
        <source>Show overview of all pages</source>
        <translation>Bütün səhifələri göstər</translation>
    </message>
    <message>
        <source>Show single page</source>
        <translation>Bir səhifə göstər</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Böyüt</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Kiçilt</translation>
    </message>
</context>
<context>
    <name>QPrintPropertiesDialog</name>
    <message>
        <source>Advanced Option Conflicts</source>
        <translation>Əlavə parametrlərdə ziddiyyət</translation>
    </message>
    <message>
        <source>Job Options</source>
        <translation>Tapşırığın parametrləri</translation>
    </message>
    <message>
        <source>Page Setup Conflicts</source>
        <translation>Səhifə parametrlərində ziddiyyət</translation>
    </message>
    <message>
        <source>Printer Properties</source>
        <translation>Printerin xüsusiyyətləri</translation>
    </message>
    <message>
        <source>There are conflicts in page setup options. Do you want to fix them?</source>
        <translation>Səhifə parametrlərində ziddiyyət var. Düzəldilsin?</translation>
    </message>
    <message>
        <source>There are conflicts in some advanced options. Do you want to fix them?</source>
        <translation>Bəzi əlavə parametrlərdə ziddiyyət var. Düzəldilsin?</translation>
    </message>
</context>
<context>
    <name>QPrintPropertiesWidget</name>
    <message>
        <source>Advanced</source>
        <translation>Əlavə</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Forma</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Səhifə</translation>
    </message>
    <message>
        <source>There are conflicts in some options. Please fix them.</source>
        <translation>Bəzi parametrlərdə ziddiyyət var. Onları düzəldin.</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Collate</source>
        <translation>Nüsxələrə ayır</translation>
    </message>
    <message>
        <source>Color</source>
        <translation>Rəngli</translation>
    </message>
    <message>
        <source>Color Mode</source>
        <translation>Rəng rejimi</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>Nüsxələr</translation>
    </message>
    <message>
        <source>Copies:</source>
        <translation>Nüsxə sayı:</translation>
    </message>
    <message>
        <source>Current Page</source>
        <translation>Cari səhifə</translation>
    </message>
    <message>
        <source>Double Sided Printing</source>
        <translation>İkitərəfli çap</translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation>Boz çalarlar</translation>
    </message>
    <message>
        <source>Long side binding</source>
        <translation>Uzun tərəfdən cildləmə</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Söndürülüb</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Parametrlər</translation>
    </message>
    <message>
        <source>Output Settings</source>
        <translation>Çıxış parametrləri</translation>
    </message>
    <message>
        <source>Page &amp;Set:</source>
        <translation>&amp;Səhifələr:</translation>
    </message>
    <message>
        <source>Page Set:</source>
        <translation>Səhifələr:</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Səhifələr</translation>
    </message>
    <message>
        <source>Pages from</source>
        <translation>Səhifələr:</translation>
    </message>
    <message>
        <source>Print all</source>
        <translation>Hamısını çap et</translation>
    </message>
    <message>
        <source>Print range</source>
        <translation>Çap aralığı</translation>
    </message>
    <message>
        <source>Reverse</source>
        <translation>Tərs sıra</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>Seçilmiş hissə</translation>
    </message>
    <message>
        <source>Short side binding</source>
        <translation>Qısa tərəfdən cildləmə</translation>
    </message>
    <message>
        <source>Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.</source>
        <translation>Səhifələri və ya aralıqları vergüllə ayırın. Aralıq defislə ayrılan iki rəqəmlə göstərilir. Məsələn: 3,5-7,9 — 3, 5, 6, 7 və 9-cu səhifələri çap edir.</translation>
    </message>
    <message>
        <source>to</source>
        <translation>–</translation>
    </message>
</context>
<context>
    <name>QPrintWidget</name>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Ad:</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Forma</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>Yeri:</translation>
    </message>
    <message>
        <source>Output &amp;file:</source>
        <translation>Çıxış &amp;faylı:</translation>
    </message>
    <message>
        <source>P&amp;roperties</source>
        <translation>&amp;Xüsusiyyətlər</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Baxış</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Növ:</translation>
    </message>
</context>
<context>
    <name>QProgressDialog</name>
    <message>
        <source>Cancel</source>
        <translation>İmtina</translation>
    </message>
</context>
<context>
    <name>QScrollBar</name>
    <message>
        <source>Bottom</source>
        <translation>Ən aşağı</translation>
    </message>
    <message>
        <source>Left edge</source>
        <translation>Sol kənar</translation>
    </message>
    <message>
        <source>Page down</source>
        <translation>Səhifə aşağı</translation>
    </message>
    <message>
        <source>Page left</source>
        <translation>Səhifə sola</translation>
    </message>
    <message>
        <source>Page right</source>
        <translation>Səhifə sağa</translation>
    </message>
    <message>
        <source>Page up</source>
        <translation>Səhifə yuxarı</translation>
    </message>
    <message>
        <source>Right edge</source>
        <translation>Sağ kənar</translation>
    </message>
    <message>
        <source>Scroll down</source>
        <translation>Aşağı sürüşdür</translation>
    </message>
    <message>
        <source>Scroll here</source>
        <translation>Bura sürüşdür</translation>
    </message>
    <message>
        <source>Scroll left</source>
        <translation>Sola sürüşdür</translation>
    </message>
    <message>
        <source>Scroll right</source>
        <translation>Sağa sürüşdür</translation>
    </message>
    <message>
        <source>Scroll up</source>
        <translation>Yuxarı sürüşdür</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>Ən yuxarı</translation>
    </message>
</context>
<context>
    <name>QTabBar</name>
    <message>
        <source>Scroll Left</source>
        <translation>Sola sürüşdür</translation>
    </message>
    <message>
        <source>Scroll Right</source>
        <translation>Sağa sürüşdür</translation>
    </message>
</context>
<context>
    <name>QWhatsThisAction</name>
    <message>
        <source>What&apos;s This?</source>
        <translation>Bu nədir?</translation>
    </message>
</context>
<context>
    <name>QWidgetTextControl</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Köçür</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>&amp;Yapışdır</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Təkrarla</translation>
    </message>
    <message>
        <source>&amp;Select All</source>
        <translation>&amp;Hamısını seç</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Geri qaytar</translation>
    </message>
    <message>
        <source>Copy &amp;Link Location</source>
        <translation>&amp;Keçidin ünvanını köçür</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>&amp;Kəs</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Sil</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>Hamısını seç</translation>
    </message>
</context>
<context>
    <name>QWizard</name>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Bitir</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Kömək</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Növbəti</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Növbəti &gt;</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Geri</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>İmtina</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>Təsdiq et</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Davam et</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Hazırdır</translation>
    </message>
    <message>
        <source>Go Back</source>
        <translation>Geri qayıt</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Kömək</translation>
    </message>
</context>
</TS>
