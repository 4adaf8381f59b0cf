/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("ward version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, WARD_COMMIT,
               WARD_OCI_VERSION);
        return 0;
    }
    fprintf(stderr, "ward: not implemented yet\n");
    return 1;
}
