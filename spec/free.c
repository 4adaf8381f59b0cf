/* SPDX-License-Identifier: Apache-2.0 */
/* Releasing the config model; the field tables free the plain fields. */
#include <stdlib.h>

#include "spec/model.h"

#define FREE_FIELDS(table, base) jf_free(table, table##_len, base)

static void free_hook_list(spec_hook_list *l)
{
    size_t i;
    for (i = 0; l->items != NULL && i < l->len; i++)
        FREE_FIELDS(spec_t_hook, &l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

void spec_hooks_clear(spec_hooks *h)
{
    free_hook_list(&h->prestart);
    free_hook_list(&h->create_runtime);
    free_hook_list(&h->create_container);
    free_hook_list(&h->start_container);
    free_hook_list(&h->poststart);
    free_hook_list(&h->poststop);
}

void spec_process_clear(spec_process *p)
{
    size_t i;
    FREE_FIELDS(spec_t_process, p);
    FREE_FIELDS(spec_t_cpu_affinity, p);
    FREE_FIELDS(spec_t_user, &p->user);
    FREE_FIELDS(spec_t_caps, &p->capabilities);
    FREE_FIELDS(spec_t_io_priority, &p->io_priority);
    FREE_FIELDS(spec_t_scheduler, &p->scheduler);
    spec_strv_free(&p->args);
    free(p->user.additional_gids);
    for (i = 0; p->rlimits != NULL && i < p->n_rlimits; i++)
        FREE_FIELDS(spec_t_rlimit, &p->rlimits[i]);
    free(p->rlimits);
}

void spec_process_free(spec_process *p)
{
    if (p == NULL)
        return;
    spec_process_clear(p);
    free(p);
}

static void free_throttle(spec_throttle_list *l)
{
    free(l->items);
}

void spec_resources_clear(spec_resources *r)
{
    size_t i;
    for (i = 0; r->devices != NULL && i < r->n_devices; i++)
        FREE_FIELDS(spec_t_device_cgroup, &r->devices[i]);
    free(r->devices);
    FREE_FIELDS(spec_t_cpu, &r->cpu);
    free(r->block_io.weight_devices);
    free_throttle(&r->block_io.throttle_read_bps);
    free_throttle(&r->block_io.throttle_write_bps);
    free_throttle(&r->block_io.throttle_read_iops);
    free_throttle(&r->block_io.throttle_write_iops);
    for (i = 0; r->hugepage_limits != NULL && i < r->n_hugepage_limits; i++)
        FREE_FIELDS(spec_t_hugepage, &r->hugepage_limits[i]);
    free(r->hugepage_limits);
    for (i = 0; r->net_priorities != NULL && i < r->n_net_priorities; i++)
        FREE_FIELDS(spec_t_net_priority, &r->net_priorities[i]);
    free(r->net_priorities);
    spec_kv_free(&r->unified);
}

void spec_resources_free(spec_resources *r)
{
    if (r == NULL)
        return;
    spec_resources_clear(r);
    free(r);
}

static void free_seccomp(spec_seccomp *s)
{
    size_t i, j;
    FREE_FIELDS(spec_t_seccomp, s);
    for (i = 0; s->syscalls != NULL && i < s->n_syscalls; i++) {
        FREE_FIELDS(spec_t_syscall, &s->syscalls[i]);
        for (j = 0; s->syscalls[i].args != NULL && j < s->syscalls[i].n_args; j++)
            FREE_FIELDS(spec_t_seccomp_arg, &s->syscalls[i].args[j]);
        free(s->syscalls[i].args);
    }
    free(s->syscalls);
}

void spec_linux_clear(spec_linux *l)
{
    size_t i;
    FREE_FIELDS(spec_t_linux, l);
    for (i = 0; l->namespaces != NULL && i < l->n_namespaces; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (i = 0; l->devices != NULL && i < l->n_devices; i++)
        FREE_FIELDS(spec_t_device, &l->devices[i]);
    free(l->devices);
    spec_resources_clear(&l->resources);
    spec_kv_free(&l->sysctl);
    free_seccomp(&l->seccomp);
    FREE_FIELDS(spec_t_personality, &l->personality);
    for (i = 0; l->time_offsets != NULL && i < l->n_time_offsets; i++)
        free(l->time_offsets[i].clock);
    free(l->time_offsets);
}

void spec_config_free(spec_config *c)
{
    size_t i;
    if (c == NULL)
        return;
    FREE_FIELDS(spec_t_config, c);
    FREE_FIELDS(spec_t_root, &c->root);
    for (i = 0; c->mounts != NULL && i < c->n_mounts; i++) {
        FREE_FIELDS(spec_t_mount, &c->mounts[i]);
        free(c->mounts[i].uid_mappings);
        free(c->mounts[i].gid_mappings);
    }
    free(c->mounts);
    spec_process_clear(&c->process);
    spec_hooks_clear(&c->hooks);
    spec_kv_free(&c->annotations);
    spec_linux_clear(&c->linux_);
    free(c);
}
