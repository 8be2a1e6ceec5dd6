/*
 * The Win32 backend's facts about the machine: what decides whether links
 * can be made (Developer Mode, the privilege, the volume), running a
 * command, and UTF-8 output to a console.
 */
#include "platform/platform.h"
#include "platform/win32/win32.h"
#include "util/alloc.h"

#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gsym_tri tri(bool yes)
{
	return yes ? GSYM_TRI_YES : GSYM_TRI_NO;
}

/* The volume under `path`: its file system and whether it holds links. */
static void volume(gsym_link_facts *out, const char *path)
{
	uint16_t *w = NULL;
	wchar_t root[MAX_PATH + 1], name[MAX_PATH + 1];
	DWORD flags = 0;
	gsym_buf utf8 = GSYM_BUF_INIT;

	if (gsym_win32_to_utf16(&w, path, true) < 0)
		return;
	if (GetVolumePathNameW((LPCWSTR)w, root, MAX_PATH) &&
		GetVolumeInformationW(root, NULL, 0, NULL, NULL, &flags, name,
			MAX_PATH)) {
		if (gsym_win32_to_utf8(&utf8, (const uint16_t *)name,
			    wcslen(name)) == 0)
			snprintf(out->fs_type, sizeof(out->fs_type), "%s",
				utf8.ptr);
		out->volume_links = tri(flags & FILE_SUPPORTS_REPARSE_POINTS);
	}
	gsym_buf_dispose(&utf8);
	free(w);
}

/* Developer Mode: what Settings > For developers writes. */
static gsym_tri developer_mode(void)
{
	DWORD value = 0, size = sizeof(value);

	if (RegGetValueW(HKEY_LOCAL_MACHINE,
		    L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
		    L"AppModelUnlock",
		    L"AllowDevelopmentWithoutDevLicense", RRF_RT_REG_DWORD,
		    NULL, &value, &size) != ERROR_SUCCESS)
		return GSYM_TRI_NO; /* never turned on */
	return tri(value != 0);
}

/* The process token's SeCreateSymbolicLinkPrivilege and elevation. */
static void token(gsym_link_facts *out)
{
	HANDLE t;
	LUID luid;
	TOKEN_ELEVATION elevation;
	TOKEN_PRIVILEGES *privs = NULL;
	DWORD size = 0, i;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t))
		return;
	if (GetTokenInformation(t, TokenElevation, &elevation,
		    sizeof(elevation), &size))
		out->elevated = tri(elevation.TokenIsElevated != 0);
	if (LookupPrivilegeValueW(NULL, L"SeCreateSymbolicLinkPrivilege",
		    &luid) &&
		!GetTokenInformation(t, TokenPrivileges, NULL, 0, &size) &&
		GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
		(privs = gsym_malloc(size)) != NULL &&
		GetTokenInformation(t, TokenPrivileges, privs, size, &size)) {
		out->link_privilege = GSYM_TRI_NO;
		for (i = 0; i < privs->PrivilegeCount; i++)
			if (privs->Privileges[i].Luid.LowPart == luid.LowPart &&
				privs->Privileges[i].Luid.HighPart ==
					luid.HighPart)
				out->link_privilege = GSYM_TRI_YES;
	}
	free(privs);
	CloseHandle(t);
}

bool gsym_platform_fs_remote(const char *path)
{
	(void)path;
	return false; /* git's monitor speaks through a named pipe here */
}

bool gsym_platform_private_dir(const char *path)
{
	(void)path;
	return false;
}

void gsym_platform_link_facts(gsym_link_facts *out, const char *path)
{
	memset(out, 0, sizeof(*out));
	out->volume_links = out->developer_mode = GSYM_TRI_UNKNOWN;
	out->link_privilege = out->elevated = GSYM_TRI_UNKNOWN;
	volume(out, path);
	out->developer_mode = developer_mode();
	token(out);
}

FILE *gsym_platform_popen(const char *cmd)
{
	gsym_buf quiet = GSYM_BUF_INIT;
	FILE *p;

	gsym_buf_printf(&quiet, "%s 2>NUL", cmd);
	p = _popen(quiet.ptr, "r");
	gsym_buf_dispose(&quiet);
	return p;
}

int gsym_platform_pclose(FILE *p)
{
	return _pclose(p);
}

/* --- UTF-8 to the console --------------------------------------------------- */

/*
 * Like Git for Windows' winansi.c: stdout and stderr, when they are a
 * console, become one pipe; a thread reads it and writes the text with
 * WriteConsoleW, which shows every character whatever the code page.
 */
static HANDLE console = INVALID_HANDLE_VALUE;
static HANDLE pump_thread;

/* Bytes of `buf` up to the last whole UTF-8 sequence. */
static size_t whole_utf8(const unsigned char *buf, size_t len)
{
	size_t back;

	for (back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = buf[len - back];
		size_t need;

		if ((c & 0xc0) == 0x80)
			continue; /* a continuation byte: look further back */
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return need > back ? len - back : len;
	}
	return len;
}

static DWORD WINAPI pump(LPVOID arg)
{
	HANDLE in = (HANDLE)arg;
	unsigned char buf[4096];
	wchar_t wide[4096];
	size_t have = 0, use;
	DWORD n, written;
	int w;

	while (ReadFile(in, buf + have, (DWORD)(sizeof(buf) - have), &n,
		       NULL) &&
		n > 0) {
		have += n;
		use = whole_utf8(buf, have);
		w = MultiByteToWideChar(CP_UTF8, 0, (const char *)buf, (int)use,
			wide, (int)GSYM_ARRAY_SIZE(wide));
		if (w > 0)
			WriteConsoleW(console, wide, (DWORD)w, &written, NULL);
		memmove(buf, buf + use, have - use);
		have -= use;
	}
	CloseHandle(in);
	return 0;
}

static void console_done(void)
{
	fflush(stdout);
	fflush(stderr);
	/* the last write end: the thread sees the end of the pipe */
	_close(1);
	_close(2);
	WaitForSingleObject(pump_thread, 5000);
}

/* stderr was a console before console_init made it our pipe: 1 yes */
static int err_console = -1;

bool gsym_platform_stderr_is_terminal(void)
{
	DWORD mode;

	if (err_console >= 0)
		return err_console == 1;
	return GetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), &mode) != 0;
}

void gsym_platform_console_init(void)
{
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
	HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
	DWORD mode;
	bool to_out = GetConsoleMode(out, &mode) != 0;
	bool to_err = GetConsoleMode(err, &mode) != 0;
	HANDLE r, w;
	int fd;

	err_console = to_err ? 1 : 0;

	if ((!to_out && !to_err) || !CreatePipe(&r, &w, NULL, 0))
		return;
	if ((fd = _open_osfhandle((intptr_t)w, _O_BINARY)) < 0) {
		CloseHandle(r);
		CloseHandle(w);
		return;
	}
	/* a handle of our own: _dup2() closes the one fd 1 or 2 had */
	if (!DuplicateHandle(GetCurrentProcess(), to_out ? out : err,
		    GetCurrentProcess(), &console, 0, FALSE,
		    DUPLICATE_SAME_ACCESS) ||
		!(pump_thread = CreateThread(NULL, 0, pump, r, 0, NULL))) {
		CloseHandle(r);
		_close(fd);
		return;
	}
	/* unbuffered, so stdout and stderr keep their order in the pipe */
	if (to_out) {
		_dup2(fd, 1);
		setvbuf(stdout, NULL, _IONBF, 0);
	}
	if (to_err)
		_dup2(fd, 2);
	_close(fd);
	atexit(console_done);
}
