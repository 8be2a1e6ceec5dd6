#include "util/sha1.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && \
	(defined(__GNUC__) || defined(__clang__))
#define SHA1_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void compress(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			(uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5a827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
		else
			f = b ^ c ^ d, k = 0xca62c1d6;
		t = ROL(a, 5) + f + e + k + w[i];
		e = d, d = c, c = ROL(b, 30), b = a, a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

#ifdef SHA1_X86
/*
 * The same rounds with the x86 SHA extensions (four rounds an
 * instruction), where the processor has them: the index checksum of a
 * large repository is hashed at every index write.
 */
#define STEP(k, m0, m1, m2, m3, ex, ey)                      \
	do {                                                 \
		ex = _mm_sha1nexte_epu32(ex, m0);            \
		ey = abcd;                                   \
		m1 = _mm_sha1msg2_epu32(m1, m0);             \
		abcd = _mm_sha1rnds4_epu32(abcd, ex, k / 5); \
		m3 = _mm_sha1msg1_epu32(m3, m0);             \
		m2 = _mm_xor_si128(m2, m0);                  \
	} while (0)

__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_x86(uint32_t h[5], const unsigned char *p)
{
	const __m128i mask =
		_mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd, abcd0, e0, e00, e1, m0, m1, m2, m3;

	abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
	e0 = _mm_set_epi32((int)h[4], 0, 0, 0);
	abcd0 = abcd;
	e00 = e0;

	m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), mask);
	e0 = _mm_add_epi32(e0, m0);
	e1 = abcd;
	abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);

	m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), mask);
	e1 = _mm_sha1nexte_epu32(e1, m1);
	e0 = abcd;
	abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
	m0 = _mm_sha1msg1_epu32(m0, m1);

	m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), mask);
	e0 = _mm_sha1nexte_epu32(e0, m2);
	e1 = abcd;
	abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
	m1 = _mm_sha1msg1_epu32(m1, m2);
	m0 = _mm_xor_si128(m0, m2);

	m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), mask);
	STEP(3, m3, m0, m1, m2, e1, e0);
	STEP(4, m0, m1, m2, m3, e0, e1);
	STEP(5, m1, m2, m3, m0, e1, e0);
	STEP(6, m2, m3, m0, m1, e0, e1);
	STEP(7, m3, m0, m1, m2, e1, e0);
	STEP(8, m0, m1, m2, m3, e0, e1);
	STEP(9, m1, m2, m3, m0, e1, e0);
	STEP(10, m2, m3, m0, m1, e0, e1);
	STEP(11, m3, m0, m1, m2, e1, e0);
	STEP(12, m0, m1, m2, m3, e0, e1);
	STEP(13, m1, m2, m3, m0, e1, e0);
	STEP(14, m2, m3, m0, m1, e0, e1);
	STEP(15, m3, m0, m1, m2, e1, e0);
	STEP(16, m0, m1, m2, m3, e0, e1);
	STEP(17, m1, m2, m3, m0, e1, e0);
	STEP(18, m2, m3, m0, m1, e0, e1);
	STEP(19, m3, m0, m1, m2, e1, e0);

	e0 = _mm_sha1nexte_epu32(e0, e00);
	abcd = _mm_add_epi32(abcd, abcd0);
	_mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1b));
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

static bool has_sha_ext(void)
{
	static int known = -1; /* (threads may race to the same answer) */
	unsigned int a, b, c, d;
	int has = __atomic_load_n(&known, __ATOMIC_RELAXED);

	if (has < 0) {
		has = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) &&
			(c & bit_SSSE3) &&
			__get_cpuid_count(7, 0, &a, &b, &c, &d) &&
			(b & (1u << 29));
		__atomic_store_n(&known, has, __ATOMIC_RELAXED);
	}
	return has == 1;
}

static void compress_any(uint32_t h[5], const unsigned char *p)
{
	if (has_sha_ext())
		compress_x86(h, p);
	else
		compress(h, p);
}
#else
#define compress_any compress
#endif

void gsym_sha1_init(gsym_sha1 *c)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
		0x10325476, 0xc3d2e1f0 };

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->used = 0;
}

void gsym_sha1_update(gsym_sha1 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	if (c->used) {
		size_t take = 64 - c->used < len ? 64 - c->used : len;

		memcpy(c->block + c->used, p, take);
		c->used += take, p += take, len -= take;
		if (c->used < 64)
			return;
		compress_any(c->h, c->block);
		c->used = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		compress_any(c->h, p);
	memcpy(c->block, p, len);
	c->used = len;
}

void gsym_sha1_final(unsigned char out[20], gsym_sha1 *c)
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t n = (c->used < 56 ? 56 : 120) - c->used;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	gsym_sha1_update(c, pad, n + 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void gsym_sha1_blob_init(gsym_sha1 *c, uint64_t size)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "blob %llu",
		(unsigned long long)size);

	gsym_sha1_init(c);
	gsym_sha1_update(c, head, (size_t)n + 1); /* with its NUL */
}
