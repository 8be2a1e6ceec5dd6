/*
 * A gsym_view over tables, for testing resolution and the planner with
 * no disk and no repository.
 */
#ifndef INCLUDE_tests_unit_fake_view_h__
#define INCLUDE_tests_unit_fake_view_h__

#include "pipeline/view.h"

typedef struct {
	const char *path;
	gsym_node_type type; /* from the index, or the disk when !tracked */
	const char *target; /* for links */
	bool untracked;
	const char *attr; /* the symlink gitattribute, or NULL */
} fake_node;

typedef struct {
	const char *path;
	gsym_ftype type;
	const char *content; /* file content or link text */
	gsym_stat st; /* type and size filled from the above */
	unsigned char hash[20];
} fake_disk;

typedef struct {
	fake_node *nodes;
	size_t nnodes;
	fake_disk *disk;
	size_t ndisk;
	int lookups; /* calls made, to check what was (not) looked at */
	int reads;
	int lstats;
} fake_world;

/* Build a view over `world`. */
void fake_view_init(gsym_view *view, fake_world *world);

/* Hash the fake uses for a file with `content`, or a directory `path`. */
void fake_hash(unsigned char *out, const char *text);

#endif
