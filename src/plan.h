/*
 * The planner: one decision per link entry. Pure: it sees the index and
 * the working tree only through a gsym_view, and the state file through
 * the record passed in.
 */
#ifndef INCLUDE_plan_h__
#define INCLUDE_plan_h__

#include "entry.h"
#include "view.h"

typedef enum {
	GSYM_MODE_RESTORE = 0,
	GSYM_MODE_STATUS,
	GSYM_MODE_RESET
} gsym_mode;

/* A fallback the tool made earlier, as kept in the state file. */
typedef struct {
	gsym_kind kind; /* COPY, HARDLINK or JUNCTION */
	gsym_type type; /* FILE or DIR */
	unsigned char blob[GSYM_OID_RAWSZ]; /* the link entry's blob then */
	unsigned char hash[GSYM_OID_RAWSZ]; /* what was written */
	/* lstat of what was put in place: a match proves it is untouched */
	uint64_t size;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	uint64_t ino;
	char *src; /* the resolved target it was made from */
	char *path;
} gsym_record;

typedef struct {
	gsym_mode mode;
	bool force;
	bool allow_outside;
	/*
	 * links are known not to work here: the state file says so, or the
	 * run learnt it (see plan_forms in plan.c, where every form is decided)
	 */
	bool links_unsupported;
	/* report type and target even for entries that are already right */
	bool details;
	unsigned char fallbacks[GSYM_HOW__COUNT];
	unsigned int nfallbacks;
	unsigned int validate_flags;
	const gsym_platform_info *platform;
} gsym_plan_opts;

/*
 * Decide what to do with `e` (scan fields filled in): fills the plan
 * fields. `rec` is the state file's record for the path, or NULL.
 * Returns 0, or a negative code when the view failed fatally.
 */
int gsym_plan_entry(gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, const gsym_plan_opts *opts);

/*
 * Is `disk` (the lstat of rec->path) exactly the fallback `rec` records,
 * unedited? Proven by the stat recorded with it, a hard link by sharing
 * its target's inode, else by hashing. Returns 0 or a view error.
 */
int gsym_plan_owned(bool *out, const gsym_view *view, const gsym_record *rec,
	const gsym_stat *disk);

/*
 * Cheaply prove an entry needs nothing (hook mode, when neither the entry
 * nor, for a fallback, its target changed): an index stamp carrying the
 * mark of a link made here (no lstat needed: git rewrites the stamp of
 * whatever it puts at the path), a link still carrying our stamp, or a
 * fallback still carrying its recorded stat. Returns true and sets the
 * state OK; false means plan it fully.
 */
bool gsym_plan_quick(gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, bool source_changed);

/* True when the lstat data equals what the index entry holds. */
bool gsym_stat_matches(const gsym_istat *is, const gsym_stat *st);

#endif
