; The Windows installer of LegalAid Desktop (NSIS 3, Unicode). Compiled by packaging/build.py on
; a Windows build machine (or by hand, see packaging/windows/README.md) with:
;   makensis -DVERSION=<pyproject's version> -DSOURCE_DIR=<dist\legalaid-desktop>
;            -DOUTFILE=<setup.exe> [-DICON=<legalaid-desktop.ico>] legalaid.nsi
; The version is never written here: it comes from pyproject.toml through build.py.
;
; Per machine: into Program Files, Start-menu entries for all users, an entry in "Apps and
; features". The uninstaller removes the program's folder and entries and NOTHING else: the data
; folder (%LOCALAPPDATA%\LegalAid\LegalAid of each user, or LEGALAID_DATA_DIR) is never named
; here. Installing a newer version over an older one replaces the program's files; the store is
; upgraded (after an encrypted backup copy) the first time the new version opens it.

Unicode true
ManifestDPIAware true

!ifndef VERSION
  !error "VERSION is not defined: makensis -DVERSION=... (packaging/build.py passes pyproject's)"
!endif
!ifndef SOURCE_DIR
  !error "SOURCE_DIR is not defined: the frozen folder dist\legalaid-desktop"
!endif
!ifndef OUTFILE
  !define OUTFILE "legalaid-desktop-${VERSION}-windows-x86_64-setup.exe"
!endif

!define APP_NAME "LegalAid Desktop"
!define APP_KEY "LegalAidDesktop"
!define PUBLISHER "LegalAid Desktop"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define MENU_DIR "$SMPROGRAMS\${APP_NAME}"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "Software\${APP_KEY}" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "x64.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

; NSIS has no Azerbaijani; docs/install.md walks through the pages in Azerbaijani.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Russian"

LangString PROMPT_NAME ${LANG_ENGLISH} "LegalAid command prompt"
LangString PROMPT_NAME ${LANG_RUSSIAN} "Командная строка LegalAid"
LangString UNINSTALL_NAME ${LANG_ENGLISH} "Uninstall LegalAid Desktop"
LangString UNINSTALL_NAME ${LANG_RUSSIAN} "Удалить LegalAid Desktop"
LangString NEEDS_64BIT ${LANG_ENGLISH} "LegalAid Desktop needs 64-bit Windows."
LangString NEEDS_64BIT ${LANG_RUSSIAN} "Для LegalAid Desktop нужна 64-разрядная Windows."
LangString DATA_KEPT ${LANG_ENGLISH} "The program was removed. Your data folder was left as it is."
LangString DATA_KEPT ${LANG_RUSSIAN} "Программа удалена. Папка с данными осталась без изменений."

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(NEEDS_64BIT)"
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "LegalAid Desktop" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade: the previous version's libraries go first, so that none of them stays behind.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE_DIR}\*.*"
  File "/oname=legalaid-prompt.cmd" "${__FILEDIR__}\legalaid-prompt.cmd"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "${MENU_DIR}"
  CreateShortcut "${MENU_DIR}\${APP_NAME}.lnk" "$INSTDIR\legalaid-desktop.exe" "" "$INSTDIR\legalaid-desktop.exe" 0
  CreateShortcut "${MENU_DIR}\$(PROMPT_NAME).lnk" "$SYSDIR\cmd.exe" '/K "$INSTDIR\legalaid-prompt.cmd"' "$INSTDIR\legalaid.exe" 0
  CreateShortcut "${MENU_DIR}\$(UNINSTALL_NAME).lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "Software\${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "Software\${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\legalaid-desktop.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; Removes the program's folder, its Start-menu entries and registry keys; the data folder is
; not the program's and is not touched (tests/unit/test_packaging_files.py checks that every
; path removed here is under $INSTDIR or the Start-menu folder).
Section "Uninstall"
  Delete "${MENU_DIR}\${APP_NAME}.lnk"
  Delete "${MENU_DIR}\$(PROMPT_NAME).lnk"
  Delete "${MENU_DIR}\$(UNINSTALL_NAME).lnk"
  RMDir "${MENU_DIR}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\legalaid-desktop.exe"
  Delete "$INSTDIR\legalaid.exe"
  Delete "$INSTDIR\legalaid-prompt.cmd"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\${APP_KEY}"
  IfSilent +2
    MessageBox MB_ICONINFORMATION "$(DATA_KEPT)"
SectionEnd
