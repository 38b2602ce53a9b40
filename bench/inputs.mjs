// Realistic inputs for the per-call benchmarks, shared by Node and the Chromium page: what an
// app sees on the way out (handoff, session request) and on the way back (the callback URL).

/** A one-time state as createState() makes it: 256 bits, base64url, 43 characters. */
export const STATE = "Zk3n8Qy0xW2v6R1tL9pB4cH7mJ5sD0fG8aK2eN6uV1w";

/** deepidv sends the person back with the session id, the status and a reason. */
export const CALLBACK_URL =
  "https://yourapp.com/verification-complete" +
  `?session_id=a1b2c3d4-e5f6-7890-abcd-ef1234567890&status=failed&reason=face_mismatch&state=${STATE}`;
export const CALLBACK_OPTIONS = { expectedState: STATE };

/**
 * Part 3's pair: the same return, as idv-handoff reads it and as an OAuth 2.0 client reads an
 * authorization response (RFC 6749 4.1.2, with RFC 9207's iss), each with a state of 43
 * characters to compare and three parameters, the two queries the same length (91 bytes).
 */
export const RETURN_URL = `https://yourapp.com/done?session_id=sess_abc123def4&status=success&state=${STATE}`;
export const RETURN_OPTIONS = { expectedState: STATE };
export const OAUTH_ISSUER = "https://idp.example";
export const OAUTH_RETURN_URL = `https://yourapp.com/done?code=abc123&state=${STATE}&iss=${encodeURIComponent(OAUTH_ISSUER)}`;
/** oauth4webapi's AuthorizationServer (its metadata: the issuer, which sends iss) and Client. */
export const OAUTH_AS = { issuer: OAUTH_ISSUER, authorization_response_iss_parameter_supported: true };
export const OAUTH_CLIENT = { client_id: "bench-client" };

export const SESSION_URL = "https://app.deepidv.com/s/a1b2c3d4-e5f6-7890-abcd-ef1234567890";
export const HANDOFF_OPTIONS = {
  redirectUrl: "https://yourapp.com/verification-complete",
  state: STATE,
  allowedRedirectOrigins: ["https://yourapp.com"],
  allowedSessionHosts: ["app.deepidv.com"],
};

/** What a sign-up form hands to createSession, in camelCase as front ends write it. */
export const SESSION_REQUEST = {
  firstName: "Jane",
  lastName: "Doe",
  email: "jane.doe@example.com",
  phone: "+15551234567",
  externalId: "user_abc123",
  sendEmailInvite: false,
  redirectUrl: "https://yourapp.com/verification-complete",
};

/** The query sizes of the scaling benchmark, in bytes (parseCallback refuses more than 8 KiB). */
export const QUERY_SIZES = [100, 1000, 8000];

/**
 * A callback URL whose query is exactly `bytes` long: the three deepidv parameters, then
 * tracking parameters of the kind that ride along on real return URLs (percent escapes and `+`
 * included, so decoding is exercised), which the parser must read past and ignore.
 */
export function callbackUrlWithQueryOf(bytes) {
  const base = "session_id=a1b2c3d4e5f6&status=failed&reason=face_mismatch";
  let query = base;
  for (let i = 0; query.length < bytes; i++) query += `&utm_content_${i}=spring+sale+2025%21+50%25+off`;
  query = query.slice(0, bytes);
  // The cut must not leave half a percent escape (`%` or `%C`) at the end.
  const escape = query.lastIndexOf("%");
  if (escape >= query.length - 2) query = query.slice(0, escape) + "x".repeat(query.length - escape);
  return `https://yourapp.com/verification-complete?${query}`;
}
