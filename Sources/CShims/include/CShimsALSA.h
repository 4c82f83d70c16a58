// ALSA and the handset's other kernel interfaces (evdev, hidraw, GPIO character device):
// what Swift cannot call directly. The ioctl request numbers are function-like macros
// (_IOR, _IOC with sizes), so each ioctl the handset needs is one C function here.
#ifndef CALLBOX_CSHIMS_ALSA_H
#define CALLBOX_CSHIMS_ALSA_H

#include <stddef.h>
#include <stdint.h>
#include <alsa/asoundlib.h>
#include <linux/input.h>
#include <linux/gpio.h>

// evdev: copies the device's current key (EVIOCGKEY) or switch (EVIOCGSW) bitmap into
// `bits`; returns the number of bytes written, or -errno.
int cb_evdev_key_state(int fd, uint8_t *bits, size_t size);
int cb_evdev_switch_state(int fd, uint8_t *bits, size_t size);

// hidraw: copies the report descriptor (HIDIOCGRDESCSIZE + HIDIOCGRDESC) into `buffer`;
// returns its length, or -errno (-EMSGSIZE when `capacity` is too small).
int cb_hidraw_get_descriptor(int fd, uint8_t *buffer, size_t capacity);

// GPIO character device, uAPI v2. Requests one line of `chipfd` (GPIO_V2_GET_LINE_IOCTL)
// with `flags` (GPIO_V2_LINE_FLAG_*) and, when `debounce_us` is not 0, the kernel's
// debounce attribute; returns the line's fd, or -errno.
int cb_gpio_request_line(int chipfd, uint32_t offset, uint64_t flags, uint32_t debounce_us, const char *consumer);
// The line's logical value (0 or 1, active-low already applied), or -errno.
int cb_gpio_get_value(int linefd);
// Drives an output line to logical `value`; returns 0, or -errno.
int cb_gpio_set_value(int linefd, int value);

// Names the calling thread (pthread_setname_np needs _GNU_SOURCE, which Swift's Glibc
// does not define); `name` is cut to the kernel's 15 characters. Returns 0, or an errno.
int cb_thread_set_name(const char *name);

#endif
