#include "pipeline/resolve.h"
#include "pipeline/validate.h"
#include "util/util.h"

#include <string.h>

/* Drop the last component of `cur` ("a/b" -> "a", "a" -> ""). */
static void pop(gsym_buf *cur)
{
	gsym_buf_truncate(cur, gsym_path_dirlen(gsym_buf_cstr(cur)));
}

static void push(gsym_buf *cur, const char *comp, size_t len)
{
	if (cur->size)
		gsym_buf_putc(cur, '/');
	gsym_buf_put(cur, comp, len);
}

static bool is_ancestor(const char *dir, size_t dlen, const char *link_path)
{
	if (dlen == 0)
		return true;
	return !strncmp(link_path, dir, dlen) && link_path[dlen] == '/';
}

/*
 * The length of the component at `*pos` in `todo`; `*pos` moves past it
 * and its slash, `*slash` says whether one followed.
 */
static size_t next_comp(const gsym_buf *todo, size_t *pos, bool *slash)
{
	const char *comp = todo->ptr + *pos;
	size_t clen = 0;

	while (*pos + clen < todo->size && comp[clen] != '/')
		clen++;
	*pos += clen;
	*slash = *pos < todo->size;
	if (*slash)
		(*pos)++;
	return clen;
}

/*
 * The link `node` met at out->path: the walk goes on with its text, then
 * what is left of `todo` after `*pos` (`next` is scratch). False, with
 * `*type` set, when it stops there: too many links, a target that is
 * absolute, or one that is empty or holds a NUL.
 */
static bool follow(gsym_resolution *out, gsym_type *type, gsym_buf *todo,
	size_t *pos, gsym_buf *next, const gsym_node *node, bool slash)
{
	if (++out->hops > GSYM_MAX_LINK_DEPTH) {
		out->flags |= GSYM_RESOLVE_LOOP;
		*type = GSYM_TYPE_UNKNOWN;
		return false;
	}
	if (gsym_target_form_of(node->target, node->target_len) !=
		GSYM_TARGET_RELATIVE) {
		out->flags |= GSYM_RESOLVE_ABSOLUTE | GSYM_RESOLVE_OUTSIDE;
		*type = GSYM_TYPE_UNKNOWN;
		return false;
	}
	if (node->target_len == 0 ||
		memchr(node->target, '\0', node->target_len)) {
		*type = GSYM_TYPE_UNKNOWN;
		return false;
	}
	/* continue with the link's text, then what is left */
	pop(&out->path);
	gsym_buf_clear(next);
	gsym_buf_put(next, node->target, node->target_len);
	if (slash)
		gsym_buf_putc(next, '/');
	gsym_buf_put(next, todo->ptr + *pos, todo->size - *pos);
	gsym_buf_sets(todo, gsym_buf_cstr(next));
	*pos = 0;
	*type = GSYM_TYPE_DIR;
	return true;
}

int gsym_resolve(gsym_resolution *out, const gsym_view *view,
	const char *link_path, const char *target, size_t len)
{
	gsym_buf todo = GSYM_BUF_INIT, next = GSYM_BUF_INIT;
	gsym_type type = GSYM_TYPE_DIR;
	size_t pos = 0;
	int error = 0;

	out->type = GSYM_TYPE_UNKNOWN;
	out->flags = 0;
	out->hops = 0;
	gsym_buf_clear(&out->path);

	if (gsym_target_form_of(target, len) != GSYM_TARGET_RELATIVE) {
		out->flags = GSYM_RESOLVE_ABSOLUTE | GSYM_RESOLVE_OUTSIDE;
		return 0;
	}
	gsym_buf_put(&out->path, link_path, gsym_path_dirlen(link_path));
	gsym_buf_put(&todo, target, len);

	while (pos < todo.size) {
		const char *comp = todo.ptr + pos;
		bool slash;
		size_t clen = next_comp(&todo, &pos, &slash);
		gsym_node node;

		if (clen == 0 || (clen == 1 && comp[0] == '.'))
			continue;
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			if (out->path.size == 0) {
				out->flags |= GSYM_RESOLVE_OUTSIDE;
				type = GSYM_TYPE_UNKNOWN;
				goto done;
			}
			pop(&out->path);
			type = GSYM_TYPE_DIR;
			continue;
		}
		if (gsym_is_dotgit(comp, clen)) {
			out->flags |= GSYM_RESOLVE_IN_GIT;
			type = GSYM_TYPE_UNKNOWN;
			goto done;
		}

		push(&out->path, comp, clen);
		if ((error = view->lookup(&node, view, out->path.ptr)) < 0)
			goto done;

		switch (node.type) {
		case GSYM_NODE_LINK:
			if (!follow(out, &type, &todo, &pos, &next, &node,
				    slash))
				goto done;
			continue;
		case GSYM_NODE_DIR: type = GSYM_TYPE_DIR; continue;
		case GSYM_NODE_FILE:
			type = slash ? GSYM_TYPE_MISSING : GSYM_TYPE_FILE;
			if (slash)
				goto done;
			continue;
		case GSYM_NODE_OTHER: type = GSYM_TYPE_UNKNOWN; goto done;
		case GSYM_NODE_NONE:
		default: type = GSYM_TYPE_MISSING; goto done;
		}
	}

done:
	out->type = type;
	if (type == GSYM_TYPE_DIR &&
		is_ancestor(gsym_buf_cstr(&out->path), out->path.size,
			link_path))
		out->flags |= GSYM_RESOLVE_ANCESTOR;
	gsym_buf_dispose(&todo);
	gsym_buf_dispose(&next);
	return error;
}

void gsym_resolution_dispose(gsym_resolution *res)
{
	gsym_buf_dispose(&res->path);
}
