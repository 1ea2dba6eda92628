/**
 * `POST /secret-scanning/github`: GitHub's secret scanning partner endpoint.
 * Only a report signed by a key GitHub publishes is read at all; anything else
 * is refused with 401 before its body is looked at.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { verifyGithubSignature } from "../../auth/github-signature";
import { configOf } from "../../config";
import type { AppEnv } from "../../http/app-env";
import { ErrorSchema } from "../../http/errors";
import type { RouteRequest, RouteResponse } from "../../http/route-types";
import type { GithubApp } from "./app-type";
import { errorResponses, MAX_SECRETS, ReportedSecret, TAGS } from "./schemas";

const Match = z
  .object({
    token: ReportedSecret.openapi({ description: "The string GitHub found" }),
    type: z.string().max(256).optional().openapi({
      description: "The token type registered for the pattern that matched; not trusted: each token is recognised by its own format",
    }),
    url: z.string().max(4096).optional().openapi({ description: "Where it was found (may be empty)" }),
    source: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: "content, commit, pull_request_description, issue_comment, gist_content, npm, …" }),
  })
  .openapi("SecretScanningMatch");

const Feedback = z
  .object({
    token_raw: z.string(),
    token_type: z.string(),
    label: z.enum(["true_positive", "false_positive"]),
  })
  .openapi("SecretScanningFeedback");

/** Refuses (401) a request not signed by one of GitHub's published keys, before anything reads its body as JSON. */
const signedByGithub = createMiddleware<AppEnv>(async (c, next) => {
  const body = await c.req.arrayBuffer();
  await verifyGithubSignature(
    configOf(c.env).leaks.keysUrl,
    c.req.header("Github-Public-Key-Identifier"),
    c.req.header("Github-Public-Key-Signature"),
    body,
  );
  await next();
});

export const reportSecretsRoute = createRoute({
  method: "post",
  path: "/secret-scanning/github",
  operationId: "reportLeakedSecrets",
  tags: TAGS,
  summary: "GitHub secret scanning report",
  description:
    "GitHub's secret scanning partner program posts the edgekeys secrets it finds in public repositories here. The request must carry `Github-Public-Key-Identifier` and `Github-Public-Key-Signature` (ECDSA P-256 over SHA-256 of the raw body, by a key GitHub publishes at `GITHUB_SECRET_SCANNING_KEYS_URL`); anything else answers 401 and changes nothing. Every token that is a live edgekeys secret is stopped at once (`LEAKED_CREDENTIAL_ACTION`), with a `credential.leaked` audit event and webhook; the answer labels each token.",
  middleware: [signedByGithub] as const,
  request: {
    headers: z.object({
      "github-public-key-identifier": z.string().openapi({ description: "Which of GitHub's keys signed the body" }),
      "github-public-key-signature": z.string().openapi({ description: "Base64 ASN.1 DER ECDSA signature of the raw body" }),
    }),
    body: { required: true, content: { "application/json": { schema: z.array(Match).max(MAX_SECRETS) } } },
  },
  responses: {
    200: { description: "One label per reported token", content: { "application/json": { schema: z.array(Feedback) } } },
    401: {
      description: "Missing, malformed or wrong signature, or a key GitHub has not published",
      content: { "application/json": { schema: ErrorSchema } },
    },
    ...errorResponses,
  },
});

export type ReportSecretsRequest = RouteRequest<typeof reportSecretsRoute>;
export type ReportSecretsResponse = RouteResponse<typeof reportSecretsRoute>;

export const registerReportSecrets = (app: GithubApp) =>
  app.openapi(reportSecretsRoute, async (c) => {
    const matches = c.req.valid("json");
    const verdicts = await c.var.services.leaks.respond(matches, "github_secret_scanning");
    return c.json(
      verdicts.map((v, i) => ({
        token_raw: v.token,
        // GitHub matches feedback by the type it sent; our own format name when it sent none.
        token_type: matches[i]!.type ?? v.format ?? "unknown",
        label: v.live ? ("true_positive" as const) : ("false_positive" as const),
      })),
      200,
    );
  });
