/*
 * The fsmonitor daemon: one process per working tree that watches every
 * directory of it (not .git) and tells our fsmonitor hook which paths
 * changed since a token it handed out, so that git, and the hook, look
 * at those paths only, as with git's own fsmonitor daemon. The hook
 * starts it when none answers; it ends when its tree goes away, when it
 * is asked to, or after IDLE minutes without a question.
 *
 * Tokens are "gsymd:<instance>:<sequence>". A token of another instance
 * (a daemon that ended, events that overflowed) or one too old is
 * answered "NEW": the asker must look at everything itself, and may
 * trust the new token from then on.
 */
#ifndef INCLUDE_workflow_fsmonitor_daemon_h__
#define INCLUDE_workflow_fsmonitor_daemon_h__

/* Minutes without a question after which the daemon ends. */
#define GSYM_FSMONITOR_IDLE_MINUTES 10

/* Serve `workdir` until it goes away or nobody asks for a while. */
int gsym_fsmonitor_daemon(const char *workdir);

#endif
