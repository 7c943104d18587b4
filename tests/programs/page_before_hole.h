// What the fixtures share: a page of memory followed by an unmapped one, so that an argument at
// the page's end runs into memory that neither the kernel nor the recorder can read.
#ifndef STREC_TESTS_PROGRAMS_PAGE_BEFORE_HOLE_H_
#define STREC_TESTS_PROGRAMS_PAGE_BEFORE_HOLE_H_

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

// The readable page of `page` bytes, or NULL if it could not be mapped.
static inline char* PageBeforeHole(long page) {
  char* map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return NULL;
  munmap(map + page, page);
  return map;
}

// The first unmapped address, after a readable page (the end of PageBeforeHole's page), or NULL.
static inline char* HoleAfterPage(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  return map ? map + page : NULL;
}

#endif  // STREC_TESTS_PROGRAMS_PAGE_BEFORE_HOLE_H_
