/**
 * Safe descriptions of values for error messages: {@link describeValue} and
 * {@link describeName} live in the schema layer (src/schema/describe.ts, shared with the
 * widgets' payload validation); the library's checks import them from here.
 */
export { describeName, describeValue } from "../schema/describe.js";
