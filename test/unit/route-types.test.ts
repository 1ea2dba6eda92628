/** The endpoint files' exported types are inferred from their schemas: these fail to compile if that breaks. */
import { expectTypeOf, it } from "vitest";
import type { BootstrapRequest } from "../../src/surfaces/admin/bootstrap";
import type { CreateApiKeyRequest, CreateApiKeyResponse } from "../../src/surfaces/braintrust/api-key/create-api-key";
import type { GetApiKeyRequest } from "../../src/surfaces/braintrust/api-key/get-api-key";
import type { ListApiKeysResponse } from "../../src/surfaces/braintrust/api-key/list-api-keys";
import type { ListServiceTokensRequest } from "../../src/surfaces/cloudflare/service-token/list-service-tokens";
import type { RotateServiceTokenResponse } from "../../src/surfaces/cloudflare/service-token/rotate-service-token";

it("infers request and response types from each route's schemas", () => {
  expectTypeOf<CreateApiKeyRequest["body"]["name"]>().toEqualTypeOf<string>();
  expectTypeOf<CreateApiKeyResponse["key"]>().toEqualTypeOf<string>();
  expectTypeOf<CreateApiKeyResponse["expires_at"]>().toEqualTypeOf<string | null>();
  expectTypeOf<GetApiKeyRequest["params"]["api_key_id"]>().toEqualTypeOf<string>();
  expectTypeOf<ListApiKeysResponse["objects"][number]["preview_name"]>().toEqualTypeOf<string>();
  expectTypeOf<ListServiceTokensRequest["query"]>().toHaveProperty("page");
  expectTypeOf<RotateServiceTokenResponse["success"]>().toEqualTypeOf<true>();
  expectTypeOf<RotateServiceTokenResponse["result"]["client_secret"]>().toEqualTypeOf<string>();
  expectTypeOf<BootstrapRequest["body"]["email"]>().toEqualTypeOf<string>();
});
