// jest globalSetup: which parts of the API contract the stack under test serves, asked of the
// stack itself (a PATCH on a path that exists with other methods is 405 with an Allow header;
// an unknown path is 404). Tests of pages whose API is missing are skipped, never faked.
// The answer goes to process.env.SANSHE_MP_CAPS (JSON) for the test files (--runInBand).
const http = require('http');
const { URL } = require('url');

const PROBES = {
  notifications: ['/api/v1/me/notifications', 'GET'],
  subscriptions: ['/api/v1/me/subscriptions', 'POST'],
  qrLogin: ['/api/v1/auth/qr-tickets/1/confirm', 'POST'],
  invites: ['/api/v1/invites/1/accept', 'POST'],
  orgInvites: ['/api/v1/orgs/1/invites', 'POST'],
  certificates: ['/api/v1/me/service-certificates', 'POST'],
  volunteerCode: ['/api/v1/me/volunteer-code', 'GET'],
  correctionRequests: ['/api/v1/me/service-records/requests', 'POST'],
  needs: ['/api/v1/needs', 'POST'],
  ratings: ['/api/v1/activities/1/ratings', 'POST'],
};

function allowOf(base, path) {
  return new Promise((resolve) => {
    const req = http.request(new URL(base + path).toString(), { method: 'PATCH' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 405 ? String(res.headers.allow || '') : ''));
    });
    req.on('error', () => resolve(''));
    req.end();
  });
}

module.exports = async function () {
  const base = process.env.SANSHE_TEST_URL;
  const caps = {};
  if (base) {
    for (const [name, [path, method]] of Object.entries(PROBES)) {
      caps[name] = (await allowOf(base, path)).split(/,\s*/).includes(method);
    }
  }
  process.env.SANSHE_MP_CAPS = JSON.stringify(caps);
};
