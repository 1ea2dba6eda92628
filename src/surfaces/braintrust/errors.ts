/**
 * The Braintrust surface's error format: JSON `{"error": code, "message",
 * "field"?, "request_id"}` with the status of the code. The official clients
 * show `message` in their exceptions. It is the service's plain JSON error.
 */
export { renderPlainError as renderBraintrustError } from "../../http/errors";
