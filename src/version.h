/* version: the release, printed by --version and in mcpauth_build_info. */
#ifndef MCPAUTH_VERSION_H
#define MCPAUTH_VERSION_H

#ifndef MCPAUTH_VERSION
#define MCPAUTH_VERSION "0.1.0"
#endif

#endif
