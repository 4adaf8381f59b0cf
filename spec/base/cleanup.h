/* SPDX-License-Identifier: Apache-2.0 */
/* __attribute__((cleanup)) helpers so that every error path frees what it holds. */
#ifndef WARD_SPEC_CLEANUP_H
#define WARD_SPEC_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void ward_freep(void *p)
{
    void **pp = (void **)p;
    free(*pp);
    *pp = NULL;
}

static inline void ward_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
    *fd = -1;
}

static inline void ward_fclosep(FILE **f)
{
    if (*f != NULL)
        fclose(*f);
    *f = NULL;
}

#define cleanup_free   __attribute__((cleanup(ward_freep)))
#define cleanup_close  __attribute__((cleanup(ward_closep)))
#define cleanup_fclose __attribute__((cleanup(ward_fclosep)))

/* Hand ownership out of a cleanup variable: returns the value and disarms the cleanup. */
#define steal_ptr(p)                                                                               \
    ({                                                                                             \
        __typeof__(p) _tmp = (p);                                                                  \
        (p) = NULL;                                                                                \
        _tmp;                                                                                      \
    })
#define steal_fd(fd)                                                                               \
    ({                                                                                             \
        int _tmp = (fd);                                                                           \
        (fd) = -1;                                                                                 \
        _tmp;                                                                                      \
    })

#endif
