/*
 * The platform layer: every file-system call the tool makes goes through
 * here. src/platform/posix/ and src/platform/win32/ implement it; CMake
 * picks one. Paths are UTF-8 with '/' separators; each backend converts.
 *
 * Every function returns 0 or a negative gsym_error_code, with the message
 * set (naming the path) by the one function that translates errno or
 * GetLastError().
 */
#ifndef INCLUDE_platform_platform_h__
#define INCLUDE_platform_platform_h__

#include "util/common.h"
#include "util/buf.h"

#include <stdio.h>

typedef enum {
	GSYM_FT_NONE = 0, /* nothing there */
	GSYM_FT_FILE,
	GSYM_FT_DIR,
	GSYM_FT_LINK, /* a symbolic link (file or directory link) */
	GSYM_FT_JUNCTION, /* a Windows mount point */
	GSYM_FT_OTHER /* fifo, device, unknown reparse point */
} gsym_ftype;

/* What lstat() says, in the widths git's index keeps. */
typedef struct {
	gsym_ftype type;
	uint32_t mode;
	uint64_t size;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	int64_t ctime_sec;
	uint32_t ctime_nsec;
	uint64_t dev;
	uint64_t ino;
	uint32_t uid;
	uint32_t gid;
	uint32_t nlink;
} gsym_stat;

/* Type of a link's target, chosen when the link is made. */
typedef enum { GSYM_LINK_FILE = 0, GSYM_LINK_DIR = 1 } gsym_link_kind;

/* Facts about the platform the planner needs. */
typedef struct {
	const char *name;
	/* default `symlinks.fallback` */
	const char *default_fallback;
	/* a native link leaving the tree needs --allow-outside */
	bool outside_links_risky;
	/* junctions exist here */
	bool has_junctions;
	/* a junction shows to git as a directory */
	bool junction_is_dir_to_git;
} gsym_platform_info;

/* The facts for the running platform. */
const gsym_platform_info *gsym_platform_info_get(void);

/* lstat(): describe `path` itself. GSYM_ENOTFOUND when it is absent. */
int gsym_platform_lstat(gsym_stat *out, const char *path);

/* Read the target text of the link or junction at `path` into `out`. */
int gsym_platform_readlink(gsym_buf *out, const char *path);

/*
 * Create a symbolic link at `path` holding `target` verbatim.
 * GSYM_EPRIVILEGE or GSYM_EUNSUPPORTED when links cannot be made here,
 * GSYM_EEXISTS when `path` exists.
 */
int gsym_platform_symlink(const char *target, const char *path,
	gsym_link_kind kind);

/* Create a junction at `path` to the absolute directory `abs_target`. */
int gsym_platform_junction(const char *abs_target, const char *path);

/* Create a hard link `path` to the existing file `existing`. */
int gsym_platform_hardlink(const char *existing, const char *path);

/*
 * Copy the regular file `src` to the new file `dst` (which must not
 * exist), keeping the executable bit; never follows a link at `dst`.
 * With `blob_id`, also the git blob id of what the copy holds, hashed
 * from the bytes as they are copied where the platform copies them
 * itself (each byte read once).
 */
int gsym_platform_copy_file(const char *src, const char *dst,
	unsigned char *blob_id);

/*
 * Copy `src` over the existing file `dst` where it is (same inode), as
 * gsym_platform_copy_file: cheaper than a new file renamed over it, as
 * no inode is freed and made. GSYM_ENOTFOUND when `dst` does not exist;
 * GSYM_EUNSUPPORTED when it may not be written so (not a regular file,
 * more than one name, another executable bit; or not on this platform).
 * A copy that fails half way removes `dst`. gsym_platform_copies_over:
 * whether this platform writes over at all (else, always unsupported).
 */
bool gsym_platform_copies_over(void);
int gsym_platform_copy_over(const char *src, const char *dst,
	unsigned char *blob_id);

/* Create the file `path` (which must not exist) holding `data`. */
int gsym_platform_write_new(const char *path, const char *data, size_t len);

/* A piece of bytes to write. */
typedef struct {
	const void *data;
	size_t len;
} gsym_slice;

/*
 * Create the file `path` (which must not exist) holding the `n` slices
 * one after another: a large file made of a few changes to another's
 * bytes, without assembling it in memory first.
 */
int gsym_platform_write_slices(const char *path, const gsym_slice *v, size_t n);

typedef struct gsym_appender gsym_appender;

/*
 * Open `path` for appending, created if missing, never through a link:
 * a journal that takes many lines in one run is opened once.
 */
int gsym_platform_append_open(gsym_appender **out, const char *path);

/* Append `data` in one write (a kill leaves it whole or torn, not mixed). */
int gsym_platform_append(gsym_appender *a, const char *data, size_t len);

/* Close the file (NULL is fine). */
void gsym_platform_append_close(gsym_appender *a);

typedef struct gsym_reader gsym_reader;

/*
 * Open the regular file `path` to read it piece by piece into one
 * buffer (a large index walked through a window: fresh memory for all
 * of it would cost more than reading it).
 */
int gsym_platform_reader_open(gsym_reader **out, const char *path);

/* Read up to `len` bytes; returns how many (0 at the end) or an error. */
ptrdiff_t gsym_platform_reader_read(gsym_reader *r, void *buf, size_t len);

/*
 * Read on from `back` bytes before the end (an index's checksum without
 * the rest); an error when the file is shorter.
 */
int gsym_platform_reader_seek_end(gsym_reader *r, size_t back);

/* Close the file (NULL is fine). */
void gsym_platform_reader_close(gsym_reader *r);

/* Read the whole regular file `path` into `out`, at most `max` bytes. */
int gsym_platform_read_file(gsym_buf *out, const char *path, size_t max);

/* A read-only view of a whole file's bytes. */
typedef struct {
	const unsigned char *data;
	size_t size;
	void *handle; /* the platform's, for unmapping */
} gsym_map;

/*
 * Map the regular file `path` read-only (an empty file maps to no bytes).
 * Cheaper than reading a large file: no copy, no fresh memory.
 */
int gsym_platform_map(gsym_map *out, const char *path);

/* Release a mapping (a zeroed one too). */
void gsym_platform_unmap(gsym_map *map);

/* Create one directory. GSYM_EEXISTS when something is there. */
int gsym_platform_mkdir(const char *path);

/* Rename `from` over `to`, atomically replacing a file or link. */
int gsym_platform_rename(const char *from, const char *to);

/*
 * Remove `path` itself: a file, a link (file or directory link), a
 * junction, or an empty directory. Never recurses, never follows.
 */
int gsym_platform_remove(const char *path);

/* Call `cb` for each name in directory `path` except "." and "..". */
int gsym_platform_readdir(const char *path,
	int (*cb)(const char *name, void *payload), void *payload);

/* Set the times of `path` itself (not what it points to) to sec.nsec. */
int gsym_platform_set_mtime(const char *path, int64_t sec, uint32_t nsec);

/*
 * Create `path` exclusively as a lock holding `content`; GSYM_ELOCKED
 * when it exists.
 */
int gsym_platform_lock(const char *path, const char *content);

/* This process's id. */
long gsym_platform_pid(void);

/* False only when no process `pid` exists on this machine. */
bool gsym_platform_process_alive(long pid);

/* Seconds since the epoch, now. */
int64_t gsym_platform_now(void);

/* Change the process's directory. */
int gsym_platform_chdir(const char *path);

/*
 * The canonical absolute form of `path` ("." for the current directory)
 * with '/' separators, links resolved, appended to `out`.
 */
int gsym_platform_realpath(gsym_buf *out, const char *path);

/* True when two canonical paths name the same place (case rules). */
bool gsym_platform_same_path(const char *a, const char *b, size_t len);

/* The absolute path of the running program, appended to `out`. */
int gsym_platform_self_path(gsym_buf *out);

/* Give a file the executable bits its mode allows (a hook script). */
int gsym_platform_make_executable(const char *path);

/* Set (or, with `value` NULL, unset) an environment variable. */
int gsym_platform_setenv(const char *name, const char *value);

/* Processors this process may run on, at least 1. */
unsigned int gsym_platform_cpus(void);

/*
 * Make the next `bytes` of allocations cheap to touch: a short run (a
 * hook) that reads the index and the state spends more on faulting in
 * fresh memory page by page than on the reading. Where the system can,
 * the heap is grown and faulted in with one call; elsewhere nothing.
 */
void gsym_platform_heap_reserve(size_t bytes);

/* Yes, no, or cannot tell (not asked on this platform, or refused). */
typedef enum {
	GSYM_TRI_UNKNOWN = -1,
	GSYM_TRI_NO = 0,
	GSYM_TRI_YES = 1
} gsym_tri;

/* What decides whether links can be made at a path (for `doctor`). */
typedef struct {
	/* "ext4", "exfat", "NTFS", ...; "" when it cannot be told */
	char fs_type[32];
	/* the kernel's or the mount's own name, when fs_type refines it */
	char fs_driver[32];
	/* the volume says it holds reparse points (Windows) */
	gsym_tri volume_links;
	/* Developer Mode is on (Windows) */
	gsym_tri developer_mode;
	/* the process holds SeCreateSymbolicLinkPrivilege (Windows) */
	gsym_tri link_privilege;
	/* the process runs elevated (Windows) */
	gsym_tri elevated;
} gsym_link_facts;

/*
 * Fill `out` for the directory `path`: its file system and, where the
 * platform has them, the settings and privileges links depend on. Never
 * fails: what cannot be told is left unknown.
 */
void gsym_platform_link_facts(gsym_link_facts *out, const char *path);

/*
 * Is `path` on a disk git counts as remote for its own monitor (a share,
 * or FUSE: git's fsm-path-utils-linux.c)? Then git's monitor socket is
 * not in the git directory.
 */
bool gsym_platform_fs_remote(const char *path);

/* Is `path` a directory of this user's that nobody else may enter? */
bool gsym_platform_private_dir(const char *path);

/*
 * Start the shell command `cmd` with its output to read and its errors
 * discarded; NULL when it cannot be started.
 */
FILE *gsym_platform_popen(const char *cmd);

/* Wait for a command from gsym_platform_popen; 0 when it succeeded. */
int gsym_platform_pclose(FILE *p);

/*
 * Send what the program writes to stdout and stderr to a console as
 * UTF-16 (WriteConsoleW) when one is attached, so UTF-8 text shows right
 * whatever the console's code page; redirected output stays plain bytes.
 * Call once, first thing in main(). Nothing to do on POSIX.
 */
void gsym_platform_console_init(void);

/* Is the process's stderr a terminal (a console on Windows)? */
bool gsym_platform_stderr_is_terminal(void);

typedef struct gsym_thread gsym_thread;

/* Run `fn(arg)` on a new thread; GSYM_ERROR when none can be started. */
int gsym_platform_thread_start(gsym_thread **out, void (*fn)(void *arg),
	void *arg);

/* Wait for the thread to finish, and release it. */
void gsym_platform_thread_join(gsym_thread *thread);

typedef struct gsym_mutex gsym_mutex;

/* A mutex for threads of gsym_parallel; NULL is never returned. */
gsym_mutex *gsym_platform_mutex_new(void);
void gsym_platform_mutex_lock(gsym_mutex *m);
void gsym_platform_mutex_unlock(gsym_mutex *m);
void gsym_platform_mutex_free(gsym_mutex *m);

/* --- watching directories (watch) --------------------------------------- */

typedef struct gsym_watcher gsym_watcher;

/*
 * Called by gsym_platform_watch_wait for each change: `name` changed in
 * the directory watched as `id`. `name` is NULL when the names were lost
 * (the directory itself went away, or its events overflowed: anything in
 * it may have changed); `id` is -1 when every directory's were lost.
 */
typedef void (*gsym_watch_cb)(void *payload, int id, const char *name);

/* Start a watcher that watches nothing yet. */
int gsym_platform_watch_open(gsym_watcher **out);

/*
 * Watch the names in the directory `dir` (absolute; not below it): files
 * written, created, deleted or renamed. `*out` is the id its changes
 * carry. GSYM_ENOTFOUND when `dir` is not there.
 */
int gsym_platform_watch_add(int *out, gsym_watcher *w, const char *dir);

/* Stop watching the directory `id`. */
void gsym_platform_watch_remove(gsym_watcher *w, int id);

/*
 * Wait at most `timeout_ms` (-1: for ever) for changes and pass each to
 * `cb`. Returns 0 (also on timeout, and as soon as a stop is requested:
 * see gsym_platform_stop_on_signal), or an error.
 */
int gsym_platform_watch_wait(gsym_watcher *w, int timeout_ms, gsym_watch_cb cb,
	void *payload);

/* Stop watching everything and release the watcher. */
void gsym_platform_watch_close(gsym_watcher *w);

/* --- a private channel to a helper process (the fsmonitor daemon) ------- */

typedef struct gsym_channel gsym_channel;

/* A change gsym_platform_channel_wait passes on: as gsym_watch_cb, and
 * `is_dir` when the name is a directory's (or was). `name` NULL with `id`
 * a directory's: the directory itself went away or moved; `id` -1: the
 * changes overflowed (anything may have changed). */
typedef void (
	*gsym_change_cb)(void *payload, int id, const char *name, bool is_dir);

/*
 * Serve the channel `name`, a name with no place in the file system
 * (nothing to remove, nothing that keeps a disk busy), for this user
 * only: a process of another user can neither ask nor answer.
 * GSYM_EEXISTS when a process serves it already; GSYM_EUNSUPPORTED where
 * the platform has no such channels.
 */
int gsym_platform_channel_serve(gsym_channel **out, const char *name);

/*
 * Wait at most `timeout_ms` for a request on `ch`, passing what `w` sees
 * change to `cb` meanwhile. When a request comes, every change made
 * before it was sent has been passed on first. Returns 1 with the request
 * (one line, without its newline) in `req` and `*client` to answer it
 * on (2: a request in git's protocol, gsym_platform_channel_serve_git);
 * 0 after passing changes on, on timeout, or when a stop was
 * requested; or an error.
 */
int gsym_platform_channel_wait(gsym_channel *ch, gsym_watcher *w,
	int timeout_ms, gsym_change_cb cb, void *payload, gsym_buf *req,
	int *client);

/* Answer a request and hang up. */
int gsym_platform_channel_answer(int client, const char *data, size_t len);

/*
 * Serve git's own monitor protocol on `ch` too (git's simple-ipc:
 * pkt-lines, a flush ending each message) at the Unix socket `path`,
 * this user only; a socket file nobody listens on is replaced. A request
 * there makes gsym_platform_channel_wait return 2 (the message whole in
 * `req`), answered with gsym_platform_channel_answer_git. GSYM_EEXISTS
 * when a process listens there already.
 */
int gsym_platform_channel_serve_git(gsym_channel *ch, const char *path);

int gsym_platform_channel_answer_git(int client, const char *data, size_t len);

/* Stop serving git's protocol; remove the socket file if still ours. */
void gsym_platform_channel_close_git(gsym_channel *ch);

/* Send `request` to whoever serves git's protocol at `path`. */
int gsym_platform_channel_ask_git(gsym_buf *answer, const char *path,
	const char *request, int timeout_ms);

void gsym_platform_channel_close(gsym_channel *ch);

/*
 * Send `request` (one line) to the process serving `name` and read its
 * whole answer. GSYM_ENOTFOUND when none serves it (or one of another
 * user does); GSYM_EUNSUPPORTED where there are no channels.
 */
int gsym_platform_channel_ask(gsym_buf *answer, const char *name,
	const char *request, int timeout_ms);

/*
 * Start `argv` (argv[0] a path, NULL-terminated) apart from this process:
 * its own session, no terminal, the null device for its standard files,
 * no other descriptor, the root as its working directory; nobody waits
 * for it.
 */
int gsym_platform_spawn_detached(const char *const *argv);

/*
 * From now on, Ctrl-C and SIGTERM (on Windows: Ctrl-C, Ctrl-Break and
 * closing the console) ask this process to stop instead of killing it:
 * gsym_platform_stop_requested() turns true and a waiting watcher returns.
 */
int gsym_platform_stop_on_signal(void);

/* True once a stop was asked for. */
bool gsym_platform_stop_requested(void);

/* Milliseconds on a clock that never goes back. */
uint64_t gsym_platform_clock_ms(void);

/* Wait `ms` milliseconds. */
void gsym_platform_sleep_ms(unsigned int ms);

#endif
