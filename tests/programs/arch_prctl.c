// arch_prctl(2) with its codes' edge cases: unknown codes, the FS/GS base and xstate masks written
// through a pointer that is good, NULL or unreadable, ARCH_GET_CPUID without an argument, and
// xstate feature requests for known and unknown features (refused or granted alike).
#include <asm/prctl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long arch_prctl(unsigned long code, unsigned long addr) {
  return syscall(SYS_arch_prctl, code, addr);
}

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  // Two pages, the second unmapped: the address of its start is unreadable.
  char* map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return 1;
  munmap(map + page, page);
  unsigned long end = (unsigned long)(map + page);
  uint64_t value = 0;

  arch_prctl(0xffffffff, 0xfffffffe);  // unknown: ARCH_???
  arch_prctl(0, 0);
  arch_prctl(0x1005, 0xbadfaceddeadbeef);
  arch_prctl(0xdeadc0de00001003ul, 0);  // the code is 32 bits: ARCH_GET_FS, NULL

  arch_prctl(ARCH_GET_GS, (unsigned long)&value);  // [NULL]
  arch_prctl(ARCH_GET_GS, 0);                      // EFAULT
  arch_prctl(ARCH_GET_GS, end);                    // EFAULT, the address
  arch_prctl(ARCH_SET_GS, 0);
  arch_prctl(ARCH_GET_FS, (unsigned long)&value);  // [0x...]
  arch_prctl(ARCH_GET_CPUID, 0xdeadc0de);          // no argument shown
  arch_prctl(ARCH_SET_CPUID, 1);

  arch_prctl(ARCH_GET_XCOMP_SUPP, (unsigned long)&value);
  arch_prctl(ARCH_GET_XCOMP_SUPP, 0);
  arch_prctl(ARCH_GET_XCOMP_PERM, (unsigned long)&value);
  arch_prctl(ARCH_GET_XCOMP_PERM, end);
  arch_prctl(ARCH_GET_XCOMP_GUEST_PERM, (unsigned long)&value);
  arch_prctl(ARCH_REQ_XCOMP_PERM, 0);   // XFEATURE_FP
  arch_prctl(ARCH_REQ_XCOMP_PERM, 8);   // XFEATURE_PT_UNIMPLEMENTED_SO_FAR
  arch_prctl(ARCH_REQ_XCOMP_PERM, 11);  // XFEATURE_???
  arch_prctl(ARCH_REQ_XCOMP_PERM, 0xdeadface);
  arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM, 15);  // XFEATURE_LBR
  return 0;
}
