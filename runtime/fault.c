/* SPDX-License-Identifier: Apache-2.0 */
/* Fault points in the library, and so in the production `ward`: they do nothing. Only a program
 * that links its own fault_point before libwardrt.a (tests/ward-fault) gets another (fault.h). */
#include "runtime/fault.h"

void fault_point(const char *name)
{
    (void)name;
}
