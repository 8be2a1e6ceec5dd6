#include "pipeline/validate.h"
#include "util/util.h"

#include <string.h>

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Copy a component without the code points HFS+ ignores (git's
 * is_hfs_dotgit: U+200C..U+200F, U+202A..U+202E, U+206A..U+206F,
 * U+FEFF), folded to lower case, into `out` (at most `max` bytes).
 */
static size_t fold(char *out, size_t max, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		if (i + 2 < len && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			((p[i + 2] >= 0x8c && p[i + 2] <= 0x8f) ||
				(p[i + 2] >= 0xaa && p[i + 2] <= 0xae))) {
			i += 3;
			continue;
		}
		if (i + 2 < len && p[i] == 0xe2 && p[i + 1] == 0x81 &&
			p[i + 2] >= 0xaa && p[i + 2] <= 0xaf) {
			i += 3;
			continue;
		}
		if (i + 2 < len && p[i] == 0xef && p[i + 1] == 0xbb &&
			p[i + 2] == 0xbf) {
			i += 3;
			continue;
		}
		out[n++] = lower(s[i++]);
	}
	return n;
}

/*
 * NTFS ignores trailing dots and spaces, and "name:stream" names `name`;
 * `base` matches when what follows it is only those.
 */
static bool ntfs_matches(const char *c, size_t len, const char *base)
{
	size_t blen = strlen(base), i;

	if (len < blen)
		return false;
	for (i = 0; i < blen; i++)
		if (lower(c[i]) != base[i])
			return false;
	for (; i < len; i++) {
		if (c[i] == ':')
			return true;
		if (c[i] != '.' && c[i] != ' ')
			return false;
	}
	return true;
}

bool gsym_is_dotgit(const char *comp, size_t len)
{
	char f[64];
	size_t n = fold(f, sizeof(f), comp, len);

	if (n == 4 && !memcmp(f, ".git", 4))
		return true;
	return ntfs_matches(comp, len, ".git") ||
		ntfs_matches(comp, len, "git~1");
}

bool gsym_is_dotgitmodules(const char *comp, size_t len)
{
	char f[64];
	size_t n = fold(f, sizeof(f), comp, len);

	if (n == 11 && !memcmp(f, ".gitmodules", 11))
		return true;
	return ntfs_matches(comp, len, ".gitmodules") ||
		ntfs_matches(comp, len, "gitmod~1");
}

/* CON, PRN, AUX, NUL, COM1-9, LPT1-9, CONIN$, CONOUT$, with any suffix. */
static bool is_reserved(const char *c, size_t len)
{
	static const char *names[] = { "con", "prn", "aux", "nul", "conin$",
		"conout$" };
	size_t stem = 0, i;

	while (stem < len && c[stem] != '.' && c[stem] != ':')
		stem++;
	while (stem > 0 && c[stem - 1] == ' ')
		stem--;
	for (i = 0; i < GSYM_ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]), j;

		if (stem != n)
			continue;
		for (j = 0; j < n && lower(c[j]) == names[i][j]; j++)
			;
		if (j == n)
			return true;
	}
	if (stem == 4) {
		char a = lower(c[0]), b = lower(c[1]), d = lower(c[2]);

		if (((a == 'c' && b == 'o' && d == 'm') ||
			    (a == 'l' && b == 'p' && d == 't')) &&
			c[3] >= '1' && c[3] <= '9')
			return true;
	}
	/* COM¹ COM² COM³ (superscript digits, UTF-8 c2 b9/b2/b3) */
	if (stem == 5 && (unsigned char)c[3] == 0xc2 &&
		((unsigned char)c[4] == 0xb9 || (unsigned char)c[4] == 0xb2 ||
			(unsigned char)c[4] == 0xb3)) {
		char a = lower(c[0]), b = lower(c[1]), d = lower(c[2]);

		return (a == 'c' && b == 'o' && d == 'm') ||
			(a == 'l' && b == 'p' && d == 't');
	}
	return false;
}

static const char *check_component(const char *c, size_t len, bool last,
	unsigned int flags)
{
	size_t i;

	if (len == 0)
		return "empty path component";
	if (len == 1 && c[0] == '.')
		return "'.' path component";
	if (len == 2 && c[0] == '.' && c[1] == '.')
		return "'..' path component";
	if (gsym_is_dotgit(c, len))
		return "path component is a git directory alias";
	if (last && !(flags & GSYM_VALIDATE_ANY_ENTRY) &&
		gsym_is_dotgitmodules(c, len))
		return "a link named .gitmodules is refused";
	if (!(flags & GSYM_VALIDATE_WINDOWS))
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)c[i];

		if (ch < 0x20)
			return "control character in path (Windows)";
		if (strchr("\\:<>\"|?*", ch))
			return "character not allowed on Windows in path";
	}
	if (c[len - 1] == '.' || c[len - 1] == ' ')
		return "trailing dot or space in path (Windows)";
	if (is_reserved(c, len))
		return "reserved device name in path (Windows)";
	return NULL;
}

const char *gsym_validate_path(const char *path, unsigned int flags)
{
	const char *p = path, *reason;

	if (!*path)
		return "empty path";
	if (*path == '/')
		return "absolute path";
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if ((reason = check_component(p, len, !end, flags)) != NULL)
			return reason;
		if (!end)
			return NULL;
		p = end + 1;
	}
}

gsym_target_form gsym_target_form_of(const char *t, size_t len)
{
	bool sep0 = len > 0 && (t[0] == '/' || t[0] == '\\');
	bool sep1 = len > 1 && (t[1] == '/' || t[1] == '\\');

	if (len >= 4 && t[0] == '\\' && t[1] == '?' && t[2] == '?' &&
		t[3] == '\\')
		return GSYM_TARGET_NT;
	if (len >= 4 && sep0 && sep1 && (t[2] == '?' || t[2] == '.') &&
		(t[3] == '/' || t[3] == '\\'))
		return GSYM_TARGET_NT;
	if (len >= 8 && sep0 && !strncmp(t + 1, "Device", 6) &&
		(t[7] == '\\' || t[7] == '/'))
		return GSYM_TARGET_NT;
	if (sep0 && sep1)
		return GSYM_TARGET_UNC;
	if (gsym_target_is_absolute(t, len))
		return GSYM_TARGET_ABSOLUTE;
	return GSYM_TARGET_RELATIVE;
}

const char *gsym_validate_target(const char *t, size_t len, unsigned int flags)
{
	size_t i, start = 0;

	if (len == 0)
		return "empty target";
	if (memchr(t, '\0', len))
		return "target contains a NUL byte";
	if (len > GSYM_MAX_TARGET)
		return "target is longer than 4095 bytes";
	if (!(flags & GSYM_VALIDATE_WINDOWS))
		return NULL;
	/* skip a drive prefix, plain or NT-style, before looking for ':' */
	if (len >= 2 && t[1] == ':')
		start = 2;
	else if (len >= 6 && gsym_target_form_of(t, len) == GSYM_TARGET_NT &&
		t[5] == ':')
		start = 6;
	for (i = 0; i < len; i++) {
		if ((unsigned char)t[i] < 0x20)
			return "control character in target (Windows)";
		if (i >= start && t[i] == ':')
			return "':' in target names a data stream (Windows)";
	}
	return NULL;
}
