-- Blocked client addresses no longer live in D1: each address's own Durable Object
-- counts its failures, consulted only on failure, and each isolate remembers the
-- addresses it saw refused (src/auth/ip-blocks.ts). The success path reads nothing.
DROP TABLE auth_failure_blocks;
