/*
 * The data that flows through the pipeline: one gsym_entry per link entry
 * of the index (scan), the facts the planner gathered and its decision
 * (plan), and what apply and record did (report).
 */
#ifndef INCLUDE_pipeline_entry_h__
#define INCLUDE_pipeline_entry_h__

#include "util/common.h"
#include "util/buf.h"
#include "platform/platform.h"

#define GSYM_OID_RAWSZ 20

/* The stat data of an index entry, in the index's own widths. */
typedef struct {
	uint32_t ctime_sec, ctime_nsec;
	uint32_t mtime_sec, mtime_nsec;
	uint32_t dev, ino, uid, gid;
	uint32_t size;
} gsym_istat;

/* What the target of a link is, once resolved. */
typedef enum {
	GSYM_TYPE_FILE = 0,
	GSYM_TYPE_DIR,
	GSYM_TYPE_MISSING,
	GSYM_TYPE_UNKNOWN
} gsym_type;

/* What is at the link's path in the working tree. */
typedef enum {
	GSYM_KIND_MISSING = 0,
	GSYM_KIND_SYMLINK,
	GSYM_KIND_JUNCTION,
	GSYM_KIND_HARDLINK,
	GSYM_KIND_COPY,
	GSYM_KIND_PLACEHOLDER,
	GSYM_KIND_OTHER
} gsym_kind;

/* The entry's state, as reported. */
typedef enum {
	GSYM_VERDICT_OK = 0,
	GSYM_VERDICT_RESTORED,
	GSYM_VERDICT_PENDING,
	GSYM_VERDICT_STALE,
	GSYM_VERDICT_MODIFIED,
	GSYM_VERDICT_UNSAFE,
	GSYM_VERDICT_DANGLING,
	GSYM_VERDICT_ERROR
} gsym_verdict;

/* Ways to put something at a link's path, best first. */
typedef enum {
	GSYM_HOW_SYMLINK = 0,
	GSYM_HOW_JUNCTION,
	GSYM_HOW_HARDLINK,
	GSYM_HOW_COPY,
	GSYM_HOW__COUNT
} gsym_how;

/* What apply must do for one entry. */
typedef enum {
	GSYM_ACT_NONE = 0, /* leave the disk and the index alone */
	GSYM_ACT_STAMP, /* the disk is right: refresh the index stamp */
	GSYM_ACT_CREATE, /* put the best form at the path */
	GSYM_ACT_PLACEHOLDER, /* put git's placeholder back (reset) */
	GSYM_ACT_DISOWN, /* not our fallback any more: let git see it */
	GSYM_ACT_KEEP_EDIT /* an edited copy: keep a copy of the edit */
} gsym_action;

/* Bits of gsym_entry.flags. */
typedef enum {
	GSYM_ENTRY_SELECTED = (1 << 0), /* matched the pathspec */
	GSYM_ENTRY_SKIP_WORKTREE = (1 << 1), /* bit set in the index */
	GSYM_ENTRY_STAMP_MATCH = (1 << 2), /* lstat equals index stat */
	GSYM_ENTRY_BACKUP = (1 << 3), /* --force: save it first */
	GSYM_ENTRY_CHANGED = (1 << 4), /* apply changed the disk */
	GSYM_ENTRY_RECORD = (1 << 5), /* record must touch the index */
	GSYM_ENTRY_DISK_KNOWN = (1 << 6), /* `disk` was lstat()ed ahead */
	GSYM_ENTRY_LINKS_REFUSED = (1 << 7), /* apply: no link possible here */
	GSYM_ENTRY_HIDDEN = (1 << 8), /* our sparse block hides it from git */
	GSYM_ENTRY_AHEAD = (1 << 9), /* applied on a thread, before the rest */
	/* a copy proven current by its content: record its target's stat */
	GSYM_ENTRY_RESTAT = (1 << 10),
	/*
	 * the skip-worktree bit as the index holds it, which git honours
	 * (GSYM_ENTRY_SKIP_WORKTREE comes to mean "hidden" for a copy that
	 * needs no bit: plan_apply.c mark_hidden)
	 */
	GSYM_ENTRY_GIT_SKIPS = (1 << 11),
	/*
	 * a deep copy of ours proven unedited by its stat list just now:
	 * its update need not look at its files again, and decides itself
	 * whether its target changed (the planner did not hash it)
	 */
	GSYM_ENTRY_PROVEN = (1 << 12),
	/*
	 * a deep copy of ours at which, and below which, nothing changed
	 * since our last run left it as its record says (the fsmonitor
	 * daemon saw nothing there): unedited without a look below it
	 */
	GSYM_ENTRY_UNSEEN = (1 << 13)
} gsym_entry_flags;

typedef struct {
	/* scan */
	char *path;
	unsigned char id[GSYM_OID_RAWSZ];
	gsym_istat istat;
	unsigned int flags;
	const char *target; /* the blob's text, owned by the view */
	size_t target_len;

	/* plan */
	gsym_stat disk;
	gsym_type type;
	unsigned int resolve_flags;
	char *resolved; /* repo-relative final target, when inside */
	gsym_link_kind link_kind; /* file or directory link, when one is made */
	gsym_kind kind;
	gsym_verdict verdict;
	gsym_action action;
	unsigned char hows[GSYM_HOW__COUNT]; /* ways to try, in order */
	unsigned int nhows;
	const char *reason; /* static text, or NULL */

	/* apply */
	gsym_how made; /* which way succeeded, for CREATE */
	gsym_stat result; /* lstat of what is at the path afterwards */
	unsigned char hash[GSYM_OID_RAWSZ]; /* what a fallback wrote */
	char *message; /* error text from apply, owned */
} gsym_entry;

typedef struct {
	gsym_entry *v;
	size_t n;
} gsym_entries;

/* Names used in reports and the JSON. */
const char *gsym_type_name(gsym_type t);
const char *gsym_kind_name(gsym_kind k);
const char *gsym_verdict_name(gsym_verdict s);
const char *gsym_how_name(gsym_how h);

/* Parse a fallback name ("junction", "hardlink", "copy"); -1 if unknown. */
int gsym_how_parse(const char *name, size_t len);

/* The value gsym_kind_name and gsym_type_name gave `name`; -1 if none. */
int gsym_kind_parse(const char *name, size_t len);
int gsym_type_parse(const char *name, size_t len);

/* True when `s` leaves exit status 0. */
bool gsym_verdict_is_good(gsym_verdict s);

/*
 * The nanoseconds of the mtime given to what this tool makes at `path`: a
 * mark that the index stamp keeps (git's own refresh copies it from the
 * link), by which a hook knows an entry still holds the link made here
 * without an lstat. A multiple of 100 ns, as NTFS keeps times, never 0.
 */
uint32_t gsym_stamp_mark(const char *path);

/* Does the index stamp `st` of `path` carry the mark? */
bool gsym_stamp_marked(const char *path, const gsym_istat *st);

/* Free what the entries own. */
void gsym_entries_dispose(gsym_entries *entries);

#endif
