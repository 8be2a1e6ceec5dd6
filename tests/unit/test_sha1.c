/*
 * The index checksum's SHA-1 against the standard's test vectors and
 * against git's own index files.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "util/sha1.h"

#include <git2.h>

static void hex(char *out, const unsigned char *raw)
{
	int i;

	for (i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
}

static void digest(char *out, const void *data, size_t len, size_t chunk)
{
	const unsigned char *p = data;
	unsigned char raw[20];
	gsym_sha1 c;

	gsym_sha1_init(&c);
	while (len) {
		size_t n = len < chunk ? len : chunk;

		gsym_sha1_update(&c, p, n);
		p += n;
		len -= n;
	}
	gsym_sha1_final(raw, &c);
	hex(out, raw);
}

static void test_sha1__vectors(void **state)
{
	static char million[1000000];
	char out[41];

	(void)state;
	digest(out, "", 0, 1);
	assert_string_equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", out);
	digest(out, "abc", 3, 1);
	assert_string_equal("a9993e364706816aba3e25717850c26c9cd0d89d", out);
	digest(out, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		56, 7);
	assert_string_equal("84983e441c3bd26ebaae4aa1f95129e5e54670f1", out);
	memset(million, 'a', sizeof(million));
	digest(out, million, sizeof(million), 4096);
	assert_string_equal("34aa973cd4c4daa4f61eeb2bdbad27316534016f", out);
	/* the same bytes in odd pieces */
	digest(out, million, sizeof(million), 63);
	assert_string_equal("34aa973cd4c4daa4f61eeb2bdbad27316534016f", out);
}

/* A blob id as git computes it (`git hash-object`), empty and not. */
static void test_sha1__blob_ids(void **state)
{
	unsigned char raw[20];
	char out[41];
	gsym_sha1 c;

	(void)state;
	gsym_sha1_blob_init(&c, 6);
	gsym_sha1_update(&c, "hel", 3);
	gsym_sha1_update(&c, "lo\n", 3);
	gsym_sha1_final(raw, &c);
	hex(out, raw);
	assert_string_equal("ce013625030ba8dba906f756967f9e9ca394464a", out);
	gsym_sha1_blob_init(&c, 0);
	gsym_sha1_final(raw, &c);
	hex(out, raw);
	assert_string_equal("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", out);
}

/*
 * Every length from 0 to 600 bytes of varied content against libgit2's
 * SHA-1 (whichever of our two compressions this processor takes).
 */
static void test_sha1__against_libgit2(void **state)
{
	unsigned char data[600], raw[20];
	char ours[41], theirs[41];
	git_oid id;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + (i >> 3) * 7);
	for (len = 0; len <= sizeof(data); len++) {
		gsym_sha1 c;

		gsym_sha1_blob_init(&c, len);
		gsym_sha1_update(&c, data, len);
		gsym_sha1_final(raw, &c);
		hex(ours, raw);
		assert_int_equal(0,
			git_odb_hash(&id, data, len, GIT_OBJECT_BLOB));
		git_oid_tostr(theirs, sizeof(theirs), &id);
		assert_string_equal(theirs, ours);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1__vectors),
		cmocka_unit_test(test_sha1__blob_ids),
		cmocka_unit_test(test_sha1__against_libgit2),
	};

	return cmocka_run_group_tests_name("sha1", tests, NULL, NULL);
}
