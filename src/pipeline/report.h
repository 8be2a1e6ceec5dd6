/*
 * Report: what a run found and did, as text, porcelain lines or JSON.
 */
#ifndef INCLUDE_pipeline_report_h__
#define INCLUDE_pipeline_report_h__

#include "pipeline/entry.h"
#include "pipeline/plan.h"

typedef enum {
	GSYM_REPORT_TEXT = 0,
	GSYM_REPORT_PORCELAIN,
	GSYM_REPORT_JSON
} gsym_report_format;

typedef struct {
	gsym_report_format format;
	gsym_mode mode;
	bool dry_run;
	bool quiet;
	bool verbose;
} gsym_report_opts;

/*
 * Write the report of the selected `entries`: the main output to `out`
 * and, for text, warnings about entries left alone to `err`. Returns how
 * many entries were left alone (what makes the exit code 1): for reset,
 * the modified, unsafe and failed ones; else every one not in its best
 * state, except, in a dry run, those a real run would fix.
 */
size_t gsym_report(gsym_buf *out, gsym_buf *err, const gsym_entries *entries,
	const gsym_report_opts *opts);

#endif
