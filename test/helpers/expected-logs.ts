/**
 * Log lines that a test provokes on purpose: the Worker's report of a fault the test injects (a
 * failing D1 statement, an unreachable Durable Object, a key endpoint answering 404) or of a cron
 * run the test fires. test/helpers/secret-audit.ts still captures such a line for its secret check,
 * hands it to the expectation that matches it, and does not print it: a green run stays quiet,
 * while every line no test expected is printed as before, and a failing test prints what it
 * swallowed. The Worker itself logs exactly as in production. Expectations end with their test.
 */
export interface ExpectedLog {
  /** The matching lines logged so far, for the test to assert on. */
  readonly lines: string[];
}

const expectations: { pattern: RegExp; lines: string[] }[] = [];

/** From now until the end of the test, lines matching `pattern` are expected: counted, not printed. */
export function expectLog(pattern: RegExp): ExpectedLog {
  const expectation = { pattern, lines: [] as string[] };
  expectations.push(expectation);
  return expectation;
}

/** True when a test expects `line` (which it then records). */
export function expected(line: string): boolean {
  const match = expectations.find((e) => e.pattern.test(line));
  match?.lines.push(line);
  return match !== undefined;
}

/** Ends every expectation; answers the lines they swallowed. */
export function endExpectations(): string[] {
  const swallowed = expectations.flatMap((e) => e.lines);
  expectations.length = 0;
  return swallowed;
}
