@echo off
rem The "LegalAid command prompt" of the Start menu: a console with `legalaid` on PATH.
set "PATH=%~dp0;%PATH%"
cd /d "%USERPROFILE%"
legalaid --version
echo.
echo Type "legalaid --help" for the commands. Data folder: %LOCALAPPDATA%\LegalAid\LegalAid (or LEGALAID_DATA_DIR).
