#define _GNU_SOURCE
#include "CShims.h"
#include <pthread.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/hidraw.h>

int cb_evdev_key_state(int fd, uint8_t *bits, size_t size)
{
    int result = ioctl(fd, EVIOCGKEY(size), bits);
    return result < 0 ? -errno : result;
}

int cb_evdev_switch_state(int fd, uint8_t *bits, size_t size)
{
    int result = ioctl(fd, EVIOCGSW(size), bits);
    return result < 0 ? -errno : result;
}

int cb_hidraw_get_descriptor(int fd, uint8_t *buffer, size_t capacity)
{
    int size = 0;
    if (ioctl(fd, HIDIOCGRDESCSIZE, &size) < 0) return -errno;
    if (size < 0 || size > HID_MAX_DESCRIPTOR_SIZE || (size_t)size > capacity) return -EMSGSIZE;
    struct hidraw_report_descriptor descriptor;
    memset(&descriptor, 0, sizeof descriptor);
    descriptor.size = (uint32_t)size;
    if (ioctl(fd, HIDIOCGRDESC, &descriptor) < 0) return -errno;
    memcpy(buffer, descriptor.value, (size_t)size);
    return size;
}

int cb_gpio_request_line(int chipfd, uint32_t offset, uint64_t flags, uint32_t debounce_us, const char *consumer)
{
    struct gpio_v2_line_request request;
    memset(&request, 0, sizeof request);
    request.offsets[0] = offset;
    request.num_lines = 1;
    request.config.flags = flags;
    if (debounce_us != 0) {
        request.config.num_attrs = 1;
        request.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
        request.config.attrs[0].attr.debounce_period_us = debounce_us;
        request.config.attrs[0].mask = 1;
    }
    strncpy(request.consumer, consumer, sizeof request.consumer - 1);
    if (ioctl(chipfd, GPIO_V2_GET_LINE_IOCTL, &request) < 0) return -errno;
    return request.fd;
}

int cb_gpio_get_value(int linefd)
{
    struct gpio_v2_line_values values;
    memset(&values, 0, sizeof values);
    values.mask = 1;
    if (ioctl(linefd, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0) return -errno;
    return (int)(values.bits & 1);
}

int cb_gpio_set_value(int linefd, int value)
{
    struct gpio_v2_line_values values;
    memset(&values, 0, sizeof values);
    values.mask = 1;
    values.bits = value ? 1 : 0;
    return ioctl(linefd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0 ? -errno : 0;
}

int cb_thread_set_name(const char *name)
{
    char cut[16];
    strncpy(cut, name, sizeof cut - 1);
    cut[sizeof cut - 1] = 0;
    return pthread_setname_np(pthread_self(), cut);
}
