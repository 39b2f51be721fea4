// Shared by the scripts tests/server/test_js_sdk.py runs against an importmock server.
//
// Each script reads the server's URL from IMPORTMOCK_URL, drives one service through the
// AWS SDK for JavaScript v3 and prints ONE JSON object on stdout for the Python test to
// assert on. Credentials and region come from the environment the test sets
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION), as in any real program.

export const endpoint = process.env.IMPORTMOCK_URL;
if (!endpoint) {
  throw new Error("IMPORTMOCK_URL is not set: run this script from tests/server/test_js_sdk.py");
}

/** The configuration every client gets: the server as its endpoint, nothing else. */
export const clientConfig = { endpoint };

/** The most reads a poll makes before giving up (the server's progression ends sooner). */
export const MAX_POLLS = 20;

/**
 * Read with `read()` until `done(result)`; every result read, in order.
 * No sleeping: the server's progression moves a job on each read (or at once).
 */
export async function poll(read, done) {
  const seen = [];
  for (let attempt = 0; attempt < MAX_POLLS; attempt += 1) {
    const result = await read();
    seen.push(result);
    if (done(result)) {
      return seen;
    }
  }
  throw new Error(`still not finished after ${MAX_POLLS} reads: ${JSON.stringify(seen.at(-1))}`);
}

/**
 * Run `call`, which must throw; what the SDK made of the error.
 *
 * `classes` are the client package's exception classes to check with `instanceof`
 * (`{ValidationException, ServiceException}`): the result says which ones matched.
 */
export async function caught(call, classes) {
  try {
    await call();
  } catch (err) {
    const instanceOf = Object.fromEntries(
      Object.entries(classes).map(([name, cls]) => [name, err instanceof cls]),
    );
    return {
      instanceOf,
      name: err.name,
      message: err.message,
      fault: err.$fault,
      httpStatusCode: err.$metadata?.httpStatusCode,
      requestId: err.$metadata?.requestId,
      attempts: err.$metadata?.attempts,
    };
  }
  throw new Error("the call succeeded; it was expected to throw");
}

/** fetch() `url`; its status and body as text. */
export async function fetchText(url, init = {}) {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text() };
}

/** Print the result for the Python test (and nothing else on stdout). */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
