; Inno Setup 6 script: installs the PyInstaller one-folder bundle for the current user.
;   pyinstaller packaging/callercard.spec           (makes dist\CallerCard\)
;   iscc /DAppVersion=0.1.0 packaging\windows\callercard.iss
; Per-user (no admin prompt): the app starts at login through the user's own Run key, and
; its data lives in the user's profile, so nothing here needs to be machine-wide.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "CallerCard"
#define AppExe "CallerCard.exe"
#define CliExe "callercard-cli.exe"
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"

[Setup]
AppId={{6F1C3E0A-6B51-4B0B-9C55-3C1E2C5D9A21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=CallerCard developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=CallerCard-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\callercard.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running CallerCard holds its files open: ask it to close (Restart Manager), then
; start it again when the update is in place.
CloseApplications=yes
RestartApplications=yes
ChangesEnvironment=yes

[Tasks]
Name: "startatlogin"; Description: "Start {#AppName} when I log in"; GroupDescription: "Start-up:"
Name: "addtopath"; Description: "Add the callercard command to PATH (for softphone hooks)"; GroupDescription: "Command line:"; Flags: unchecked

[Files]
Source: "..\..\dist\CallerCard\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Registry]
; The same value the app writes when "Start CallerCard when I log in" is ticked, so the
; installer's choice and the setting agree; uninstalling removes it either way.
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"" --background"; Tasks: startatlogin; Flags: uninsdeletevalue
Root: HKCU; Subkey: "{#RunKey}"; ValueType: none; ValueName: "{#AppName}"; Flags: uninsdeletevalue dontcreatekey
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "--background"; Description: "Start {#AppName} now"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Ask a running copy to quit before its files go.
Filename: "{app}\{#CliExe}"; Parameters: "quit"; Flags: runhidden; RunOnceId: "QuitCallerCard"

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Path) then
    Path := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
