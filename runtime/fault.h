/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named fault points: each step of create, start, delete and update calls fault_point("cmd:step").
 * The library only declares it; the program chooses the definition at link time:
 *   - `ward` gets runtime/fault.c from libwardrt.a: an empty function, so no environment, file or
 * flag can make a production ward stop or die on purpose;
 *   - `tests/ward-fault` (built by make, never installed) links tests/fault/fault_on.c first:
 *     WARD_FAULT=<name> stops ward there (WARD_FAULT_ACTION=stop: SIGSTOP, for a test to look at
 *     and then SIGKILL it; default: SIGKILL itself), WARD_FAULT_HIT=N picks the Nth time the point
 *     is reached, and WARD_FAULT_TRACE=<file> appends every point reached, one name a line.
 * Only ward's own process calls it, never the container's init or anything else it forks.
 */
#ifndef WARD_RUNTIME_FAULT_H
#define WARD_RUNTIME_FAULT_H

void fault_point(const char *name);

#endif
