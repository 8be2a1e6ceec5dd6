/*
 * Watching directories on Linux: one inotify descriptor, one watch per
 * directory (the kernel keeps the list; we keep nothing per directory).
 * A stop asked for by SIGINT or SIGTERM wakes the wait through a pipe the
 * handler writes to, so no signal is lost between a check and poll().
 */
#define _GNU_SOURCE /* accept4, struct ucred */
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
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

/* The watcher's changes, as gsym_watch_cb takes them. */
typedef struct {
	gsym_watch_cb cb;
	void *payload;
} plain_cb;

static void plain(void *payload, int id, const char *name, bool is_dir)
{
	plain_cb *p = payload;

	(void)is_dir;
	p->cb(p->payload, id, name);
}

static int drain_changes(int fd, bool all, gsym_change_cb cb, void *payload);

/* Pass every event read so far to `cb`. */
static int drain(gsym_watcher *w, gsym_watch_cb cb, void *payload)
{
	plain_cb p = { cb, payload };

	return drain_changes(w->fd, false, plain, &p);
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

void gsym_platform_sleep_ms(unsigned int ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * The channel: a Unix socket in the abstract namespace (Linux: a name
 * that is no file, so nothing keeps a disk busy or is left behind), the
 * peer's user checked both ways (SO_PEERCRED).
 */
struct gsym_channel {
	int fd;
	int git_fd; /* git's own protocol, at git_path; -1 when not served */
	char *git_path;
	dev_t git_dev; /* the socket file bound, to remove only our own */
	ino_t git_ino;
};

static socklen_t channel_addr(struct sockaddr_un *sa, const char *name)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len > sizeof(sa->sun_path) - 1)
		len = sizeof(sa->sun_path) - 1;
	memcpy(sa->sun_path + 1, name, len); /* sun_path[0] = 0: abstract */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static bool same_user(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
		cred.uid == geteuid();
}

static void set_timeout(int fd, int ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int gsym_platform_channel_serve(gsym_channel **out, const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = channel_addr(&sa, name);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	*out = NULL;
	if (fd < 0)
		return watch_error("open", "a socket");
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 16) < 0) {
		int err = errno;

		close(fd);
		if (err == EADDRINUSE)
			return gsym_error_setc(GSYM_EEXISTS,
				"'%s' is served already", name);
		errno = err;
		return watch_error("serve", name);
	}
	*out = gsym_calloc(1, sizeof(**out));
	(*out)->fd = fd;
	(*out)->git_fd = -1;
	return 0;
}

/* A file-system socket address for `path`; false when it is too long. */
static bool path_addr(struct sockaddr_un *sa, const char *path)
{
	size_t len = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len >= sizeof(sa->sun_path))
		return false;
	memcpy(sa->sun_path, path, len);
	return true;
}

static int connect_path(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (!path_addr(&sa, path) ||
		(fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int gsym_platform_channel_serve_git(gsym_channel *ch, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, other;

	if (!path_addr(&sa, path))
		return gsym_error_setc(GSYM_EUNSUPPORTED,
			"the socket path '%s' is too long", path);
	if ((other = connect_path(path)) >= 0) {
		close(other);
		return gsym_error_setc(GSYM_EEXISTS, "'%s' is served already",
			path);
	}
	/* a socket nobody listens on any more (a monitor that was killed) */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		     0)) < 0)
		return watch_error("open", "a socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		listen(fd, 16) < 0 || lstat(path, &st) < 0) {
		int err = errno;

		close(fd);
		if (err == EADDRINUSE)
			return gsym_error_setc(GSYM_EEXISTS,
				"'%s' is served already", path);
		errno = err;
		return watch_error("serve", path);
	}
	chmod(path, 0600);
	ch->git_fd = fd;
	ch->git_path = gsym_strdup(path);
	ch->git_dev = st.st_dev;
	ch->git_ino = st.st_ino;
	return 0;
}

/* Read exactly `len` bytes; false at the end or on an error. */
static bool read_full(int fd, char *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_full(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * git's pkt-lines (gitprotocol-common): four hex digits of length, the
 * four included, then the data; "0000" (a flush) ends a message.
 */
#define PKT_MAX 65520

static bool read_packets(int fd, gsym_buf *msg)
{
	gsym_buf_clear(msg);
	for (;;) {
		char head[5], *end;
		unsigned long len;

		if (!read_full(fd, head, 4))
			return false;
		head[4] = '\0';
		len = strtoul(head, &end, 16);
		if (*end || (len && len < 4) || len > PKT_MAX)
			return false;
		if (!len)
			return true;
		len -= 4;
		if (msg->size + len > ((size_t)64 << 20))
			return false;
		gsym_buf_grow(msg, len);
		if (!read_full(fd, msg->ptr + msg->size, len))
			return false;
		msg->size += len;
		msg->ptr[msg->size] = '\0';
	}
}

static bool write_packets(int fd, const char *data, size_t len)
{
	char head[5];

	while (len) {
		size_t n = len < PKT_MAX - 4 ? len : PKT_MAX - 4;

		snprintf(head, sizeof(head), "%04zx", n + 4);
		if (!write_full(fd, head, 4) || !write_full(fd, data, n))
			return false;
		data += n;
		len -= n;
	}
	return write_full(fd, "0000", 4);
}

/*
 * Pass every change read so far to `cb`; `fd` is the watcher's. `all`:
 * a watch ended by an unmount or removed (IN_UNMOUNT, IN_IGNORED) counts
 * as its directory gone too (the daemon's root), not only IN_DELETE_SELF
 * and IN_MOVE_SELF.
 */
static int drain_changes(int fd, bool all, gsym_change_cb cb, void *payload)
{
	char buf[16384]
		__attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		char *p;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return watch_error("read changes of", "inotify");
		for (p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			bool dir = (ev->mask & IN_ISDIR) != 0;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW)
				cb(payload, -1, NULL, false);
			else if (ev->mask &
				(IN_DELETE_SELF | IN_MOVE_SELF |
					(all ? IN_UNMOUNT | IN_IGNORED : 0)))
				cb(payload, ev->wd, NULL, true);
			else if (ev->len && !(ev->mask & IN_IGNORED))
				cb(payload, ev->wd, ev->name, dir);
		}
	}
}

/* Read one request line from `fd` into `req`; false if none came. */
static bool read_request(int fd, gsym_buf *req)
{
	char c;

	gsym_buf_clear(req);
	while (req->size < 4096) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (c == '\n')
			return true;
		gsym_buf_putc(req, c);
	}
	return false;
}

int gsym_platform_channel_wait(gsym_channel *ch, gsym_watcher *w,
	int timeout_ms, gsym_change_cb cb, void *payload, gsym_buf *req,
	int *client)
{
	uint64_t end = gsym_platform_clock_ms() + (uint64_t)timeout_ms;

	*client = -1;
	while (!stop_flag) {
		struct pollfd fds[4];
		uint64_t now = gsym_platform_clock_ms();
		int n, error, fd;
		bool git;

		if (timeout_ms >= 0 && now >= end)
			return 0;
		fds[0].fd = w->fd;
		fds[0].events = POLLIN;
		fds[1].fd = ch->fd;
		fds[1].events = POLLIN;
		fds[2].fd = ch->git_fd;
		fds[2].events = POLLIN;
		fds[3].fd = stop_pipe[0];
		fds[3].events = POLLIN;
		n = poll(fds, 4, timeout_ms < 0 ? -1 : (int)(end - now));
		if (n < 0 && errno != EINTR)
			return watch_error("wait for changes of", "inotify");
		if (n <= 0)
			continue;
		if ((fds[0].revents & POLLIN) &&
			(error = drain_changes(w->fd, true, cb, payload)) < 0)
			return error;
		git = !(fds[1].revents & POLLIN);
		if (git && !(fds[2].revents & POLLIN))
			return 0; /* changes only: the caller may stop now */
		if ((fd = accept4(git ? ch->git_fd : ch->fd, NULL, NULL,
			     SOCK_CLOEXEC)) < 0)
			continue;
		fcntl(fd, F_SETFL, 0); /* blocking, with time limits */
		set_timeout(fd, 5000);
		if (!same_user(fd) ||
			!(git ? read_packets(fd, req) :
				read_request(fd, req))) {
			close(fd);
			continue;
		}
		/* what was changed before the request was sent is queued */
		if ((error = drain_changes(w->fd, true, cb, payload)) < 0) {
			close(fd);
			return error;
		}
		*client = fd;
		return git ? 2 : 1;
	}
	return 0;
}

int gsym_platform_channel_answer(int client, const char *data, size_t len)
{
	int error = write_full(client, data, len) ?
		0 :
		watch_error("answer on", "a socket");

	close(client);
	return error;
}

int gsym_platform_channel_answer_git(int client, const char *data, size_t len)
{
	int error = write_packets(client, data, len) ?
		0 :
		watch_error("answer on", "git's socket");

	close(client);
	return error;
}

void gsym_platform_channel_close_git(gsym_channel *ch)
{
	struct stat st;

	if (!ch || ch->git_fd < 0)
		return;
	/* the socket file, unless another monitor's replaced it since */
	if (lstat(ch->git_path, &st) == 0 && st.st_dev == ch->git_dev &&
		st.st_ino == ch->git_ino)
		unlink(ch->git_path);
	close(ch->git_fd);
	ch->git_fd = -1;
	free(ch->git_path);
	ch->git_path = NULL;
}

int gsym_platform_channel_ask_git(gsym_buf *answer, const char *path,
	const char *request, int timeout_ms)
{
	int fd = connect_path(path), error = 0;

	if (fd < 0)
		return gsym_error_setc(GSYM_ENOTFOUND, "nobody serves '%s'",
			path);
	set_timeout(fd, timeout_ms);
	if (!write_packets(fd, request, strlen(request)) ||
		!read_packets(fd, answer))
		error = watch_error("ask on", path);
	close(fd);
	return error;
}

void gsym_platform_channel_close(gsym_channel *ch)
{
	if (!ch)
		return;
	gsym_platform_channel_close_git(ch);
	close(ch->fd);
	free(ch);
}

int gsym_platform_channel_ask(gsym_buf *answer, const char *name,
	const char *request, int timeout_ms)
{
	struct sockaddr_un sa;
	socklen_t len = channel_addr(&sa, name);
	size_t off = 0, rlen = strlen(request);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), error = 0;

	if (fd < 0)
		return watch_error("open", "a socket");
	if (connect(fd, (struct sockaddr *)&sa, len) < 0 || !same_user(fd)) {
		close(fd);
		return gsym_error_setc(GSYM_ENOTFOUND, "nobody serves '%s'",
			name);
	}
	set_timeout(fd, timeout_ms);
	while (off < rlen + 1) {
		ssize_t n = off < rlen ? write(fd, request + off, rlen - off) :
					 write(fd, "\n", 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = watch_error("ask on", "a socket");
			goto done;
		}
		off += (size_t)n;
	}
	gsym_buf_clear(answer);
	for (;;) {
		ssize_t n;

		gsym_buf_grow(answer, 65536);
		n = read(fd, answer->ptr + answer->size, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = watch_error("read the answer on", "a socket");
			goto done;
		}
		if (!n)
			break;
		answer->size += (size_t)n;
		answer->ptr[answer->size] = '\0';
	}
done:
	close(fd);
	return error;
}

int gsym_platform_spawn_detached(const char *const *argv)
{
	pid_t pid = fork(), pid2;
	int status;

	if (pid < 0)
		return watch_error("start", argv[0]);
	if (pid == 0) {
		int fd, max;

		if (setsid() < 0 || (pid2 = fork()) < 0)
			_exit(1);
		if (pid2 > 0)
			_exit(0); /* the grandchild is nobody's child */
		fd = open("/dev/null", O_RDWR);
		if (fd < 0 || chdir("/") < 0)
			_exit(1);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		max = (int)sysconf(_SC_OPEN_MAX);
		for (fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close(fd);
		signal(SIGPIPE, SIG_IGN);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
		0 :
		gsym_error_set("could not start '%s'", argv[0]);
}
