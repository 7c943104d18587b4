// Driver ioctls on fd -1 (every call fails with EBADF, or succeeds when the fidelity test injects
// a return value, and then strace prints what "the kernel wrote": what the program put there):
// HDIO_* (linux/hdreg.h), the terminal's winsize and modem lines, the random device and the
// watchdog, LIRC and the real-time clock. Each with NULL, an argument that runs into an unmapped
// page, and a valid one.
#include <linux/hdreg.h>
#include <linux/lirc.h>
#include <linux/random.h>
#include <linux/rtc.h>
#include <linux/watchdog.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  if (!map)
    return 1;
  char* end = map + page;
  memset(map, 0x61, page);
  for (int i = 0; i < 64; i++)
    end[-64 + i] = (char)(0x80 + i);

  // HDIO_*: legacy requests, sizes from ioctl_sizes.h.
  ioctl(-1, HDIO_GETGEO, NULL);
  ioctl(-1, HDIO_GETGEO, end - 15);
  struct hd_geometry geo = {.heads = 0xca, .sectors = 0xfe, .cylinders = 0xbabe, .start = 12345};
  ioctl(-1, HDIO_GETGEO, &geo);
  ioctl(-1, HDIO_DRIVE_CMD, NULL);
  ioctl(-1, HDIO_DRIVE_CMD, end - 3);
  unsigned char cmd[8] = {0xca, 0xff, 0xee, 0};
  ioctl(-1, HDIO_DRIVE_CMD, cmd);
  unsigned char* cmd_end = (unsigned char*)end - 4;  // sector_count 1: its data is unreadable
  memcpy(cmd_end, "\x80\x81\x82\x01", 4);
  ioctl(-1, HDIO_DRIVE_CMD, cmd_end);
  unsigned char* cmd_33 = (unsigned char*)end - 37;  // 33 readable bytes of data: enough for -s32
  memcpy(cmd_33, "\xec\x01\x02\x83", 4);
  ioctl(-1, HDIO_DRIVE_CMD, cmd_33);
  int reset[3] = {(int)0xdeadbeef, (int)0xaaaaaaaa, 3};
  ioctl(-1, HDIO_DRIVE_RESET, NULL);
  ioctl(-1, HDIO_DRIVE_RESET, end - 8);
  ioctl(-1, HDIO_SCAN_HWIF, reset);
  unsigned long val = 0xfacefeeddeadbeefUL;
  ioctl(-1, HDIO_GET_32BIT, &val);
  ioctl(-1, HDIO_GET_WCACHE, end - 4);
  ioctl(-1, HDIO_SET_DMA, 0xfacefeeddeadbeefUL);
  ioctl(-1, HDIO_GET_QDMA, 0);  // no decoder in strace either
  ioctl(-1, HDIO_OBSOLETE_IDENTITY, NULL);
  ioctl(-1, HDIO_OBSOLETE_IDENTITY, map);
  ioctl(-1, HDIO_GET_IDENTITY, end - 512);
  unsigned long nice = 0x15;
  ioctl(-1, HDIO_GET_NICE, &nice);
  ioctl(-1, HDIO_SET_NICE, 0xfacefeedded2ffffUL);
  ioctl(-1, HDIO_SET_NICE, 0);
  unsigned long bus = 2;
  ioctl(-1, HDIO_GET_BUSSTATE, &bus);
  ioctl(-1, HDIO_SET_BUSSTATE, 1);
  ioctl(-1, HDIO_SET_BUSSTATE, 7);

  // The terminal: winsize and the modem lines.
  struct winsize ws = {.ws_row = 24, .ws_col = 80, .ws_xpixel = 1, .ws_ypixel = 2};
  ioctl(-1, TIOCGWINSZ, NULL);
  ioctl(-1, TIOCSWINSZ, NULL);
  ioctl(-1, TIOCSWINSZ, &ws);
  ioctl(-1, TIOCGWINSZ, end - 4);
  int lines = TIOCM_DTR | TIOCM_RTS | 0x8000;  // TIOCM_LOOP
  ioctl(-1, TIOCMGET, &lines);
  ioctl(-1, TIOCMBIS, &lines);
  lines = 0xffff1e00;
  ioctl(-1, TIOCMBIC, &lines);
  lines = 0;
  ioctl(-1, TIOCMSET, &lines);
  ioctl(-1, TIOCMSET, end - 2);
  int n = 7;
  ioctl(-1, FIONREAD, &n);

  // The random device.
  int count = 6;
  ioctl(-1, RNDGETENTCNT, &count);
  ioctl(-1, RNDADDTOENTCNT, &count);
  ioctl(-1, RNDADDENTROPY, NULL);
  union {
    struct rand_pool_info info;
    char c[sizeof(struct rand_pool_info) + 40];
  } u;
  u.info.entropy_count = 3;
  u.info.buf_size = 8;
  memcpy(u.info.buf, "12345678", 8);
  ioctl(-1, RNDADDENTROPY, &u.info);
  u.info.buf_size = 40;
  memset(u.info.buf, 'x', 40);
  ioctl(-1, RNDADDENTROPY, &u.info);
  struct rand_pool_info* tail = (struct rand_pool_info*)(end - 8 - 20);
  tail->entropy_count = 1;
  tail->buf_size = 4096;  // 20 readable bytes of it: fewer than strace reads
  ioctl(-1, RNDADDENTROPY, tail);
  ioctl(-1, RNDZAPENTCNT);
  ioctl(-1, RNDCLEARPOOL);
  ioctl(-1, RNDRESEEDCRNG);
  ioctl(-1, _IO('R', 0xff), 0);

  // The watchdog.
  int timeout = 123;
  ioctl(-1, WDIOC_GETTIMEOUT, &timeout);
  ioctl(-1, WDIOC_GETTIMELEFT, NULL);
  ioctl(-1, WDIOC_SETTIMEOUT, &timeout);
  ioctl(-1, WDIOC_SETPRETIMEOUT, end - 2);
  ioctl(-1, WDIOC_KEEPALIVE);
  ioctl(-1, _IO('W', 0xff), &timeout);

  // LIRC: a __u32 each way.
  unsigned int features = LIRC_CAN_SEND_PULSE | LIRC_CAN_REC_MODE2 | 0x8000000;
  ioctl(-1, LIRC_GET_FEATURES, NULL);
  ioctl(-1, LIRC_GET_FEATURES, &features);
  features = 0;
  ioctl(-1, LIRC_GET_FEATURES, &features);
  unsigned int mode = LIRC_MODE_SCANCODE;
  ioctl(-1, LIRC_GET_REC_MODE, &mode);
  ioctl(-1, LIRC_SET_SEND_MODE, &mode);
  mode = 3;
  ioctl(-1, LIRC_SET_REC_MODE, &mode);
  unsigned int value = 0xffffffff;
  ioctl(-1, LIRC_SET_REC_TIMEOUT_REPORTS, &value);
  ioctl(-1, LIRC_SET_REC_CARRIER_RANGE, &value);
  ioctl(-1, LIRC_GET_MIN_TIMEOUT, &value);
  ioctl(-1, LIRC_SET_TRANSMITTER_MASK, &value);
  ioctl(-1, LIRC_SET_SEND_CARRIER, end - 2);

  // The real-time clock.
  ioctl(-1, RTC_AIE_ON);
  ioctl(-1, RTC_UIE_OFF);
  ioctl(-1, RTC_IRQP_SET, 64);
  ioctl(-1, RTC_EPOCH_READ, NULL);
  unsigned long epoch = 1900;
  ioctl(-1, RTC_EPOCH_READ, &epoch);
  struct rtc_time tm = {.tm_sec = 1, .tm_min = 2, .tm_hour = 3, .tm_mday = 4, .tm_year = 124};
  ioctl(-1, RTC_SET_TIME, &tm);
  ioctl(-1, RTC_RD_TIME, &tm);
  ioctl(-1, RTC_ALM_SET, end - 20);
  struct rtc_wkalrm alarm = {.enabled = 1, .pending = 0, .time = tm};
  ioctl(-1, RTC_WKALM_SET, &alarm);
  ioctl(-1, RTC_WKALM_RD, &alarm);
  struct rtc_pll_info pll = {.pll_value = -5, .pll_clock = 32768};
  ioctl(-1, RTC_PLL_GET, &pll);
  unsigned int vl = RTC_VL_BACKUP_LOW | RTC_VL_BACKUP_SWITCH | 0x100;
  ioctl(-1, RTC_VL_READ, &vl);
  vl = 0x100;
  ioctl(-1, RTC_VL_READ, &vl);
  struct rtc_param param = {.param = RTC_PARAM_FEATURES, .uvalue = 0x81, .index = 1};
  ioctl(-1, RTC_PARAM_GET, &param);
  ioctl(-1, RTC_PARAM_SET, &param);
  param.param = RTC_PARAM_CORRECTION;
  param.svalue = -1337;
  param.__pad = 7;
  ioctl(-1, RTC_PARAM_GET, &param);
  param.param = RTC_PARAM_BACKUP_SWITCH_MODE;
  param.uvalue = 9;
  ioctl(-1, RTC_PARAM_SET, &param);
  param.param = 77;
  ioctl(-1, RTC_PARAM_GET, &param);
  param.param = RTC_PARAM_FEATURES;
  param.uvalue = 0xbeef00;
  ioctl(-1, RTC_PARAM_SET, &param);
  ioctl(-1, RTC_PARAM_GET, end - 8);
  return 0;
}
