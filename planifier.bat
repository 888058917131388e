@echo off
chcp 65001 >nul
REM Double-cliquez sur ce fichier pour programmer le passage automatique de Relance chaque semaine :
REM il demande le jour et l'heure (Entrée : lundi à 08:00) et crée la tâche du Planificateur de tâches.
REM Dans une invite de commandes : « planifier.bat --jour mercredi --heure 07:30 », ou
REM « planifier.bat --supprimer » pour enlever la tâche.
setlocal DisableDelayedExpansion
set "RELANCE_SANS_PAUSE=1"
if not "%~1"=="" goto avec_arguments

echo Passage automatique de Relance chaque semaine (Entrée garde la valeur entre crochets).
set "JOUR=lundi"
set "HEURE=08:00"
set /p "JOUR=Jour (lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche) [lundi] : "
set /p "HEURE=Heure (HH:MM) [08:00] : "
call "%~dp0relance.bat" planifier --jour "%JOUR%" --heure "%HEURE%"
set "CODE=%ERRORLEVEL%"
goto fin

:avec_arguments
call "%~dp0relance.bat" planifier %*
set "CODE=%ERRORLEVEL%"

:fin
echo.
pause
exit /b %CODE%
