/* SPDX-License-Identifier: Apache-2.0 */
/*
 * personality: the query and PER_LINUX are harmless; ADDR_NO_RANDOMIZE turns ASLR off for what
 * we exec next and READ_IMPLIES_EXEC makes every readable mapping executable (exploit helpers).
 */
#include "result.h"

#include <sys/personality.h>

int main(void)
{
    result_sys("query", personality(0xffffffff));
    result_sys("no_randomize", personality(PER_LINUX | ADDR_NO_RANDOMIZE));
    result_sys("read_implies_exec", personality(PER_LINUX | READ_IMPLIES_EXEC));
    result_sys("linux", personality(PER_LINUX));
    return result_print();
}
