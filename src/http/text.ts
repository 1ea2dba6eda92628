/**
 * The one rule for names we store and echo (key, token, service-account and
 * org names, on every surface). Refused:
 *  - unpaired UTF-16 surrogates (`"\ud800"` is valid JSON): D1 stores text as
 *    UTF-8 and replaces them with U+FFFD, so the stored name would differ from
 *    the one we answered;
 *  - NUL, which is replaced the same way, and the other C0 controls and DEL:
 *    a name is a one-line label shown in dashboards, terminals and logs, where
 *    control characters only serve to forge lines or drive a terminal.
 */
import type { ZodString } from "zod";

// With the `u` flag a well-formed surrogate pair is one code point, so only a lone surrogate matches \p{Cs}.
const FORBIDDEN = /[\u0000-\u001f\u007f\p{Cs}]/u;

export const isPlainText = (value: string): boolean => !FORBIDDEN.test(value);

/** `schema` refusing control characters and lone surrogates; the issue names the field like any other. */
export const plainText = <T extends ZodString>(schema: T): T =>
  schema.refine(isPlainText, { message: "must not contain control characters (such as NUL) or unpaired UTF-16 surrogates" });
