/*
 * Progress on stderr, the way git's progress.c shows it: nothing for a
 * phase that ends within the delay, then one line rewritten in place
 * ("Making links:  45% (450/1000), 1200 files, 1.20 MiB"), at most every
 * GSYM_PROGRESS_INTERVAL_MS, and ", done." when the phase ends. Counts
 * may be added from any thread (atomics); one thread at a time prints.
 */
#ifndef INCLUDE_platform_progress_h__
#define INCLUDE_platform_progress_h__

#include "util/buf.h"
#include "util/common.h"

#include <stdio.h>

/* Shown after this long (git's GIT_PROGRESS_DELAY, seconds, overrides). */
#define GSYM_PROGRESS_DELAY_MS 1000
/* At most one update in this long. */
#define GSYM_PROGRESS_INTERVAL_MS 100

typedef struct {
	const char *title;
	uint64_t total; /* 0: not known */
	/* added to from any thread (__atomic) */
	uint64_t n, files, bytes;
	uint64_t next_ms; /* no update before this time */
	int busy; /* a thread is printing */
	size_t last_len; /* of the line shown, to blank what is left */
	bool enabled, shown;
	FILE *out;
} gsym_progress;

/*
 * Should a run show progress: `mode` 1 forces it (--progress), -1 turns
 * it off (--no-progress), 0 leaves it to stderr being a terminal.
 */
bool gsym_progress_wanted(int mode);

/*
 * Start a phase called `title` of `total` steps (0: not known), shown on
 * `out` (stderr) only when `enabled`. The delay starts now.
 */
void gsym_progress_start(gsym_progress *p, const char *title, uint64_t total,
	bool enabled, FILE *out);

/* `n` more steps done (any thread); shows the line when it is due. */
void gsym_progress_add(gsym_progress *p, uint64_t n);

/* `files` more files of `bytes` copied (any thread); the same. */
void gsym_progress_copied(gsym_progress *p, uint64_t files, uint64_t bytes);

/* The phase is over: ", done." when anything was shown. */
void gsym_progress_stop(gsym_progress *p);

/*
 * The text of one line, without "\r": "Title:  45% (450/1000)" or with
 * no total "Title: 450", then ", 1200 files, 1.20 MiB" once files were
 * copied.
 */
void gsym_progress_format(gsym_buf *out, const char *title, uint64_t n,
	uint64_t total, uint64_t files, uint64_t bytes);

/*
 * Is an update due at `now_ms`? True for one caller at a time, which
 * must then call gsym_progress_release; the next is due an interval on.
 */
bool gsym_progress_due(gsym_progress *p, uint64_t now_ms);

/* Done printing (after gsym_progress_due said true). */
void gsym_progress_release(gsym_progress *p);

#endif
