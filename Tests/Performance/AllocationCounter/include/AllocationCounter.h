// Counts heap allocations made by this process, so a benchmark can prove that a code
// path allocates nothing. Linking this target replaces malloc and friends for the whole
// executable; they forward to glibc's own implementation.
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H
#include <stdint.h>
uint64_t allocation_count(void);
#endif
