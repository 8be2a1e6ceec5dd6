/*
 * git's file-system monitor, as this tool uses it to keep git's checks
 * off its fallbacks at no cost per fallback.
 *
 * git trusts an index entry marked "fsmonitor valid" as unchanged without
 * looking at the disk: `git status` does not compare it, and a checkout,
 * reset or merge that replaces or deletes it goes ahead
 * (`read-cache.c` `ie_match_stat`, called by `unpack-trees.c`
 * `verify_uptodate_1`). The marks live in the index's "FSMN" extension as
 * a bitmap of the entries git must look at again ("dirty"); git keeps
 * them while `core.fsmonitor` names a hook, and asks the hook at each
 * command which paths changed since it last asked.
 *
 * Our fallbacks (a copy, an empty-file copy, a directory copy, a hard
 * link) are marked valid when they are made and stamped; our hook
 * (`git symlinks hook fsmonitor`, workflow/fsmonitor.c) answers with every
 * path whose stat differs from the index, as git's own refresh would
 * find it, and never a fallback still provably ours. Unlike a sparse
 * checkout pattern per fallback, this costs nothing per entry that git
 * would not pay anyway, and git prints nothing about it.
 */
#ifndef INCLUDE_git_fsmonitor_h__
#define INCLUDE_git_fsmonitor_h__

#include <git2.h>

#include "git/index_file.h"
#include "util/buf.h"
#include "util/common.h"

/* The FSMN extension (version 2): the token and the dirty bitmap. */
typedef struct {
	char *token; /* what the last query answered, passed to the next */
	uint64_t *dirty; /* one bit per index entry, in index order */
	size_t n; /* index entries */
} gsym_fsmn;

/*
 * Parse the payload of an FSMN extension (`size` bytes after its 8-byte
 * header) for an index of `n` entries. GSYM_EUNSUPPORTED when it is not
 * one git wrote (another version, a bitmap longer than the index).
 */
int gsym_fsmn_parse(gsym_fsmn *out, const unsigned char *data, size_t size,
	size_t n);

/* An extension with every one of `n` entries dirty, and `token`. */
void gsym_fsmn_init(gsym_fsmn *out, size_t n, const char *token);

bool gsym_fsmn_dirty(const gsym_fsmn *m, size_t i);

/* Mark entry `i` dirty or valid; true when that changed it. */
bool gsym_fsmn_set(gsym_fsmn *m, size_t i, bool dirty);

/* Append the whole extension to `out`: signature, size and payload. */
void gsym_fsmn_write(gsym_buf *out, const gsym_fsmn *m);

void gsym_fsmn_dispose(gsym_fsmn *m);

/* The channel name of the daemon for `workdir` (absolute, '/'-ended). */
void gsym_fsmonitor_channel(gsym_buf *out, const char *workdir);

/*
 * Ask the daemon for `workdir` what changed since `token`. Returns 1 with
 * `*changed` (NUL-separated paths, relative, a directory's ending in '/')
 * and the token to hand git in `next`; 0 with `next` set when the daemon
 * does not know `token` (look at everything); GSYM_ENOTFOUND when no
 * daemon runs (it is started: ask again next time); another negative
 * code when the daemon cannot be used here.
 */
int gsym_fsmonitor_ask(gsym_buf *next, gsym_buf *changed, const char *workdir,
	const char *token);

/*
 * core.trustctime=false while the tree holds hard-link fallbacks
 * (`hardlinks`), unless the user set it: every link made or removed to a
 * target moves the target's ctime, and `git stash create` (which a merge
 * runs) compares stat data without refreshing it, so a merge failed now
 * and then ("stash failed"). Noted as ours by symlinks.trustctime and
 * taken out with the last hard link.
 */
int gsym_trustctime_config(git_repository *repo, git_config *snapshot,
	bool hardlinks);

/* The value of core.fsmonitor that runs our hook with `binary`. */
void gsym_fsmonitor_command(gsym_buf *out, const char *binary);

/*
 * Can fallbacks be hidden through the fsmonitor here? Not when the user
 * has a monitor of their own (core.fsmonitor: a hook or git's daemon),
 * uses git's untracked cache, runs a git older than 2.42.1, or chose
 * `symlinks.hide=sparse`; there the
 * skip-worktree bit and the sparse block (sparse.h) do it instead.
 */
bool gsym_fsmonitor_usable(git_config *cfg, const gsym_index_file *f,
	const char *gitdir);

/*
 * Is the git that runs here (GIT_EXEC_PATH's, else the first on PATH)
 * 2.42.1 or later? Older git leaves the stat of an entry it trusts unset
 * in `git diff <commit>` and may call it deleted (diff-lib.c
 * check_removed). Asked with `git --version` once per git binary; the
 * answer is kept in `gitdir`/symlinks/git-version.
 */
bool gsym_git_trusts_fsmonitor(const char *gitdir);

/*
 * The version of the git that runs here (GIT_EXEC_PATH's, else the first
 * on PATH) in `v`: false when there is none or it cannot say. Kept in
 * `gitdir`/symlinks/git-version when `gitdir` is not NULL.
 */
bool gsym_git_version(unsigned int v[3], const char *gitdir);

/* Is the git that runs here at least major.minor.patch? */
bool gsym_git_version_at_least(const char *gitdir, unsigned int major,
	unsigned int minor, unsigned int patch);

/*
 * git's own monitor protocol (git 2.55 and later, Linux), which spares
 * git starting our hook at each command: our daemon serves it on the
 * socket git looks for (`sock`: the git directory's
 * fsmonitor--daemon.ipc, or fsmonitor.socketDir's or HOME's
 * .git-fsmonitor-<hash> where git counts the disk as remote), and while
 * it does, the file `include` (in XDG_RUNTIME_DIR, which must be this
 * user's alone), included by the repository's config, sets
 * core.fsmonitor=true over our hook. When the daemon ends the file goes
 * with it, and git asks the hook again, which starts the daemon: git
 * never finds `true` with nobody serving it (it would start its own
 * monitor then, which knows nothing of our fallbacks). A reboot clears
 * the runtime directory. False when there is no such directory here.
 */
bool gsym_fsmonitor_ipc_paths(gsym_buf *include, gsym_buf *sock,
	git_config *cfg, const char *workdir, const char *gitdir);

/*
 * Should the daemon serve git's protocol? Not with symlinks.fsmonitorIpc
 * or symlinks.fsmonitorDaemon false, nor for a git older than 2.55.
 */
bool gsym_fsmonitor_ipc_wanted(git_config *cfg, const char *gitdir);

/* Is the daemon wanted at all (symlinks.fsmonitorDaemon, default true)? */
bool gsym_fsmonitor_daemon_wanted(git_config *cfg);

/*
 * For the daemon of `workdir`: does the repository's config include the
 * file it should write (gsym_fsmonitor_config made it so)? Then
 * `include`, `sock` and the git directory are set. `config` is the
 * config file that would say so, whatever the answer.
 */
bool gsym_fsmonitor_ipc_configured(gsym_buf *include, gsym_buf *sock,
	gsym_buf *gitdir, gsym_buf *config, const char *workdir);

/*
 * Make core.fsmonitor run our hook (`on`) or not, in the repository's
 * own config; `snapshot` is the config read at the start of the run. A
 * value the user set is never changed.
 */
int gsym_fsmonitor_config(git_repository *repo, git_config *snapshot, bool on);

#endif
