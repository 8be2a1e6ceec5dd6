; The Windows installer: per user, no administrator rights. Installs into
; %LOCALAPPDATA%\Programs\git-symlinks, adds that folder to the user's PATH
; (HKCU\Environment), and by default runs `git symlinks install-hooks
; --global`: with Git for Windows 2.54 or later a hook.git-symlinks section
; in the global config, which every repository, existing or new, runs;
; with an older git the template (init.templateDir) of later clones. The
; uninstaller removes the files, the PATH entry and the hooks it installed
; (`uninstall-hooks --global`: exactly our entries, either way). Silent:
; /S; /NOHOOKS leaves the hooks out.
;
; Built by scripts/package.sh:
;   makensis -DVERSION=<version> -DVERSION_NUM=<a.b.c.d> -DSTAGE=<dir>
;            -DOUTFILE=<setup.exe> git-symlinks.nsi
; where <dir> holds what `cmake --install build-win` puts there.

; a 64-bit installer for a 64-bit program (and Wine without wine32)
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "Sections.nsh"

!define NAME "git-symlinks"
!define REG_KEY "Software\git-symlinks"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\git-symlinks"

Name "${NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
InstallDirRegKey HKCU "${REG_KEY}" "InstallDir"
ShowInstDetails show

VIProductVersion "${VERSION_NUM}"
VIAddVersionKey "ProductName" "${NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${NAME} installer"
VIAddVersionKey "LegalCopyright" "MIT License"

!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_PAGE_LICENSE "${STAGE}/LICENSE.txt"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; $R0: a PATH value; $R1: a folder. Removes every entry equal to the
; folder (case-insensitive, as Windows compares paths) and stray ';'.
!macro STRIP_DIR un
Function ${un}StripDir
	${WordReplace} ";$R0;" ";$R1;" ";" "+" $R0
	${WordReplace} "$R0" ";" "" "{}*" $R0
FunctionEnd
!macroend
!insertmacro STRIP_DIR ""
!insertmacro STRIP_DIR "un."

Section "git-symlinks (required)" SecMain
	SectionIn RO
	SetOutPath "$INSTDIR"
	File "${STAGE}/git-symlinks.exe"
	File "${STAGE}/git-symlinks.html"
	File "${STAGE}/README.txt"
	File "${STAGE}/LICENSE.txt"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	WriteRegStr HKCU "${REG_KEY}" "InstallDir" "$INSTDIR"

	; the user's PATH, once
	ReadRegStr $R0 HKCU "Environment" "Path"
	StrCpy $R1 "$INSTDIR"
	Call StripDir
	${If} $R0 == ""
		StrCpy $R0 "$INSTDIR"
	${Else}
		StrCpy $R0 "$R0;$INSTDIR"
	${EndIf}
	WriteRegExpandStr HKCU "Environment" "Path" "$R0"
	SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000

	; Settings > Apps
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${NAME}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "git-symlinks"
	WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Install the hooks for every repository (git symlinks install-hooks --global)" SecHooks
	nsExec::ExecToLog '"$INSTDIR\git-symlinks.exe" install-hooks --global'
	Pop $0
	${If} $0 == 0
		WriteRegDWORD HKCU "${REG_KEY}" "HooksInstalled" 1
	${Else}
		DetailPrint "git symlinks install-hooks --global failed ($0)"
	${EndIf}
SectionEnd

Function .onInit
	${GetParameters} $R0
	ClearErrors
	${GetOptions} $R0 "/NOHOOKS" $R1
	${IfNot} ${Errors}
		!insertmacro UnselectSection ${SecHooks}
	${EndIf}
FunctionEnd

Section "Uninstall"
	; only the hooks this installer installed
	ReadRegDWORD $0 HKCU "${REG_KEY}" "HooksInstalled"
	${If} $0 == 1
	${AndIf} ${FileExists} "$INSTDIR\git-symlinks.exe"
		nsExec::ExecToLog '"$INSTDIR\git-symlinks.exe" uninstall-hooks --global'
		Pop $0
	${EndIf}

	Delete "$INSTDIR\git-symlinks.exe"
	Delete "$INSTDIR\git-symlinks.html"
	Delete "$INSTDIR\README.txt"
	Delete "$INSTDIR\LICENSE.txt"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"

	ReadRegStr $R0 HKCU "Environment" "Path"
	StrCpy $R1 "$INSTDIR"
	Call un.StripDir
	${If} $R0 == ""
		DeleteRegValue HKCU "Environment" "Path"
	${Else}
		WriteRegExpandStr HKCU "Environment" "Path" "$R0"
	${EndIf}
	SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000

	DeleteRegKey HKCU "${UNINST_KEY}"
	DeleteRegKey HKCU "${REG_KEY}"
SectionEnd
