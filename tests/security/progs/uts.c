/* SPDX-License-Identifier: Apache-2.0 */
/*
 * uts: set the hostname and the domain name to the values they already have (so that even where
 * it is allowed, the control, nothing changes).
 */
#include "result.h"

#include <unistd.h>

int main(void)
{
    char host[256] = "", domain[256] = "";
    if (gethostname(host, sizeof(host)) < 0 || getdomainname(domain, sizeof(domain)) < 0) {
        result_add("read", "%s", strerrorname_np(errno));
        return result_print();
    }
    result_sys("sethostname", sethostname(host, strlen(host)));
    result_sys("setdomainname", setdomainname(domain, strlen(domain)));
    return result_print();
}
