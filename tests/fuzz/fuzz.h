/*
 * fuzz: the entry points every fuzz target defines.  Built with
 * -fsanitize=fuzzer they run under libFuzzer (make fuzz); built with
 * driver.c they replay saved inputs (make test runs the regressions).
 */
#ifndef MCPAUTH_FUZZ_H
#define MCPAUTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
