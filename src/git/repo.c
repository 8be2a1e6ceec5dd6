#include "git/repo.h"
#include "util/alloc.h"

#include <git2/sys/repository.h>
#include "util/error.h"
#include "util/buf.h"
#include "pipeline/copy.h"
#include "git/index_file.h"
#include "git/fsmonitor.h"
#include "pipeline/validate.h"
#include "platform/platform.h"
#include "platform/portable.h"
#include "util/sha1.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gsym_repo_git_error(const char *what)
{
	const git_error *e = git_error_last();

	return gsym_error_set("%s: %s", what,
		e && e->message ? e->message : "unknown libgit2 error");
}

static char *with_slash(const char *path)
{
	gsym_buf b = GSYM_BUF_INIT;

	gsym_buf_puts(&b, path);
	if (!b.size || b.ptr[b.size - 1] != '/')
		gsym_buf_putc(&b, '/');
	return gsym_buf_detach(&b);
}

/* The current directory relative to the top of the working tree. */
static char *compute_prefix(const char *workdir)
{
	gsym_buf cwd = GSYM_BUF_INIT, wd = GSYM_BUF_INIT, b = GSYM_BUF_INIT;

	if (gsym_platform_realpath(&cwd, ".") == 0 &&
		gsym_platform_realpath(&wd, workdir) == 0) {
		while (wd.size > 1 && wd.ptr[wd.size - 1] == '/')
			gsym_buf_truncate(&wd, wd.size - 1);
		if (cwd.size > wd.size &&
			gsym_platform_same_path(cwd.ptr, wd.ptr, wd.size) &&
			cwd.ptr[wd.size] == '/') {
			gsym_buf_puts(&b, cwd.ptr + wd.size + 1);
			gsym_buf_putc(&b, '/');
		}
	}
	gsym_error_clear();
	gsym_buf_dispose(&cwd);
	gsym_buf_dispose(&wd);
	return gsym_buf_detach(&b);
}

static char *index_path_of(gsym_repo *repo)
{
	const char *env = getenv("GIT_INDEX_FILE");
	gsym_buf b = GSYM_BUF_INIT;

	if (env && *env)
		gsym_buf_puts(&b, env);
	else
		gsym_buf_printf(&b, "%sindex", repo->gitdir);
	return gsym_buf_detach(&b);
}

/* Say why libgit2 could not read the index, and what to do. */
static int index_error(gsym_repo *repo)
{
	const char *ext = repo->file.extension;
	gsym_buf why = GSYM_BUF_INIT;
	int error;

	if (!strcmp(ext, "link"))
		error = gsym_error_set("the index is split (core.splitIndex), "
				       "which git-symlinks cannot read; "
				       "run 'git config core.splitIndex "
				       "false' and 'git update-index "
				       "--no-split-index'");
	else if (!strcmp(ext, "sdir"))
		error = gsym_error_set("the index is sparse (index.sparse), "
				       "which git-symlinks cannot read; run "
				       "'git sparse-checkout init "
				       "--no-sparse-index'");
	/* name the entry, when a refused path is what broke it */
	else if (gsym_index_file_explain(&why, &repo->file,
			 GSYM_VALIDATE_ANY_ENTRY) == 1)
		error = gsym_error_set("%s; nothing was changed (drop it with "
				       "'git rm --cached')",
			why.ptr);
	else
		error = gsym_repo_git_error("could not read the index");
	gsym_buf_dispose(&why);
	return error;
}

/*
 * Read the index file ourselves; where libgit2 might judge it otherwise
 * (a path git refuses, a file this reader does not take), let libgit2
 * read it too, now, so its verdict comes before anything is changed.
 */
static int read_index(gsym_repo *repo)
{
	git_index *index;
	gsym_stat st;
	int error = gsym_index_file_read(&repo->file, repo->index_path);

	if (error == 0 && gsym_platform_lstat(&st, repo->index_path) == 0)
		repo->index_mtime = st.mtime_sec;
	if (error == GSYM_ENOTFOUND) { /* no index yet: no entries */
		repo->file_missing = true;
		error = 0;
	} else if (error == 0 &&
		gsym_index_file_explain(NULL, &repo->file,
			GSYM_VALIDATE_ANY_ENTRY))
		error = gsym_repo_index(&index, repo);
	else if (error < 0) {
		gsym_buf why = GSYM_BUF_INIT;

		gsym_buf_puts(&why, gsym_error_last());
		error = gsym_repo_index(&index, repo);
		if (error == 0) /* libgit2 takes what this reader does not */
			error = gsym_error_set(
				"unsupported index file '%s' "
				"(%s); rewrite it with 'git "
				"update-index --index-version 3'",
				repo->index_path, why.ptr);
		gsym_buf_dispose(&why);
	}
	if (!error)
		gsym_error_clear();
	return error;
}

/* Where the new index is written before it replaces the old one. */
static void new_index_path(gsym_buf *out, const gsym_repo *repo)
{
	gsym_buf_printf(out, "%s" GSYM_TMP_TAG "new", repo->index_path);
}

/*
 * Remove what a killed or failed write left beside the index (names of
 * ours); the message of a failure it follows stays.
 */
static void remove_new_index(const gsym_repo *repo)
{
	gsym_buf path = GSYM_BUF_INIT;

	new_index_path(&path, repo);
	gsym_copy_discard(path.ptr);
	gsym_buf_puts(&path, ".lock");
	gsym_copy_discard(path.ptr);
	gsym_buf_dispose(&path);
}

/*
 * The copy carries the index's own mtime: libgit2 takes an entry whose
 * mtime is not older than that as racily clean and, on writing, checks
 * its content and smudges it when it changed. A fresh mtime would hide
 * a file edited in the same tick as its entry was stamped, and git would
 * then call it clean for good. (Our lock keeps git from writing the index
 * since we read it, so its mtime now is the one of the bytes we hold.)
 */
static int keep_index_time(gsym_repo *repo, const char *copy)
{
	gsym_stat st;
	int error = gsym_platform_lstat(&st, repo->index_path);

	if (!error)
		error = gsym_platform_set_mtime(copy, st.mtime_sec,
			st.mtime_nsec);
	return error;
}

/* A path to be made fsmonitor-valid or dirty when the index is written. */
struct gsym_fsmn_mark {
	char *path;
	bool valid;
};

bool gsym_repo_fsmn_mark(gsym_repo *repo, const char *path, bool valid)
{
	ptrdiff_t pos = gsym_index_file_find(&repo->file, path);
	struct gsym_fsmn_mark *m;

	repo->fsmn_marks = gsym_array_grow(repo->fsmn_marks,
		&repo->capfsmn_marks, repo->nfsmn_marks + 1, sizeof(*m));
	m = &repo->fsmn_marks[repo->nfsmn_marks++];
	m->path = gsym_strdup(path);
	m->valid = valid;
	if (pos < 0)
		return true;
	if (repo->file.v[pos].fsmn_valid == valid)
		return false;
	repo->file.v[pos].fsmn_valid = valid; /* what later steps read */
	return true;
}

/*
 * An index's trailing checksum: the SHA-1 of the `n` slices, put in `sum`
 * and appended to them as the last slice. Returns the new count.
 */
static size_t seal(gsym_slice *v, size_t n, unsigned char *sum)
{
	gsym_sha1 c;
	size_t i;

	gsym_sha1_init(&c);
	for (i = 0; i < n; i++)
		gsym_sha1_update(&c, v[i].data, v[i].len);
	gsym_sha1_final(sum, &c);
	v[n].data = sum;
	v[n].len = 20;
	return n + 1;
}

/*
 * The fsmonitor extension for the index `f` about to be written. With
 * `same_entries` (the bytes read, patched), git's own bitmap is kept and
 * the marks applied by position; else (libgit2 wrote the entries anew)
 * every entry is dirty but the link entries valid in the index read
 * (`was`), and the marks. Nothing when neither index has one nor marks.
 */
static bool build_fsmn(gsym_buf *out, const gsym_repo *repo,
	const gsym_index_file *f, bool same_entries)
{
	const gsym_index_file *was = &repo->file;
	gsym_fsmn m;
	size_t i;

	if (!was->fsmn && !repo->nfsmn_marks)
		return false;
	if (!same_entries || !was->fsmn ||
		gsym_fsmn_parse(&m, was->fsmn + 8, was->fsmn_size - 8, f->n) <
			0) {
		gsym_error_clear();
		gsym_fsmn_init(&m, f->n, "0");
		for (i = 0; i < f->n; i++) {
			ptrdiff_t at;

			if (!gsym_mode_is(gsym_index_item_mode(&f->v[i]),
				    GIT_FILEMODE_LINK) ||
				(at = same_entries ? (ptrdiff_t)i :
						     gsym_index_file_find(was,
							     f->v[i].path)) < 0)
				continue;
			if (was->v[at].fsmn_valid)
				gsym_fsmn_set(&m, i, false);
		}
	}
	for (i = 0; i < repo->nfsmn_marks; i++) {
		ptrdiff_t at =
			gsym_index_file_find(f, repo->fsmn_marks[i].path);

		if (at >= 0)
			gsym_fsmn_set(&m, (size_t)at,
				!repo->fsmn_marks[i].valid);
	}
	gsym_fsmn_write(out, &m);
	gsym_fsmn_dispose(&m);
	return true;
}

/* An entry changed in place: its first 64 bytes (stat, id, flags). */
struct gsym_index_patch {
	size_t off;
	unsigned char bytes[64];
};

/*
 * The index's bytes with the patches, as slices, and their checksum; its
 * fsmonitor extension replaced by `fsmn` when not empty.
 */
static gsym_slice *patched_slices(size_t *n, unsigned char *sum,
	const gsym_repo *repo, const gsym_buf *fsmn)
{
	const gsym_index_file *f = &repo->file;
	gsym_slice *v = gsym_calloc(2 * repo->npatches + 4, sizeof(*v));
	size_t i, at = 0, k = 0, end = f->size - 20;

	for (i = 0; i < repo->npatches; i++) {
		const struct gsym_index_patch *p = &repo->patches[i];

		v[k].data = f->data + at;
		v[k++].len = p->off - at;
		v[k].data = p->bytes;
		v[k++].len = sizeof(p->bytes);
		at = p->off + sizeof(p->bytes);
	}
	if (fsmn->size && f->fsmn) {
		/* the extensions before git's fsmonitor one, then after */
		size_t off = (size_t)(f->fsmn - f->data);

		v[k].data = f->data + at;
		v[k++].len = off - at;
		at = off + f->fsmn_size;
	}
	v[k].data = f->data + at;
	v[k++].len = end - at;
	if (fsmn->size) {
		v[k].data = fsmn->ptr;
		v[k++].len = fsmn->size;
	}
	*n = seal(v, k, sum);
	return v;
}

/*
 * Write the index as read, with the patches, to `path` (a new file); its
 * checksum and link entries noted as written (a walk in memory, where
 * reading it back would cost a read of the whole file).
 */
static int write_patched(gsym_repo *repo, const char *path)
{
	gsym_buf fsmn = GSYM_BUF_INIT;
	size_t n;
	gsym_slice *v;
	int error;

	build_fsmn(&fsmn, repo, &repo->file, true);
	v = patched_slices(&n, repo->written_sum, repo, &fsmn);
	error = gsym_platform_write_slices(path, v, n);
	if (!error &&
		gsym_index_file_walk_links_of(&repo->written_links, v, n) < 0)
		gsym_error_clear(); /* read back when asked */
	else if (!error)
		repo->written_known = true;
	free(v);
	gsym_buf_dispose(&fsmn);
	return error;
}

/*
 * libgit2 drops the fsmonitor extension it does not know: add it to the
 * index libgit2 wrote at `path`, so git keeps trusting our fallbacks.
 */
static int add_fsmn(const gsym_repo *repo, const char *path)
{
	gsym_index_file f;
	gsym_buf fsmn = GSYM_BUF_INIT, tmp = GSYM_BUF_INIT;
	gsym_slice v[4];
	unsigned char sum[20];
	size_t n = 0, end;
	int error;

	if (!repo->file.fsmn && !repo->nfsmn_marks)
		return 0;
	if ((error = gsym_index_file_read(&f, path)) < 0)
		return error;
	if (!build_fsmn(&fsmn, repo, &f, false))
		goto done;
	end = f.size - 20;
	if (f.fsmn) {
		v[n].data = f.data;
		v[n++].len = (size_t)(f.fsmn - f.data);
		v[n].data = f.fsmn + f.fsmn_size;
		v[n++].len = (size_t)(f.data + end - (f.fsmn + f.fsmn_size));
	} else {
		v[n].data = f.data;
		v[n++].len = end;
	}
	v[n].data = fsmn.ptr;
	v[n++].len = fsmn.size;
	n = seal(v, n, sum);
	gsym_buf_printf(&tmp, "%s.fsmn", path);
	gsym_copy_discard(tmp.ptr);
	if ((error = gsym_platform_write_slices(tmp.ptr, v, n)) < 0 ||
		(error = gsym_platform_rename(tmp.ptr, path)) < 0)
		gsym_copy_discard(tmp.ptr);
done:
	gsym_index_file_dispose(&f);
	gsym_buf_dispose(&fsmn);
	gsym_buf_dispose(&tmp);
	return error;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* The patch of the entry at `off`, made (from the bytes read) if new. */
static struct gsym_index_patch *patch_at(gsym_repo *repo, size_t off)
{
	struct gsym_index_patch *p;
	size_t lo = 0, hi = repo->npatches;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (repo->patches[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < repo->npatches && repo->patches[lo].off == off)
		return &repo->patches[lo];
	repo->patches = gsym_array_grow(repo->patches, &repo->cappatches,
		repo->npatches + 1, sizeof(*p));
	p = &repo->patches[lo];
	memmove(p + 1, p, (repo->npatches - lo) * sizeof(*p));
	repo->npatches++;
	p->off = off;
	memcpy(p->bytes, repo->file.data + off, sizeof(p->bytes));
	return p;
}

int gsym_repo_patch(gsym_repo *repo, const char *path, const gsym_stat *st,
	int hide, bool fsmn, bool *changed)
{
	const gsym_index_item *item;
	unsigned char *p, before[64];
	ptrdiff_t pos;
	uint16_t flags, ext;
	int skip = fsmn && hide >= 0 ? 0 : hide;

	if (repo->index || !repo->lock_path || !repo->file.data ||
		(pos = gsym_index_file_find(&repo->file, path)) < 0)
		return GSYM_EUNSUPPORTED;
	item = &repo->file.v[pos];
	flags = (uint16_t)(item->raw[60] << 8 | item->raw[61]);
	ext = item->ext_flags;
	if (skip >= 0 && !(flags & 0x4000) &&
		(bool)skip != ((ext & GSYM_INDEX_SKIP_WORKTREE) != 0))
		return GSYM_EUNSUPPORTED; /* the bit needs extended flags */
	if (fsmn && hide >= 0 && gsym_repo_fsmn_mark(repo, path, hide == 1))
		*changed = true;
	p = patch_at(repo, (size_t)(item->raw - repo->file.data))->bytes;
	memcpy(before, p, sizeof(before));
	if (st) {
		put32(p, (uint32_t)st->ctime_sec);
		put32(p + 4, st->ctime_nsec);
		put32(p + 8, (uint32_t)st->mtime_sec);
		put32(p + 12, st->mtime_nsec);
		put32(p + 16, (uint32_t)st->dev);
		put32(p + 20, (uint32_t)st->ino);
		put32(p + 28, st->uid);
		put32(p + 32, st->gid);
		put32(p + 36, (uint32_t)st->size);
	}
	if (skip >= 0 && (flags & 0x4000)) {
		ext = (uint16_t)(skip ? ext | GSYM_INDEX_SKIP_WORKTREE :
					ext & ~GSYM_INDEX_SKIP_WORKTREE);
		p[62] = (unsigned char)(ext >> 8);
		p[63] = (unsigned char)ext;
		/* what later steps of the run read of the index */
		repo->file.v[pos].ext_flags = ext;
	}
	if (memcmp(before, p, sizeof(before)))
		*changed = true;
	return 0;
}

int64_t gsym_repo_stamp_limit(const gsym_repo *repo)
{
	return repo->index_mtime;
}

/*
 * libgit2 reads (and later writes) a private copy of the index beside it,
 * made from the bytes already read: git_index_write on the index itself
 * would take `index.lock`, and a kill while it wrote would leave a lock
 * nobody can prove stale. The copy is renamed over the index while our
 * marked lock is held, so a kill at any point leaves only what the next
 * run recognises as its own. It keeps git's cache-tree as libgit2 keeps
 * it. Without our lock (a read-only run) libgit2 reads the index itself.
 */
int gsym_repo_index(git_index **out, gsym_repo *repo)
{
	gsym_buf path = GSYM_BUF_INIT;
	int error = 0;

	if (repo->index)
		goto done;
	if (!repo->lock_path || (!repo->file.data && !repo->file_missing)) {
		/* the index itself (not one libgit2 was given for its look) */
		if (git_index_open(&repo->index, repo->index_path) < 0)
			error = index_error(repo);
		else
			git_repository_set_index(repo->repo, repo->index);
		goto done;
	}
	remove_new_index(repo);
	new_index_path(&path, repo);
	if (repo->file.size && (error = write_patched(repo, path.ptr)) == 0)
		error = keep_index_time(repo, path.ptr);
	if (!error && git_index_open(&repo->index, path.ptr) < 0)
		error = index_error(repo);
	if (error < 0) {
		remove_new_index(repo);
		goto done;
	}
	repo->private_index = true;
	/* attributes read from the index see this copy, not another load */
	git_repository_set_index(repo->repo, repo->index);
done:
	gsym_buf_dispose(&path);
	if (!error)
		*out = repo->index;
	return error;
}

/* The environment variable `name`, taken out for a while (NULL: unset). */
static char *env_take(const char *name)
{
	char *v = getenv(name);

	if (!v)
		return NULL;
	v = gsym_strdup(v);
	gsym_platform_setenv(name, NULL);
	return v;
}

int gsym_repo_open_paths(gsym_repo *out)
{
	char *work_tree, *index_file;
	int error;

	memset(out, 0, sizeof(*out));
	/*
	 * libgit2 1.5 refuses GIT_WORK_TREE (applied after opening), and
	 * reads GIT_INDEX_FILE's whole index on opening (handed over only
	 * where asked: gsym_repo_index, gsym_repo_attach_index)
	 */
	work_tree = env_take("GIT_WORK_TREE");
	index_file = env_take("GIT_INDEX_FILE");
	out->env_index = index_file && *index_file;
	error = git_repository_open_ext(&out->repo, NULL,
		GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (index_file) {
		gsym_platform_setenv("GIT_INDEX_FILE", index_file);
		free(index_file);
	}
	if (work_tree) {
		gsym_platform_setenv("GIT_WORK_TREE", work_tree);
		if (!error &&
			git_repository_set_workdir(out->repo, work_tree, 0) < 0)
			error = -1;
		free(work_tree);
	}
	if (error == GIT_ENOTFOUND && !getenv("GIT_DIR"))
		return gsym_error_set("not a git repository (or any of the "
				      "parent directories); run it inside a "
				      "working tree or use -C <dir>");
	if (error < 0)
		return gsym_repo_git_error("could not open the repository");
	if (git_repository_is_bare(out->repo) ||
		!git_repository_workdir(out->repo))
		return gsym_error_set("this operation must be run in a work "
				      "tree ('%s' is bare)",
			git_repository_path(out->repo));
	out->workdir = with_slash(git_repository_workdir(out->repo));
	out->gitdir = with_slash(git_repository_path(out->repo));
	out->commondir = with_slash(git_repository_commondir(out->repo));
	out->prefix = compute_prefix(out->workdir);
	out->index_path = index_path_of(out);
	return 0;
}

int gsym_repo_open(gsym_repo *out, bool lock)
{
	int error;

	if ((error = gsym_repo_open_paths(out)) < 0)
		return error;
	/* lock first: what we decide on is what we write back */
	if (lock && (error = gsym_repo_lock(out)) < 0)
		return error;
	if (lock)
		remove_new_index(out); /* a killed run's, if any */
	return gsym_repo_read(out);
}

/*
 * What reading the index and the state will allocate, at most: the
 * index's entries, the link entries, the state's records, and the
 * buffers of writing them back.
 */
static void reserve_heap(const gsym_repo *repo)
{
	gsym_buf state = GSYM_BUF_INIT;
	gsym_stat st;
	size_t bytes = (size_t)2 << 20;

	if (gsym_platform_lstat(&st, repo->index_path) == 0)
		bytes += (size_t)st.size;
	gsym_buf_printf(&state, "%ssymlinks/state", repo->gitdir);
	if (gsym_platform_lstat(&st, state.ptr) == 0)
		bytes += 3 * (size_t)st.size;
	gsym_buf_dispose(&state);
	gsym_error_clear();
	gsym_platform_heap_reserve(bytes);
}

int gsym_repo_read(gsym_repo *repo)
{
	int error;

	reserve_heap(repo);

	if ((error = read_index(repo)) < 0)
		return error;
	if ((error = git_repository_odb(&repo->odb, repo->repo)) < 0)
		return gsym_repo_git_error(
			"could not open the object database");
	return 0;
}

#define LOCK_MARK "git-symlinks lock pid="

/*
 * The pid of a lock this tool wrote (it names us and a pid) whose process
 * is gone: left by a killed run, so provably safe to remove; else 0. Git's
 * own locks never hold this text.
 */
static long stale_own_lock(const char *path)
{
	gsym_buf content = GSYM_BUF_INIT;
	long pid = 0;

	if (gsym_platform_read_file(&content, path, 256) == 0 &&
		content.size > strlen(LOCK_MARK) &&
		!strncmp(content.ptr, LOCK_MARK, strlen(LOCK_MARK)))
		pid = strtol(content.ptr + strlen(LOCK_MARK), NULL, 10);
	gsym_buf_dispose(&content);
	return pid > 0 && !gsym_platform_process_alive(pid) ? pid : 0;
}

int gsym_repo_lock(gsym_repo *repo)
{
	gsym_buf b = GSYM_BUF_INIT, mark = GSYM_BUF_INIT;
	long dead;
	int error;

	gsym_buf_printf(&b, "%s.lock", repo->index_path);
	gsym_buf_printf(&mark, LOCK_MARK "%ld\n", gsym_platform_pid());
	error = gsym_lock_with_mark(b.ptr, mark.ptr);
	if (error == GSYM_ELOCKED && (dead = stale_own_lock(b.ptr))) {
		gsym_warn("removed '%s' left by a killed run", b.ptr);
		gsym_platform_remove(b.ptr);
		gsym_lock_forget_mark(b.ptr, dead);
		error = gsym_lock_with_mark(b.ptr, mark.ptr);
	}
	gsym_buf_dispose(&mark);
	if (error < 0) {
		gsym_buf_dispose(&b);
		return error;
	}
	repo->lock_path = gsym_buf_detach(&b);
	return 0;
}

void gsym_repo_unlock(gsym_repo *repo)
{
	if (repo->lock_path) {
		gsym_platform_remove(repo->lock_path);
		free(repo->lock_path);
		repo->lock_path = NULL;
	}
}

int gsym_repo_write_index(gsym_repo *repo)
{
	gsym_buf path = GSYM_BUF_INIT;
	int error = 0;

	repo->written_known = false;

	if (!repo->index && (repo->npatches || repo->nfsmn_marks)) {
		/*
		 * The bytes read with the patches, under a temporary name with
		 * the index's own mtime (its racy entries stay racy: nothing
		 * was read from them), renamed over the index under our lock.
		 */
		new_index_path(&path, repo);
		gsym_copy_discard(path.ptr);
		if ((error = write_patched(repo, path.ptr)) < 0 ||
			(error = keep_index_time(repo, path.ptr)) < 0 ||
			(error = gsym_platform_rename(path.ptr,
				 repo->index_path)) < 0) {
			repo->written_known = false;
			remove_new_index(repo);
		}
		goto done;
	}
	if (!repo->index)
		goto done;
	if (!repo->private_index) {
		/* not ours to write: the lock was never taken */
		error = gsym_error_set("the index was opened read-only");
		goto done;
	}
	/* libgit2 replaces our copy (through its `.lock` beside it)... */
	if (git_index_write(repo->index) < 0) {
		error = gsym_repo_git_error("could not write the index");
		remove_new_index(repo);
		goto done;
	}
	/* ...and the copy replaces the index while our lock is held */
	new_index_path(&path, repo);
	if ((error = add_fsmn(repo, path.ptr)) < 0 ||
		(error = gsym_platform_rename(path.ptr, repo->index_path)) < 0)
		remove_new_index(repo);
done:
	gsym_buf_dispose(&path);
	gsym_repo_unlock(repo);
	return error;
}

void gsym_repo_close(gsym_repo *repo)
{
	size_t i;

	if (repo->private_index && repo->lock_path)
		remove_new_index(repo); /* read, never written */
	gsym_repo_unlock(repo);
	git_odb_free(repo->odb);
	git_index_free(repo->index);
	free(repo->patches);
	for (i = 0; i < repo->nfsmn_marks; i++)
		free(repo->fsmn_marks[i].path);
	free(repo->fsmn_marks);
	gsym_index_file_dispose(&repo->file);
	git_repository_free(repo->repo);
	free(repo->workdir);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo->index_path);
	free(repo->prefix);
	memset(repo, 0, sizeof(*repo));
}

static bool is_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * What stands for the checksum of an index git wrote without one
 * (index.skipHash, which feature.manyFiles sets from git 2.40 on: the
 * last 20 bytes zero, the same for every index): its file's stat, which
 * every write changes (git and we write a new file and rename it over).
 */
static int stat_checksum(unsigned char sum[20], const char *path)
{
	gsym_stat st;
	gsym_sha1 c;
	int error;

	if ((error = gsym_platform_lstat(&st, path)) < 0)
		return error;
	gsym_sha1_init(&c);
	gsym_sha1_update(&c, "skipHash", 8);
	gsym_sha1_update(&c, &st.size, sizeof(st.size));
	gsym_sha1_update(&c, &st.ino, sizeof(st.ino));
	gsym_sha1_update(&c, &st.mtime_sec, sizeof(st.mtime_sec));
	gsym_sha1_update(&c, &st.mtime_nsec, sizeof(st.mtime_nsec));
	gsym_sha1_update(&c, &st.ctime_sec, sizeof(st.ctime_sec));
	gsym_sha1_update(&c, &st.ctime_nsec, sizeof(st.ctime_nsec));
	gsym_sha1_final(sum, &c);
	return 0;
}

int gsym_repo_index_checksum(char out[41], const gsym_repo *repo)
{
	unsigned char sum[20];
	size_t i;
	int error = 0;

	if (repo->written_known) /* as this run wrote it */
		memcpy(sum, repo->written_sum, sizeof(sum));
	else
		error = gsym_index_file_checksum(sum, repo->index_path);

	if (!error && is_zero(sum, sizeof(sum)))
		error = stat_checksum(sum, repo->index_path);
	for (i = 0; !error && i < sizeof(sum); i++)
		snprintf(out + 2 * i, 3, "%02x", sum[i]);
	return error;
}

/*
 * libgit2 1.5 refuses an index without a checksum (index.skipHash: "the
 * calculated checksum does not match"). For its own look into the index
 * (gitattributes) it gets one in memory, of our index's .gitattributes.
 */
static int attach_attributes(gsym_repo *repo)
{
	git_index *index;
	size_t i;
	int error = 0;

	if (git_index_new(&index) < 0)
		return gsym_repo_git_error("could not make an index");
	for (i = 0; i < repo->file.n && !error; i++) {
		const gsym_index_item *item = &repo->file.v[i];
		const char *base = strrchr(item->path, '/');
		git_index_entry e;

		if (strcmp(base ? base + 1 : item->path, ".gitattributes") ||
			gsym_index_item_stage(item))
			continue;
		memset(&e, 0, sizeof(e));
		e.mode = gsym_index_item_mode(item);
		memcpy(e.id.id, gsym_index_item_id(item), GSYM_OID_RAWSZ);
		e.path = item->path;
		if (git_index_add(index, &e) < 0)
			error = gsym_repo_git_error("could not make an index");
	}
	if (!error)
		git_repository_set_index(repo->repo, index);
	git_index_free(index); /* the repository holds it */
	return error;
}

int gsym_repo_attach_index(gsym_repo *repo)
{
	git_index *index;
	int error = 0;

	if (repo->index || repo->index_attached)
		return 0;
	if (repo->file.data && repo->file.size >= 12 + 20 &&
		is_zero(repo->file.data + repo->file.size - 20, 20))
		error = attach_attributes(repo);
	else if (!repo->env_index)
		return 0;
	/* read-only, for libgit2's own look: gsym_repo_index may replace it */
	else if (git_index_open(&index, repo->index_path) < 0)
		error = index_error(repo);
	else {
		git_repository_set_index(repo->repo, index);
		git_index_free(index); /* the repository holds it */
	}
	repo->index_attached = error == 0;
	return error;
}

int gsym_repo_blob(gsym_buf *out, const gsym_repo *repo,
	const unsigned char *id)
{
	git_odb_object *obj = NULL;
	git_oid oid;
	int error = 0;

	memcpy(oid.id, id, GSYM_OID_RAWSZ);
	if (git_odb_read(&obj, repo->odb, &oid) < 0 ||
		git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		error = gsym_repo_git_error("could not read a link's blob");
	} else {
		gsym_buf_clear(out);
		gsym_buf_put(out, git_odb_object_data(obj),
			git_odb_object_size(obj));
	}
	git_odb_object_free(obj);
	return error;
}
