/* Idempotency-Key for every POST, applied by the request pipeline (http/server.c) around the
 * handler, so no handler repeats it. Scope: the signed-in caller and the request's method and
 * path. The first reply of a 2xx request is stored in the request's own transaction (it exists
 * exactly when the effect was committed); a repeat with the same key and body replays it with
 * `Idempotent-Replayed: true`, the same key with another body is 409 idempotency_key_reused.
 * When a request fails or its commit is uncertain, the key is looked up again: a twin that
 * committed meanwhile (a parallel retry), or this request's own COMMIT whose answer was lost,
 * is then the truth that is replied. */
#ifndef SS_HTTP_IDEMPOTENCY_H
#define SS_HTTP_IDEMPOTENCY_H

#include "http/request.h"
#include "store/idempotency.h"

/* Returns 1 if key is a valid Idempotency-Key (1-64 of [A-Za-z0-9._:-]). */
int ss_idem_key_valid(const char *key);

/* Before the handler. Returns 0 to run the handler (req->idem_key set when the request carries
 * a key), 1 when the reply was set from a stored one, or an error (SS_EBADREQ for a malformed
 * key, 409 idempotency_key_reused, a db error). */
int ss_idem_begin(ss_req *req);

/* After the handler, in the request's transaction, before it is committed: stores the reply
 * of a 2xx request. Returns 0, or SS_ECONFLICT if a twin with the same key got there first
 * (roll back and call ss_idem_recover), or a db error. */
int ss_idem_store(ss_req *req);

/* The request's key for a write that stores its reply itself (ss_req_commit_own); out->key
 * NULL when the request has none. Replies are JSON. */
void ss_idem_ref_of(const ss_req *req, ss_idem_ref *out);

/* After a request carrying a key failed with rc or its commit was uncertain, outside any
 * transaction: if a reply for the key is stored now, sets it and returns 0 (or the 409 when
 * it was stored for another body); otherwise returns rc unchanged. */
int ss_idem_recover(ss_req *req, int rc);

#endif
