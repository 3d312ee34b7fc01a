// Reference: xoshiro128** 1.1 by Blackman & Vigna (public domain), seeded by splitmix32-style mixing as documented in src/random/rng.ts
#include <stdint.h>
#include <stdio.h>
static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t s[4];
uint32_t next(void) {
	const uint32_t result = rotl(s[1] * 5, 7) * 9;
	const uint32_t t = s[1] << 9;
	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
	s[2] ^= t; s[3] = rotl(s[3], 11);
	return result;
}
int main(void) {
  uint32_t x = 42;
  for (int i = 0; i < 4; i++) { x += 0x9e3779b9u; uint32_t z = x; z = (z ^ (z >> 16)) * 0x85ebca6bu; z = (z ^ (z >> 13)) * 0xc2b2ae35u; s[i] = z ^ (z >> 16); }
  for (int i = 0; i < 6; i++) printf("%u, ", next());
  printf("\n");
}
