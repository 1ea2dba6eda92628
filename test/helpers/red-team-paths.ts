/**
 * The path spellings that reached the wrong Access application before the gateway decided on one
 * reading of every path (issue 23): each with a host-wide Bypass application and a `/secret` one.
 * The unit test refuses them in the decision; the end-to-end test sends them to a WSGI origin.
 */
export const RED_TEAM_PATHS = [
  "/%73ecret/report%zz",
  "/s%65cret/x%GG",
  "/%2fsecret/%zz",
  "/%73ecret/%ff",
  "/x/..%2fsecret/%zz",
  "/secret::$DATA",
  "/secret::$INDEX_ALLOCATION/x",
  "/%73ecret/x",
] as const;
