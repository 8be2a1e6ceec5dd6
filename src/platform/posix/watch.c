/*
 * Watching directories on Linux: one inotify descriptor, one watch per
 * directory (the kernel keeps the list; we keep nothing per directory).
 * A stop asked for by SIGINT or SIGTERM wakes the wait through a pipe the
 * handler writes to, so no signal is lost between a check and poll().
 */
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

struct gsym_watcher {
	int fd;
};

static volatile sig_atomic_t stop_flag;
static int stop_pipe[2] = { -1, -1 };

#define WATCH_MASK                                                            \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE |     \
		IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | \
		IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

static int watch_error(const char *what, const char *path)
{
	int err = errno;

	if (err == ENOENT || err == ENOTDIR)
		return gsym_error_setc(GSYM_ENOTFOUND, "could not %s '%s': %s",
			what, path, strerror(err));
	return gsym_error_set("could not %s '%s': %s", what, path,
		strerror(err));
}

int gsym_platform_watch_open(gsym_watcher **out)
{
	gsym_watcher *w = gsym_calloc(1, sizeof(*w));

	*out = NULL;
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		free(w);
		return watch_error("start watching", "inotify");
	}
	*out = w;
	return 0;
}

int gsym_platform_watch_add(int *out, gsym_watcher *w, const char *dir)
{
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);

	if (wd < 0)
		return watch_error("watch", dir);
	*out = wd;
	return 0;
}

void gsym_platform_watch_remove(gsym_watcher *w, int id)
{
	inotify_rm_watch(w->fd, id);
}

/* Pass every event read so far to `cb`. */
static int drain(gsym_watcher *w, gsym_watch_cb cb, void *payload)
{
	char buf[16384]
		__attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		char *p;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return watch_error("read changes of", "inotify");
		for (p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW)
				cb(payload, -1, NULL);
			else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
				cb(payload, ev->wd, NULL);
			else if (ev->len && !(ev->mask & IN_IGNORED))
				cb(payload, ev->wd, ev->name);
		}
	}
}

int gsym_platform_watch_wait(gsym_watcher *w, int timeout_ms, gsym_watch_cb cb,
	void *payload)
{
	struct pollfd fds[2];
	int n;

	if (stop_flag)
		return 0;
	fds[0].fd = w->fd;
	fds[0].events = POLLIN;
	fds[1].fd = stop_pipe[0];
	fds[1].events = POLLIN;
	n = poll(fds, stop_pipe[0] >= 0 ? 2 : 1, timeout_ms);
	if (n < 0 && errno != EINTR)
		return watch_error("wait for changes of", "inotify");
	if (n > 0 && (fds[0].revents & POLLIN))
		return drain(w, cb, payload);
	return 0;
}

void gsym_platform_watch_close(gsym_watcher *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}

static void on_signal(int sig)
{
	int saved = errno;
	ssize_t ignored;

	(void)sig;
	stop_flag = 1;
	ignored = write(stop_pipe[1], "", 1);
	(void)ignored;
	errno = saved;
}

int gsym_platform_stop_on_signal(void)
{
	struct sigaction sa;

	if (stop_pipe[0] < 0) {
		if (pipe(stop_pipe) < 0)
			return watch_error("create", "a pipe");
		fcntl(stop_pipe[0], F_SETFD, FD_CLOEXEC);
		fcntl(stop_pipe[1], F_SETFD, FD_CLOEXEC);
		fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* a run in progress finishes its calls (FUSE ones too), then stops */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
		sigaction(SIGTERM, &sa, NULL) < 0)
		return watch_error("catch", "SIGINT");
	return 0;
}

bool gsym_platform_stop_requested(void)
{
	return stop_flag != 0;
}

uint64_t gsym_platform_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
