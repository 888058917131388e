@echo off
chcp 65001 >nul
REM Relance pour Windows : double-cliquez sur ce fichier, ou tapez « relance.bat COMMANDE » dans une console.
REM Il installe Relance la première fois (dossier .venv), le met à jour quand requirements.txt change
REM (app\install.py, détails dans output\logs\installation.log), puis lance relance.py avec les arguments donnés.
setlocal DisableDelayedExpansion
set "PYTHONUTF8=1"
set "PYTHONIOENCODING=utf-8"
REM Toujours travailler dans le dossier de ce fichier, d'où qu'on le lance
REM (pushd plutôt que cd : il sait aussi aller sur un partage réseau \\serveur\dossier).
pushd "%~dp0"

REM Lancé par le Planificateur de tâches (--planifie) : ne jamais attendre une touche, personne ne la verrait.
set "PLANIFIE="
for %%A in (%*) do if /i "%%~A"=="--planifie" set "PLANIFIE=1"
REM Double-clic : aucun argument, ou fenêtre ouverte par l'Explorateur (cmd /c ...relance.bat).
REM La fenêtre reste alors ouverte à la fin, pour qu'on puisse lire le résultat.
set "DOUBLECLIC="
if "%~1"=="" set "DOUBLECLIC=1"
setlocal EnableDelayedExpansion
if /i not "!CMDCMDLINE:/c=!"=="!CMDCMDLINE!" if /i not "!CMDCMDLINE:%~nx0=!"=="!CMDCMDLINE!" set "DOUBLECLIC=1"
endlocal & set "DOUBLECLIC=%DOUBLECLIC%"

REM Le Python de .venv s'il existe ; sinon celui de l'ordinateur (le lanceur py d'abord), 3.11 ou plus récent.
set "PYTHON=.venv\Scripts\python.exe"
if exist "%PYTHON%" goto installer
set "PYTHON=py -3"
%PYTHON% -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && goto installer
set "PYTHON=python"
%PYTHON% -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && goto installer
echo Relance a besoin de Python 3.11 ou plus récent, introuvable sur cet ordinateur.
echo Installez-le depuis https://www.python.org/downloads/ en cochant « Add python.exe to PATH »,
echo puis double-cliquez à nouveau sur relance.bat.
set "CODE=1"
goto fin

:installation_ratee
REM install.py a dit ce qui n'allait pas ; un .venv à moitié créé a été effacé.
set "CODE=1"
goto fin

:installer
REM Ne fait rien (en un instant) quand .venv est à jour ; sinon installe, avec quelques lignes en français.
%PYTHON% app\install.py || goto installation_ratee
".venv\Scripts\python.exe" relance.py %*
set "CODE=%ERRORLEVEL%"

:fin
REM Le code de sortie de Python est rendu tel quel :
REM le Planificateur l'affiche comme « Résultat de la dernière exécution ».
if defined PLANIFIE exit /b %CODE%
REM planifier.bat (ou un autre script) s'occupe lui-même de garder la fenêtre ouverte.
if defined RELANCE_SANS_PAUSE exit /b %CODE%
if not "%CODE%"=="0" pause
if "%CODE%"=="0" if defined DOUBLECLIC pause
exit /b %CODE%
