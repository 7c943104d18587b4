// adjtimex and clock_adjtime with a struct timex, run with their results injected (the kernel
// then leaves the struct as the program wrote it, so both runs print the same): modes and
// status flags, known and not, each field.
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  struct timex tx;
  memset(&tx, 0, sizeof tx);
  syscall(SYS_adjtimex, &tx);
  tx.modes = ADJ_OFFSET | ADJ_STATUS | ADJ_NANO;
  tx.offset = -12345;
  tx.freq = 678;
  tx.maxerror = 16000000;
  tx.esterror = 16000000;
  tx.status = STA_UNSYNC | STA_NANO;
  tx.constant = 2;
  tx.precision = 1;
  tx.tolerance = 32768000;
  tx.time.tv_sec = 1700000000;
  tx.time.tv_usec = 123456;
  tx.tick = 10000;
  tx.ppsfreq = -1;
  tx.jitter = 2;
  tx.shift = -3;
  tx.stabil = 4;
  tx.jitcnt = 5;
  tx.calcnt = 6;
  tx.errcnt = 7;
  tx.stbcnt = 8;
  tx.tai = 37;
  syscall(SYS_adjtimex, &tx);
  tx.modes = ADJ_OFFSET_SINGLESHOT;
  tx.status = 0x10000 | STA_PLL;
  syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
  tx.modes = ADJ_OFFSET_SS_READ;
  tx.status = 0x10000;
  syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
  tx.modes = 0x400;
  syscall(SYS_adjtimex, NULL);
  syscall(SYS_adjtimex, &tx);
  return 0;
}
