/*
 * `doctor`: can a link be made in this working tree right now, why not,
 * what restore falls back to, how git and the hooks are set up, and the
 * one thing to do next. Gathering looks; it changes nothing (the probe
 * link it makes is removed at once). The decisions are pure functions of
 * what was gathered, unit-tested with the fake platform.
 */
#ifndef INCLUDE_workflow_doctor_h__
#define INCLUDE_workflow_doctor_h__

#include "util/buf.h"
#include "platform/platform.h"

typedef struct {
	char *workdir; /* absolute, ends with '/' */
	int probe; /* 0: a link was made (and removed) here; else its code */
	char *probe_error; /* why the probe failed, or NULL */
	gsym_link_facts facts;
	int core_symlinks; /* 1, 0, or -1 unset (git's default: true) */
	char *fallback; /* what restore falls back to */
	bool fallback_configured; /* from symlinks.fallback */
	char *hooks_dir;
	int hooks_here; /* hooks in hooks_dir holding this tool's block */
	char *template_dir; /* init.templateDir, or NULL */
	int hooks_global; /* the same in template_dir/hooks */
	bool config_capable; /* git reads hooks from config (2.54 and later) */
	int config_hooks; /* our events git lists our configured hook for */
	char *config_scope; /* where git found it: "global", "local", ... */
	bool config_disabled; /* hook.git-symlinks.enabled=false here */
	int links; /* link entries in the index */
	int placeholders; /* of those, placeholders restore would replace */
	bool state; /* a link or fallback was made here before */
	char *git_version; /* `git --version`, or NULL */
	char *libgit2_version;
} gsym_doctor;

/*
 * Make a link in the directory `dir` (absolute, ending with '/'), read
 * it back and remove it: 0 when links can be made there, else the error
 * code, with the message set.
 */
int gsym_doctor_probe(const char *dir);

/*
 * True when links can be made here (`probe` 0) but git is told not to
 * make them (`core_symlinks` 0): git writes placeholders for nothing.
 */
bool gsym_doctor_links_off(int probe, int core_symlinks);

/* Why links cannot be made here, in a line, appended to `out`. */
void gsym_doctor_why(gsym_buf *out, const gsym_doctor *d);

/* The one thing to do next, appended to `out`. */
void gsym_doctor_next(gsym_buf *out, const gsym_doctor *d);

/*
 * Gather the facts about the repository around the current directory
 * (honouring GIT_DIR and GIT_WORK_TREE). Returns 0, or an error with
 * the message set when there is no working tree.
 */
int gsym_doctor_gather(gsym_doctor *out);

/*
 * The facts and the advice, appended to `out`: one screen, or one JSON
 * object (`as_json`); cli/ prints it.
 */
void gsym_doctor_format(gsym_buf *out, const gsym_doctor *d, bool as_json);

/* Release what gather allocated. */
void gsym_doctor_dispose(gsym_doctor *d);

/*
 * For restore: when the repository has core.symlinks=false and a link
 * can be made in its working tree, one line saying so (a "hint:", as
 * git gives them) appended to `out`; cli/ prints it on stderr.
 */
void gsym_doctor_hint(gsym_buf *out);

#endif
