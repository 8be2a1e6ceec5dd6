/*
 * libFuzzer harness: resolution and the planner over a synthetic index.
 * The input is lines "path<TAB>target" (a link entry) or "path" (a file);
 * every link entry is resolved and planned in each mode, against a view
 * where the disk holds git's placeholders.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/plan.h"
#include "pipeline/resolve.h"
#include "fake_platform.h"
#include "fake_view.h"

#define MAX_NODES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const gsym_platform_info infos[] = {
	FAKE_POSIX_INFO("posix", "copy"),
	FAKE_WIN32_INFO("win32", "junction,copy"),
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_node nodes[MAX_NODES];
	fake_disk disk[MAX_NODES];
	char *copy, *line, *next;
	size_t n = 0, nd = 0, i;
	fake_world world;
	gsym_view view;

	if (size > 8192)
		return 0;
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = copy; line && n < MAX_NODES; line = next) {
		char *tab;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		tab = strchr(line, '\t');
		nodes[n].untracked = false;
		nodes[n].attr = (line[0] == 'D') ? "dir" : NULL;
		if (tab) {
			*tab = '\0';
			nodes[n].type = GSYM_NODE_LINK;
			nodes[n].target = tab + 1;
			memset(&disk[nd], 0, sizeof(disk[nd]));
			disk[nd].path = line;
			disk[nd].type = GSYM_FT_FILE;
			disk[nd].content = tab + 1;
			nd++;
		} else {
			nodes[n].type = GSYM_NODE_FILE;
			nodes[n].target = NULL;
		}
		nodes[n].path = line;
		n++;
	}
	world.nodes = nodes;
	world.nnodes = n;
	world.disk = disk;
	world.ndisk = nd;
	fake_view_init(&view, &world);

	for (i = 0; i < n; i++) {
		gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0,
			GSYM_BUF_INIT };
		int mode, links, plat;

		if (nodes[i].type != GSYM_NODE_LINK)
			continue;
		gsym_resolve(&res, &view, nodes[i].path, nodes[i].target,
			strlen(nodes[i].target));
		if (res.hops > GSYM_MAX_LINK_DEPTH + 1)
			abort(); /* the depth limit must hold */
		gsym_resolution_dispose(&res);

		for (mode = 0; mode < 3; mode++)
			for (links = 0; links < 2; links++)
				for (plat = 0; plat < 2; plat++) {
					gsym_plan_opts o;
					gsym_entry e;

					memset(&o, 0, sizeof(o));
					o.mode = (gsym_mode)mode;
					o.details = true;
					o.links_unsupported = links;
					o.platform = &infos[plat];
					o.validate_flags = plat;
					o.fallbacks[0] = GSYM_HOW_JUNCTION;
					o.fallbacks[1] = GSYM_HOW_HARDLINK;
					o.fallbacks[2] = GSYM_HOW_COPY;
					o.nfallbacks = 3;
					memset(&e, 0, sizeof(e));
					e.path = (char *)nodes[i].path;
					e.flags = GSYM_ENTRY_SELECTED;
					gsym_plan_entry(&e, &view, NULL, &o);
					/* a fallback only ever reaches inside */
					for (unsigned int h = 0; h < e.nhows;
						h++)
						if (e.hows[h] !=
								GSYM_HOW_SYMLINK &&
							(e.resolve_flags &
								(GSYM_RESOLVE_OUTSIDE |
									GSYM_RESOLVE_IN_GIT |
									GSYM_RESOLVE_LOOP)))
							abort();
					free(e.resolved);
					free(e.message);
				}
	}
	free(copy);
	return 0;
}
