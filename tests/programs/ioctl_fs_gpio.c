// ioctl requests of the GPIO, file system (FIEMAP, flags, fsxattr), counter, nsfs, inotify,
// loop and nbd groups, with their edge cases: NULL, a struct that runs into an unmapped page,
// counts past the arrays' end, nonzero padding, unknown flags and constants, unknown requests of
// each _IOC direction. The GPIO and counter ones are made on fd -1 (no such device here): strace
// prints what the caller passes. The file system ones are made on -1 and on a file in the directory
// given (argv[1]): FIEMAP on an empty file and on one with a delayed-allocation extent (physical
// 0), so the kernel's answers are the same on every run.
#include <fcntl.h>
#include <linux/counter.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/gpio.h>
#include <linux/loop.h>
#include <linux/nbd.h>
#include <linux/nsfs.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "page_before_hole.h"

#define INOTIFY_IOC_SETNEXTWD _IOW('I', 0, int)  // linux/inotify.h, which fcntl.h clashes with

static char* end;  // the end of a readable page: what is put right before it runs into a hole

// A zeroed object of `size` bytes that ends at the page's end.
static void* Tail(size_t size) {
  memset(end - size, 0, size);
  return end - size;
}

static void Gpio(void) {
  ioctl(-1, _IOC(_IOC_READ | _IOC_WRITE, 0xb4, 0x5e, 0xfed), 0xdeadbeefbadc0dedul);
  ioctl(-1, GPIO_GET_CHIPINFO_IOCTL, 0);
  ioctl(-1, GPIO_GET_CHIPINFO_IOCTL, end - 8);

  struct gpioline_info* li = Tail(sizeof *li);
  li->line_offset = 7;
  ioctl(-1, GPIO_GET_LINEINFO_IOCTL, li);
  ioctl(-1, GPIO_GET_LINEINFO_WATCH_IOCTL, (char*)li + 1);
  uint32_t* off = Tail(4);
  *off = 78;
  ioctl(-1, GPIO_GET_LINEINFO_UNWATCH_IOCTL, off);

  struct gpiohandle_request* hr = Tail(sizeof *hr);
  hr->lines = 3;
  for (int i = 0; i < GPIOHANDLES_MAX; i++) {
    hr->lineoffsets[i] = i + 10;
    hr->default_values[i] = i & 1;
  }
  hr->flags = GPIOHANDLE_REQUEST_OUTPUT | GPIOHANDLE_REQUEST_BIAS_DISABLE;
  strcpy(hr->consumer_label, "fixture");
  ioctl(-1, GPIO_GET_LINEHANDLE_IOCTL, hr);
  hr->lines = 1000;  // more than GPIOHANDLES_MAX: the array's 64
  hr->flags = 0x100;
  memset(hr->consumer_label, 'x', sizeof hr->consumer_label);  // no NUL
  ioctl(-1, GPIO_GET_LINEHANDLE_IOCTL, hr);

  struct gpioevent_request* er = Tail(sizeof *er);
  er->lineoffset = 2;
  er->eventflags = GPIOEVENT_REQUEST_RISING_EDGE | 0x10;
  ioctl(-1, GPIO_GET_LINEEVENT_IOCTL, er);

  struct gpiohandle_data* hd = Tail(sizeof *hd);
  hd->values[63] = 255;
  ioctl(-1, GPIOHANDLE_GET_LINE_VALUES_IOCTL, hd);
  ioctl(-1, GPIOHANDLE_SET_LINE_VALUES_IOCTL, hd);
  struct gpiohandle_config* hc = Tail(sizeof *hc);
  hc->flags = GPIOHANDLE_REQUEST_INPUT;
  hc->padding[0] = 1;
  ioctl(-1, GPIOHANDLE_SET_CONFIG_IOCTL, hc);

  struct gpio_v2_line_info* v2i = Tail(sizeof *v2i);
  v2i->offset = 9;
  ioctl(-1, GPIO_V2_GET_LINEINFO_IOCTL, v2i);
  ioctl(-1, GPIO_V2_GET_LINEINFO_WATCH_IOCTL, (char*)v2i + 4);

  struct gpio_v2_line_request* lr = Tail(sizeof *lr);
  lr->num_lines = 2;
  lr->offsets[0] = 5;
  lr->offsets[1] = 6;
  strcpy(lr->consumer, "v2");
  lr->config.flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING | (1ull << 40);
  lr->config.num_attrs = 4;
  lr->config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_FLAGS;
  lr->config.attrs[0].attr.flags = GPIO_V2_LINE_FLAG_OUTPUT;
  lr->config.attrs[0].mask = 3;
  lr->config.attrs[1].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
  lr->config.attrs[1].attr.values = 0xf0;
  lr->config.attrs[2].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
  lr->config.attrs[2].attr.debounce_period_us = 1000;
  lr->config.attrs[3].attr.id = 77;
  lr->config.attrs[3].attr.values = 0x1234;
  lr->config.padding[4] = 9;
  lr->event_buffer_size = 16;
  lr->padding[0] = 2;
  ioctl(-1, GPIO_V2_GET_LINE_IOCTL, lr);
  lr->config.num_attrs = 12;  // more than GPIO_V2_LINE_NUM_ATTRS_MAX
  lr->num_lines = 0;
  ioctl(-1, GPIO_V2_GET_LINE_IOCTL, lr);

  struct gpio_v2_line_config* lc = Tail(sizeof *lc);
  lc->flags = 0x8000;
  lc->num_attrs = 1;
  lc->attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
  lc->attrs[0].attr.padding = 1;
  lc->attrs[0].mask = 1;
  ioctl(-1, GPIO_V2_LINE_SET_CONFIG_IOCTL, lc);
  ioctl(-1, GPIO_V2_LINE_SET_CONFIG_IOCTL, 0);

  struct gpio_v2_line_values* lv = Tail(sizeof *lv);
  lv->bits = 5;
  lv->mask = 0xff;
  ioctl(-1, GPIO_V2_LINE_GET_VALUES_IOCTL, lv);
  ioctl(-1, GPIO_V2_LINE_SET_VALUES_IOCTL, lv);
  ioctl(-1, GPIO_V2_LINE_SET_VALUES_IOCTL, end - 15);
}

static void Fs(const char* dir) {
  ioctl(-1, FIFREEZE, 0);
  ioctl(-1, FITHAW, 1);
  ioctl(-1, _IO('X', 0xff), 0);
  struct fstrim_range* r = Tail(sizeof *r);
  r->start = 1;
  r->len = 4096;
  r->minlen = 512;
  ioctl(-1, FITRIM, r);
  ioctl(-1, FITRIM, 0);
  struct fsxattr* x = Tail(sizeof *x);
  x->fsx_xflags = FS_XFLAG_APPEND | FS_XFLAG_HASATTR | 0x20000;
  x->fsx_projid = 0x10;
  ioctl(-1, FS_IOC_FSSETXATTR, x);
  ioctl(-1, FS_IOC_FSSETXATTR, (char*)x + 1);
  ioctl(-1, FS_IOC_FSGETXATTR, x);
  unsigned int* flags = Tail(4);
  *flags = FS_APPEND_FL | FS_NOATIME_FL | 0x01000000;
  ioctl(-1, FS_IOC_SETFLAGS, flags);
  ioctl(-1, FS_IOC32_SETFLAGS, flags);
  ioctl(-1, FS_IOC_GETFLAGS, flags);
  ioctl(-1, FS_IOC_GETFLAGS, 0);

  char path[4096];
  snprintf(path, sizeof path, "%s/ioctl_fiemap", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    return;
  ioctl(fd, FS_IOC_GETFLAGS, flags);
  ioctl(fd, FS_IOC_FSGETXATTR, x);

  struct fiemap* fm = Tail(sizeof *fm + 2 * sizeof(struct fiemap_extent));
  fm->fm_length = FIEMAP_MAX_OFFSET;
  fm->fm_extent_count = 2;
  ioctl(fd, FS_IOC_FIEMAP, fm);  // empty: no extent
  if (write(fd, path, 100) == 100)
    ioctl(fd, FS_IOC_FIEMAP, fm);  // one extent, delayed: physical 0
  fm->fm_flags = 0xf0;
  ioctl(fd, FS_IOC_FIEMAP, fm);  // EBADR: unknown flags
  fm = Tail(sizeof *fm);
  fm->fm_start = 0xdeadbeef;
  fm->fm_flags = FIEMAP_FLAG_XATTR;
  fm->fm_extent_count = 7;
  ioctl(-1, FS_IOC_FIEMAP, fm);
  ioctl(-1, FS_IOC_FIEMAP, (char*)fm + 1);
  close(fd);
  unlink(path);
}

static void Counter(void) {
  ioctl(-1, _IOC(_IOC_READ, '>', 3, 4), 0xdeadbeefbadc0dedul);
  ioctl(-1, _IOC(_IOC_NONE, '>', 5, 0), 0);
  struct counter_watch* w = Tail(sizeof *w);
  ioctl(-1, COUNTER_ADD_WATCH_IOCTL, w);
  w->component.type = COUNTER_COMPONENT_SIGNAL;
  w->component.scope = 7;
  w->component.parent = 1;
  w->component.id = 255;
  w->event = COUNTER_EVENT_INDEX;
  w->channel = 3;
  ioctl(-1, COUNTER_ADD_WATCH_IOCTL, w);
  w->event = 99;
  ioctl(-1, COUNTER_ADD_WATCH_IOCTL, w);
  ioctl(-1, COUNTER_ADD_WATCH_IOCTL, (char*)w + 1);
  ioctl(-1, COUNTER_ADD_WATCH_IOCTL, 0);
  ioctl(-1, COUNTER_ENABLE_EVENTS_IOCTL, 1);
  ioctl(-1, COUNTER_DISABLE_EVENTS_IOCTL);
}

static void Loop(void) {
  ioctl(-1, LOOP_SET_FD, 0xdeadbeefbadc0dedul);
  ioctl(-1, LOOP_CLR_FD);
  ioctl(-1, LOOP_SET_DIRECT_IO, 0xdeadbeefbadc0dedul);
  ioctl(-1, LOOP_CTL_GET_FREE);
  struct loop_info* li = Tail(sizeof *li);
  li->lo_number = -3;
  li->lo_device = 0x0801;
  li->lo_rdevice = 0x123456789abcdef0ull;
  li->lo_offset = 512;
  li->lo_encrypt_type = LO_CRYPT_XOR;
  li->lo_encrypt_key_size = 3;
  memcpy(li->lo_encrypt_key, "k\0y", 3);
  li->lo_flags = LO_FLAGS_AUTOCLEAR | 0x100;
  strcpy((char*)li->lo_name, "name");
  li->lo_init[1] = 7;
  li->reserved[2] = 1;
  ioctl(-1, LOOP_SET_STATUS, li);
  li->lo_encrypt_type = LO_CRYPT_NONE;
  ioctl(-1, LOOP_SET_STATUS, li);
  ioctl(-1, LOOP_SET_STATUS, (char*)li + 1);
  ioctl(-1, LOOP_GET_STATUS, li);
  ioctl(-1, LOOP_GET_STATUS64, 0);
  struct loop_config* lc = Tail(sizeof *lc);
  lc->fd = 5;
  lc->block_size = 4096;
  lc->info.lo_offset = 1 << 20;
  lc->info.lo_sizelimit = 1 << 30;
  lc->info.lo_encrypt_type = 77;
  lc->info.lo_encrypt_key_size = 100;
  memset(lc->info.lo_encrypt_key, 'K', sizeof lc->info.lo_encrypt_key);
  memset(lc->info.lo_file_name, 'F', sizeof lc->info.lo_file_name);
  strcpy((char*)lc->info.lo_crypt_name, "crypt");
  ioctl(-1, LOOP_SET_STATUS64, &lc->info);
  ioctl(-1, LOOP_CONFIGURE, lc);
  lc->__reserved[7] = 1;
  ioctl(-1, LOOP_CONFIGURE, lc);
}

static void Nbd(void) {
  ioctl(-1, NBD_DISCONNECT, 0);
  ioctl(-1, NBD_SET_SOCK, 0);
  ioctl(-1, NBD_SET_SIZE, 0xcafef00ddeadbeeful);
  ioctl(-1, NBD_SET_FLAGS, 0);
  ioctl(-1, NBD_SET_FLAGS, NBD_FLAG_READ_ONLY | 0x10 | 0x80000000ul);
  ioctl(-1, NBD_SET_FLAGS, 0x8000);
  ioctl(-1, NBD_SET_FLAGS, 0x7ff);
  ioctl(-1, _IOC(_IOC_NONE, 0xab, 0xb, 0), 0);
}

static void Namespaces(void) {
  ioctl(-1, NS_GET_USERNS);
  ioctl(-1, NS_GET_OWNER_UID, 0);
  int fd = open("/proc/self/ns/user", O_RDONLY);
  if (fd >= 0) {
    ioctl(fd, NS_GET_NSTYPE);          // CLONE_NEWUSER
    ioctl(fd, NS_GET_OWNER_UID, end);  // EFAULT
    unsigned int* uid = Tail(4);
    ioctl(fd, NS_GET_OWNER_UID, uid);
    close(fd);
  }
  ioctl(-1, INOTIFY_IOC_SETNEXTWD, 0xdeadbeefbadc0dedul);  // an int
}

int main(int argc, char** argv) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  if (!map)
    return 1;
  end = map + page;
  Gpio();
  Fs(argc > 1 ? argv[1] : "/tmp");
  Counter();
  Namespaces();
  Loop();
  Nbd();
  return 0;
}
