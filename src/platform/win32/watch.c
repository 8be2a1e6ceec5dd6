/*
 * Watching directories on Windows: one ReadDirectoryChangesW per
 * directory (not its subtree), every handle on one I/O completion port,
 * so any number of directories is waited on at once. A console control
 * event (Ctrl-C, Ctrl-Break, closing the console) posts a packet with key
 * 0 to the port, which wakes the wait.
 */
#include "platform/platform.h"
#include "platform/win32/win32.h"
#include "util/alloc.h"
#include "util/error.h"

#include <windows.h>
#include <stdlib.h>
#include <string.h>

/* per directory: the changes of one call (a few saves' worth) */
#define WATCH_BUF 4096

#define WATCH_FILTER                                                      \
	(FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |     \
		FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE | \
		FILE_NOTIFY_CHANGE_ATTRIBUTES)

typedef struct {
	OVERLAPPED ov; /* first: a completion's OVERLAPPED is the slot */
	HANDLE dir;
	bool armed; /* a call is pending: its packet will come */
	bool delivering; /* its changes are being passed on */
	bool closing; /* removed: freed once neither of the above */
	int id;
	DWORD buf[WATCH_BUF / sizeof(DWORD)];
} slot;

struct gsym_watcher {
	HANDLE port;
	slot **slots; /* by id; NULL when free */
	size_t nslots;
};

static volatile LONG stop_flag;
static HANDLE volatile stop_port; /* the port a stop wakes */
static HANDLE stopped; /* set when the watcher is closed */

static int last_error(const char *what, const char *path)
{
	return gsym_win32_translate((uint32_t)GetLastError(), what, path);
}

int gsym_platform_watch_open(gsym_watcher **out)
{
	gsym_watcher *w = gsym_calloc(1, sizeof(*w));

	*out = NULL;
	w->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	if (!w->port) {
		free(w);
		return last_error("start watching", "a completion port");
	}
	stop_port = w->port;
	*out = w;
	return 0;
}

/* Ask for the next batch of changes of `s`. */
static bool arm(slot *s)
{
	memset(&s->ov, 0, sizeof(s->ov));
	s->armed = ReadDirectoryChangesW(s->dir, s->buf, sizeof(s->buf), FALSE,
			   WATCH_FILTER, NULL, &s->ov, NULL) != 0;
	return s->armed;
}

int gsym_platform_watch_add(int *out, gsym_watcher *w, const char *dir)
{
	uint16_t *wdir = NULL;
	slot *s;
	size_t id;
	int error;

	for (id = 0; id < w->nslots && w->slots[id]; id++)
		;
	if (id == w->nslots) {
		w->slots = gsym_reallocarray(w->slots, id + 1, sizeof(slot *));
		w->slots[w->nslots++] = NULL;
	}
	if (gsym_win32_to_utf16(&wdir, dir, true) < 0)
		return GSYM_ERROR;
	s = gsym_calloc(1, sizeof(*s));
	s->id = (int)id;
	/* share delete: the watch must not keep git from removing `dir` */
	s->dir = CreateFileW((LPCWSTR)wdir, FILE_LIST_DIRECTORY,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		OPEN_EXISTING,
		FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, NULL);
	free(wdir);
	if (s->dir == INVALID_HANDLE_VALUE) {
		error = last_error("watch", dir);
		free(s);
		return error;
	}
	if (!CreateIoCompletionPort(s->dir, w->port, (ULONG_PTR)id + 1, 0) ||
		!arm(s)) {
		error = last_error("watch", dir);
		CloseHandle(s->dir);
		free(s);
		return error;
	}
	w->slots[id] = s;
	*out = (int)id;
	return 0;
}

void gsym_platform_watch_remove(gsym_watcher *w, int id)
{
	slot *s;

	if (id < 0 || (size_t)id >= w->nslots || !(s = w->slots[id]))
		return;
	w->slots[id] = NULL;
	s->closing = true;
	CancelIo(s->dir);
	CloseHandle(s->dir);
	s->dir = INVALID_HANDLE_VALUE;
	/* a pending call completes, aborted, on the port: free it then */
	if (!s->armed && !s->delivering)
		free(s);
}

/* Pass the changes in `s->buf` (`len` bytes) to `cb`. */
static void deliver(slot *s, DWORD len, gsym_watch_cb cb, void *payload)
{
	const unsigned char *p = (const unsigned char *)s->buf;
	gsym_buf name = GSYM_BUF_INIT;

	if (len == 0) { /* the buffer overflowed: names lost */
		cb(payload, s->id, NULL);
		return;
	}
	for (;;) {
		const FILE_NOTIFY_INFORMATION *fi =
			(const FILE_NOTIFY_INFORMATION *)p;

		gsym_buf_clear(&name);
		if (gsym_win32_to_utf8(&name, (const uint16_t *)fi->FileName,
			    fi->FileNameLength / sizeof(WCHAR)) == 0)
			cb(payload, s->id, gsym_buf_cstr(&name));
		if (!fi->NextEntryOffset)
			break;
		p += fi->NextEntryOffset;
	}
	gsym_buf_dispose(&name);
}

int gsym_platform_watch_wait(gsym_watcher *w, int timeout_ms, gsym_watch_cb cb,
	void *payload)
{
	DWORD len = 0;
	ULONG_PTR key = 0;
	OVERLAPPED *ov = NULL;
	slot *s;
	BOOL ok;

	if (stop_flag)
		return 0;
	ok = GetQueuedCompletionStatus(w->port, &len, &key, &ov,
		timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
	if (!ov) {
		if (ok || GetLastError() == WAIT_TIMEOUT || key == 0)
			return 0; /* a stop, or the time is up */
		return last_error("wait for changes of", "a completion port");
	}
	s = (slot *)ov;
	s->armed = false;
	if (s->closing) {
		free(s);
		return 0;
	}
	/* `cb` may remove this very directory: free it only after */
	s->delivering = true;
	if (ok)
		deliver(s, len, cb, payload);
	else /* the directory went away (or became unreadable) */
		cb(payload, s->id, NULL);
	if (!s->closing && (!ok || !arm(s))) {
		/* cannot go on: a full check, and no more of this one */
		cb(payload, s->id, NULL);
		if (!s->closing)
			gsym_platform_watch_remove(w, s->id);
	}
	s->delivering = false;
	if (s->closing && !s->armed)
		free(s);
	return 0;
}

void gsym_platform_watch_close(gsym_watcher *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->nslots; i++)
		gsym_platform_watch_remove(w, (int)i);
	/* collect the aborted calls before their slots are freed */
	for (;;) {
		DWORD len;
		ULONG_PTR key;
		OVERLAPPED *ov = NULL;

		if (!GetQueuedCompletionStatus(w->port, &len, &key, &ov, 100) &&
			!ov)
			break;
		if (ov && ((slot *)ov)->closing)
			free(ov); /* an aborted call of a removed directory */
	}
	stop_port = NULL;
	if (stopped)
		SetEvent(stopped);
	CloseHandle(w->port);
	free(w->slots);
	free(w);
}

static BOOL WINAPI on_console(DWORD type)
{
	HANDLE port;

	switch (type) {
	case CTRL_C_EVENT:
	case CTRL_BREAK_EVENT:
	case CTRL_CLOSE_EVENT:
		InterlockedExchange(&stop_flag, 1);
		if ((port = stop_port) != NULL)
			PostQueuedCompletionStatus(port, 0, 0, NULL);
		/*
		 * Closing the console ends the process when this returns:
		 * let a refresh under way finish first (Windows allows 5 s).
		 */
		if (type == CTRL_CLOSE_EVENT && stopped)
			WaitForSingleObject(stopped, 4000);
		return TRUE;
	default: return FALSE;
	}
}

int gsym_platform_stop_on_signal(void)
{
	if (!stopped)
		stopped = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!SetConsoleCtrlHandler(on_console, TRUE))
		return last_error("catch", "Ctrl-C");
	return 0;
}

bool gsym_platform_stop_requested(void)
{
	return InterlockedCompareExchange(&stop_flag, 0, 0) != 0;
}

uint64_t gsym_platform_clock_ms(void)
{
	return (uint64_t)GetTickCount64();
}

void gsym_platform_sleep_ms(unsigned int ms)
{
	Sleep(ms);
}

/*
 * The fsmonitor daemon's channel is not built for Windows yet: the hook
 * answers from its own lstat() of every entry there (workflow/fsmonitor.c).
 */
int gsym_platform_channel_serve(gsym_channel **out, const char *name)
{
	*out = NULL;
	return gsym_error_setc(GSYM_EUNSUPPORTED, "no channel '%s' here", name);
}

int gsym_platform_channel_wait(gsym_channel *ch, gsym_watcher *w,
	int timeout_ms, gsym_change_cb cb, void *payload, gsym_buf *req,
	int *client)
{
	(void)ch, (void)w, (void)timeout_ms, (void)cb, (void)payload, (void)req;
	*client = -1;
	return 0;
}

int gsym_platform_channel_answer(int client, const char *data, size_t len)
{
	(void)client, (void)data, (void)len;
	return gsym_error_setc(GSYM_EUNSUPPORTED, "no channels here");
}

int gsym_platform_channel_serve_git(gsym_channel *ch, const char *path)
{
	(void)ch;
	return gsym_error_setc(GSYM_EUNSUPPORTED, "no socket '%s' here", path);
}

int gsym_platform_channel_answer_git(int client, const char *data, size_t len)
{
	return gsym_platform_channel_answer(client, data, len);
}

void gsym_platform_channel_close_git(gsym_channel *ch)
{
	(void)ch;
}

int gsym_platform_channel_ask_git(gsym_buf *answer, const char *path,
	const char *request, int timeout_ms)
{
	(void)answer, (void)request, (void)timeout_ms;
	return gsym_error_setc(GSYM_EUNSUPPORTED, "no socket '%s' here", path);
}

void gsym_platform_channel_close(gsym_channel *ch)
{
	(void)ch;
}

int gsym_platform_channel_ask(gsym_buf *answer, const char *name,
	const char *request, int timeout_ms)
{
	(void)answer, (void)request, (void)timeout_ms;
	return gsym_error_setc(GSYM_EUNSUPPORTED, "no channel '%s' here", name);
}

int gsym_platform_spawn_detached(const char *const *argv)
{
	return gsym_error_setc(GSYM_EUNSUPPORTED, "could not start '%s'",
		argv[0]);
}
