/*
 * fakewx: a stand-in for WeChat's code2Session endpoint
 * (GET /sns/jscode2session) used by the dev and test stacks, so that sign-in can
 * be exercised without the real WeChat servers. It is a FastCGI responder that
 * nginx reaches over a unix socket; the js_code decides the answer (`test:<openid>`
 * succeeds, `test:invalid`, `test:ratelimited`, `test:risky`, `test:busy`, ... give
 * WeChat's documented errcodes, `test:garbage`, `test:badjson`, `test:slow` and
 * `test:hang` misbehave on purpose), and replies use WeChat's own JSON shape.
 *
 * It also stands in for the server APIs the sender program calls (see "subscribe
 * messages" below): POST /cgi-bin/stable_token, POST /cgi-bin/message/subscribe/send
 * (recorded; the openid prefix `nogrant` answers 43101), and for tests
 * GET /__fake/messages[?touser=] (what it received) and POST /__fake/config
 * {"send_delay_ms": N} (hold each send's reply, after recording it).
 *
 * Usage: fakewx <unix-socket-path>
 * Env:   FAKEWX_APPID (default "wxdev"), FAKEWX_SECRET (default "devsecret").
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define FAKEWX_WORKERS      32   /* more than the app's wx_max_inflight, so hang tests never starve it */
#define FAKEWX_BACKLOG      128
#define FAKEWX_OPENID_MAX   64
#define FAKEWX_LOG_CODE_MAX 16
#define FAKEWX_PATH         "/sns/jscode2session"

/* Read-only after main() has started the workers. */
static const char *g_appid;
static const char *g_secret;
static int g_listen_fd = -1;
static atomic_bool g_stopping;

/* Milliseconds on the monotonic clock, for the per-request log line. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Sleeps for ms milliseconds in short slices so that a shutdown is not held up
 * by test:slow or test:hang. Returns 0 after the full sleep, -1 if interrupted
 * by shutdown.
 */
static int sleep_interruptible(long ms)
{
	const struct timespec slice = { 0, 50 * 1000 * 1000 };

	for (long slept = 0; slept < ms; slept += 50) {
		if (atomic_load(&g_stopping))
			return -1;
		nanosleep(&slice, NULL);
	}
	return atomic_load(&g_stopping) ? -1 : 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes len bytes of a query-string component (percent escapes, '+' as space).
 * A malformed escape is kept literally. Returns a malloc'd NUL-terminated string
 * the caller frees, or NULL when out of memory.
 */
static char *percent_decode(const char *src, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (src[i] == '%' && i + 2 < len && hex_value(src[i + 1]) >= 0 &&
		    hex_value(src[i + 2]) >= 0) {
			out[o++] = (char)(hex_value(src[i + 1]) * 16 + hex_value(src[i + 2]));
			i += 2;
		} else if (src[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = src[i];
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * Finds the first `name=value` pair in the query string qs (may be NULL) and
 * returns its decoded value as a malloc'd string the caller frees. Returns NULL
 * when the name is absent (or on out-of-memory, which fakewx treats alike).
 */
static char *query_get(const char *qs, const char *name)
{
	size_t name_len = strlen(name);
	const char *p = qs;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&');
		size_t pair_len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', pair_len);
		size_t key_len = eq != NULL ? (size_t)(eq - p) : pair_len;
		char *key = percent_decode(p, key_len);
		bool match = key != NULL && strlen(key) == name_len &&
			     memcmp(key, name, name_len) == 0;

		free(key);
		if (match) {
			if (eq == NULL)
				return percent_decode("", 0);
			return percent_decode(eq + 1, pair_len - key_len - 1);
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

/* True when s is 1..64 characters of [A-Za-z0-9_-]. */
static bool openid_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > FAKEWX_OPENID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

/*
 * Writes a complete FastCGI response. Write errors (nginx gave up on the
 * request) are ignored: there is nobody left to tell.
 */
static void send_reply(FCGX_Request *req, int status, const char *content_type,
		       const char *body)
{
	const char *reason = status == 200 ? "OK" :
			     status == 404 ? "Not Found" : "Internal Server Error";
	size_t len = strlen(body);
	char head[256];
	int head_len;

	/* snprintf, not FCGX_FPrintF: libfcgi's own formatter rejects %zu. */
	head_len = snprintf(head, sizeof head,
			    "Status: %d %s\r\n"
			    "Content-Type: %s\r\n"
			    "Content-Length: %zu\r\n"
			    "Cache-Control: no-store\r\n"
			    "\r\n",
			    status, reason, content_type, len);
	if (head_len < 0 || (size_t)head_len >= sizeof head)
		return;
	FCGX_PutStr(head, head_len, req->out);
	FCGX_PutStr(body, (int)len, req->out);
}

/* Serialises json (not consumed) and sends it; falls back to a fixed 500. */
static void send_json(FCGX_Request *req, int status, json_t *json)
{
	char *body = json != NULL ? json_dumps(json, JSON_COMPACT) : NULL;

	if (body == NULL) {
		send_reply(req, 500, "application/json",
			   "{\"errcode\":-1,\"errmsg\":\"system error\"}");
		return;
	}
	send_reply(req, status, "application/json", body);
	free(body);
}

/*
 * Sends WeChat's error shape, HTTP 200 like the real service:
 * {"errcode":N,"errmsg":"<text>, rid: xxxxxxxx-xxxxxxxx-xxxxxxxx"}.
 */
static void send_wx_error(FCGX_Request *req, int errcode, const char *errmsg)
{
	unsigned char rnd[12];
	char msg[256];
	json_t *json = NULL;

	if (RAND_bytes(rnd, sizeof rnd) != 1)
		memset(rnd, 0, sizeof rnd);
	snprintf(msg, sizeof msg,
		 "%s, rid: %02x%02x%02x%02x-%02x%02x%02x%02x-%02x%02x%02x%02x", errmsg,
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7],
		 rnd[8], rnd[9], rnd[10], rnd[11]);
	json = json_pack("{s:i, s:s}", "errcode", errcode, "errmsg", msg);
	send_json(req, 200, json);
	json_decref(json);
}

/*
 * Sends a successful code2Session reply for openid, with unionid "u_<openid>"
 * and a fresh random session_key. Returns 0, or -1 if no key could be made
 * (an error reply has then been sent instead).
 */
static int send_wx_session(FCGX_Request *req, const char *openid)
{
	unsigned char key[16];
	unsigned char key_b64[4 * ((sizeof key + 2) / 3) + 1];
	char unionid[FAKEWX_OPENID_MAX + 3];
	json_t *json = NULL;
	int rc = -1;

	if (RAND_bytes(key, sizeof key) != 1) {
		send_wx_error(req, -1, "system error");
		goto out;
	}
	EVP_EncodeBlock(key_b64, key, sizeof key);
	snprintf(unionid, sizeof unionid, "u_%s", openid);
	json = json_pack("{s:s, s:s, s:s}", "openid", openid,
			 "session_key", (const char *)key_b64, "unionid", unionid);
	send_json(req, 200, json);
	rc = 0;
out:
	json_decref(json);
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(key_b64, sizeof key_b64);
	return rc;
}

/*
 * Copies at most FAKEWX_LOG_CODE_MAX bytes of code into buf for logging,
 * replacing anything unprintable so a code cannot forge log lines.
 */
static void code_prefix(const char *code, char *buf, size_t size)
{
	size_t i = 0;

	if (code == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	for (; code[i] != '\0' && i < FAKEWX_LOG_CODE_MAX && i + 1 < size; i++)
		buf[i] = (code[i] >= 0x21 && code[i] <= 0x7e) ? code[i] : '?';
	buf[i] = '\0';
	if (code[i] != '\0' && i + 4 < size)
		strcat(buf, "...");
}

/*
 * Answers one code2Session call. Checks run in WeChat's order: appid, secret,
 * grant_type, then js_code. Sets *errcode_out to the errcode sent (0 on success).
 */
static void handle_jscode2session(FCGX_Request *req, const char *qs, const char *code,
				  int *errcode_out)
{
	char *appid = query_get(qs, "appid");
	char *secret = query_get(qs, "secret");
	char *grant_type = query_get(qs, "grant_type");
	const char *arg = NULL;
	int errcode = 0;

	if (appid == NULL || strcmp(appid, g_appid) != 0) {
		errcode = 40013;
		send_wx_error(req, errcode, "invalid appid");
		goto out;
	}
	if (secret == NULL || strcmp(secret, g_secret) != 0) {
		errcode = 40125;
		send_wx_error(req, errcode, "invalid appsecret");
		goto out;
	}
	if (grant_type == NULL || strcmp(grant_type, "authorization_code") != 0) {
		errcode = 40002;
		send_wx_error(req, errcode, "invalid grant_type");
		goto out;
	}
	if (code == NULL || strncmp(code, "test:", 5) != 0) {
		errcode = 40029;
		send_wx_error(req, errcode, "invalid code");
		goto out;
	}
	arg = code + 5;

	if (strcmp(arg, "invalid") == 0) {
		errcode = 40029;
		send_wx_error(req, errcode, "invalid code");
	} else if (strcmp(arg, "used") == 0) {
		errcode = 40163;
		send_wx_error(req, errcode, "code been used");
	} else if (strcmp(arg, "ratelimited") == 0) {
		errcode = 45011;
		send_wx_error(req, errcode,
			      "api minute-quota reach limit  mustslower  retry next minute");
	} else if (strcmp(arg, "risky") == 0) {
		errcode = 40226;
		send_wx_error(req, errcode, "high risk user");
	} else if (strcmp(arg, "busy") == 0) {
		errcode = -1;
		send_wx_error(req, errcode, "system error");
	} else if (strcmp(arg, "garbage") == 0) {
		send_reply(req, 200, "text/html", "<html>oops</html>");
	} else if (strcmp(arg, "badjson") == 0) {
		json_t *json = json_pack("{s:i}", "openid", 5);

		send_json(req, 200, json);
		json_decref(json);
	} else if (strcmp(arg, "slow") == 0 || strcmp(arg, "hang") == 0) {
		bool slow = arg[0] == 's';

		/* tests wait for this line to know a sign-in is inside the app, waiting on us */
		fprintf(stderr, "fakewx: waiting code=test:%s\n", arg);
		if (sleep_interruptible(slow ? 1500 : 20000) != 0) {
			errcode = -1;
			send_wx_error(req, errcode, "system error");
			goto out;
		}
		if (send_wx_session(req, slow ? "slow" : "hang") != 0)
			errcode = -1;
	} else if (openid_valid(arg)) {
		if (send_wx_session(req, arg) != 0)
			errcode = -1;
	} else {
		errcode = 40029;
		send_wx_error(req, errcode, "invalid code");
	}
out:
	*errcode_out = errcode;
	free(appid);
	free(secret);
	free(grant_type);
}

/*
 * Returns the request path without its query string as a malloc'd string the
 * caller frees (DOCUMENT_URI, else REQUEST_URI, else SCRIPT_NAME), or NULL.
 */
static char *request_path(FCGX_Request *req)
{
	const char *uri = FCGX_GetParam("DOCUMENT_URI", req->envp);

	if (uri == NULL || *uri == '\0')
		uri = FCGX_GetParam("REQUEST_URI", req->envp);
	if (uri == NULL || *uri == '\0')
		uri = FCGX_GetParam("SCRIPT_NAME", req->envp);
	if (uri == NULL)
		return NULL;
	return strndup(uri, strcspn(uri, "?"));
}

/* ================================================================ subscribe messages
 * The stable access token, subscribeMessage.send and what tests read back. Kept apart from
 * code2Session so that other fake endpoints can be added beside them. */

static pthread_mutex_t g_msg_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *g_messages;          /* array of {touser, template_id, page, data, at_ms}; under g_msg_mu */
static char g_token[48];            /* the current access token; under g_msg_mu */
static int g_token_gen;
static long g_send_delay_ms;        /* under g_msg_mu */

/* Reads the request body (at most 64 KiB) as a malloc'd NUL-terminated string, or NULL. */
static char *read_body(FCGX_Request *req)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", req->envp);
	long n = cl != NULL ? strtol(cl, NULL, 10) : 0;
	char *buf;

	if (n <= 0 || n > 65536)
		return NULL;
	buf = malloc((size_t)n + 1);
	if (buf == NULL)
		return NULL;
	if (FCGX_GetStr(buf, (int)n, req->in) != (int)n) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh?}: the same token to
 * every caller until force_refresh asks for a new one. */
static void handle_stable_token(FCGX_Request *req, int *errcode)
{
	char *body = read_body(req);
	json_t *in = body != NULL ? json_loads(body, 0, NULL) : NULL;
	const char *grant = json_string_value(json_object_get(in, "grant_type"));
	const char *appid = json_string_value(json_object_get(in, "appid"));
	const char *secret = json_string_value(json_object_get(in, "secret"));
	int force = json_is_true(json_object_get(in, "force_refresh"));
	char token[48];

	if (grant == NULL || strcmp(grant, "client_credential") != 0) {
		*errcode = 40002;
		send_wx_error(req, 40002, "invalid grant_type");
	} else if (appid == NULL || strcmp(appid, g_appid) != 0) {
		*errcode = 40013;
		send_wx_error(req, 40013, "invalid appid");
	} else if (secret == NULL || strcmp(secret, g_secret) != 0) {
		*errcode = 40125;
		send_wx_error(req, 40125, "invalid appsecret");
	} else {
		json_t *out;

		pthread_mutex_lock(&g_msg_mu);
		if (force || g_token[0] == '\0')
			snprintf(g_token, sizeof g_token, "fake-access-token-%d", ++g_token_gen);
		memcpy(token, g_token, sizeof token);
		pthread_mutex_unlock(&g_msg_mu);
		out = json_pack("{s:s, s:i}", "access_token", token, "expires_in", 7200);
		send_json(req, 200, out);
		json_decref(out);
	}
	json_decref(in);
	free(body);
}

/* POST /cgi-bin/message/subscribe/send?access_token=: records the message, then (after
 * send_delay_ms) answers 0; 40001 for another token, 47003 without touser, template_id or data,
 * 43101 for an openid starting with "nogrant" (recorded all the same: it reached WeChat). */
static void handle_subscribe_send(FCGX_Request *req, const char *qs, int *errcode)
{
	char *token = query_get(qs, "access_token");
	char *body = read_body(req);
	json_t *in = body != NULL ? json_loads(body, 0, NULL) : NULL;
	const char *touser = json_string_value(json_object_get(in, "touser"));
	const char *tpl = json_string_value(json_object_get(in, "template_id"));
	json_t *data = json_object_get(in, "data");
	long delay = 0;
	int ok_token;

	pthread_mutex_lock(&g_msg_mu);
	ok_token = token != NULL && g_token[0] != '\0' && strcmp(token, g_token) == 0;
	if (ok_token && touser != NULL && tpl != NULL && json_is_object(data)) {
		json_t *page = json_object_get(in, "page");

		if (g_messages == NULL)
			g_messages = json_array();
		json_array_append_new(g_messages,
				      json_pack("{s:s, s:s, s:O, s:O, s:I}", "touser", touser,
						"template_id", tpl, "page",
						page != NULL ? page : json_null(), "data", data,
						"at_ms", (json_int_t)now_ms()));
		delay = g_send_delay_ms;
	}
	pthread_mutex_unlock(&g_msg_mu);

	if (!ok_token) {
		*errcode = 40001;
		send_wx_error(req, 40001, "invalid credential, access_token is invalid or not latest");
	} else if (touser == NULL || tpl == NULL || !json_is_object(data)) {
		*errcode = 47003;
		send_wx_error(req, 47003, "argument invalid!");
	} else {
		if (delay > 0)
			sleep_interruptible(delay);
		*errcode = strncmp(touser, "nogrant", 7) == 0 ? 43101 : 0;
		send_wx_error(req, *errcode, *errcode ? "user refuse to accept the msg" : "ok");
	}
	json_decref(in);
	free(body);
	free(token);
}

/* GET /__fake/messages[?touser=]: {"count": n, "items": [...]} of what send received. */
static void handle_fake_messages(FCGX_Request *req, const char *qs)
{
	char *touser = query_get(qs, "touser");
	json_t *items = json_array(), *out;
	size_t i;
	json_t *m;

	pthread_mutex_lock(&g_msg_mu);
	json_array_foreach(g_messages, i, m) {
		const char *to = json_string_value(json_object_get(m, "touser"));

		if (touser == NULL || (to != NULL && strcmp(to, touser) == 0))
			json_array_append_new(items, json_deep_copy(m));
	}
	pthread_mutex_unlock(&g_msg_mu);
	out = json_pack("{s:I, s:o}", "count", (json_int_t)json_array_size(items), "items", items);
	send_json(req, 200, out);
	json_decref(out);
	free(touser);
}

/* POST /__fake/config {"send_delay_ms": N (0..10000)} -> {"send_delay_ms": N} */
static void handle_fake_config(FCGX_Request *req)
{
	char *body = read_body(req);
	json_t *in = body != NULL ? json_loads(body, 0, NULL) : NULL;
	json_t *d = json_object_get(in, "send_delay_ms"), *out;
	long delay;

	pthread_mutex_lock(&g_msg_mu);
	if (json_is_integer(d) && json_integer_value(d) >= 0 && json_integer_value(d) <= 10000)
		g_send_delay_ms = (long)json_integer_value(d);
	delay = g_send_delay_ms;
	pthread_mutex_unlock(&g_msg_mu);
	out = json_pack("{s:i}", "send_delay_ms", (int)delay);
	send_json(req, 200, out);
	json_decref(out);
	json_decref(in);
	free(body);
}

/* Serves the subscribe-message paths; returns 0 if path was one of them. */
static int handle_subscribe_paths(FCGX_Request *req, const char *method, const char *path,
				  const char *qs, int *errcode)
{
	int post = method != NULL && strcmp(method, "POST") == 0;
	int get = method != NULL && strcmp(method, "GET") == 0;

	if (post && strcmp(path, "/cgi-bin/stable_token") == 0)
		handle_stable_token(req, errcode);
	else if (post && strcmp(path, "/cgi-bin/message/subscribe/send") == 0)
		handle_subscribe_send(req, qs, errcode);
	else if (get && strcmp(path, "/__fake/messages") == 0)
		handle_fake_messages(req, qs);
	else if (post && strcmp(path, "/__fake/config") == 0)
		handle_fake_config(req);
	else
		return -1;
	return 0;
}

/* Dispatches one request and logs one line about it (never the secret or key). */
static void handle_request(FCGX_Request *req)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", req->envp);
	const char *qs = FCGX_GetParam("QUERY_STRING", req->envp);
	char *path = request_path(req);
	char *code = query_get(qs, "js_code");
	char code_log[FAKEWX_LOG_CODE_MAX + 8];
	long long started = now_ms();
	int status = 200;
	int errcode = 0;

	if (method != NULL && strcmp(method, "GET") == 0 && path != NULL &&
	    strcmp(path, FAKEWX_PATH) == 0) {
		handle_jscode2session(req, qs, code, &errcode);
	} else if (path != NULL &&
		   handle_subscribe_paths(req, method, path, qs, &errcode) == 0) {
		/* served */
	} else {
		json_t *json = json_pack("{s:i, s:s}", "errcode", 404, "errmsg", "not found");

		status = 404;
		errcode = 404;
		send_json(req, status, json);
		json_decref(json);
	}

	code_prefix(code, code_log, sizeof code_log);
	fprintf(stderr, "fakewx: %s %s code=%s status=%d errcode=%d ms=%lld\n",
		method != NULL ? method : "-", path != NULL ? path : "-", code_log,
		status, errcode, now_ms() - started);
	free(path);
	free(code);
}

/* Worker thread: accepts and serves requests until shutdown is pending. */
static void *worker_main(void *arg)
{
	FCGX_Request req;

	(void)arg;
	if (FCGX_InitRequest(&req, g_listen_fd, 0) != 0) {
		fprintf(stderr, "fakewx: FCGX_InitRequest failed\n");
		return NULL;
	}
	for (;;) {
		if (atomic_load(&g_stopping))
			break;
		if (FCGX_Accept_r(&req) < 0)
			break;
		handle_request(&req);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return NULL;
}

/*
 * Removes a stale socket left by an earlier run. Returns 0 if the path is now
 * free, -1 if something other than a socket is in the way or a live server
 * still answers on it (two stacks must not steal each other's socket).
 */
static int remove_stale_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd = -1;
	int live = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "fakewx: %s exists and is not a socket\n", path);
		return -1;
	}
	/* main() checked that path fits in sun_path. */
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		live = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
		close(fd);
	}
	if (live) {
		fprintf(stderr, "fakewx: another server is listening on %s\n", path);
		return -1;
	}
	if (unlink(path) != 0) {
		fprintf(stderr, "fakewx: unlink %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t workers[FAKEWX_WORKERS];
	int started = 0;
	sigset_t stop_signals;
	struct timespec deadline;
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct sockaddr_un sun;
	const char *path;
	int sig = 0;
	int rc = EXIT_FAILURE;
	bool socket_created = false;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <unix-socket-path>\n", argv[0]);
		return 2;
	}
	path = argv[1];
	/* FCGX_OpenSocket would read "host:port" as TCP; this tool is unix-only. */
	if (*path == '\0' || strchr(path, ':') != NULL ||
	    strlen(path) >= sizeof sun.sun_path) {
		fprintf(stderr, "fakewx: bad socket path '%s'\n", path);
		return 2;
	}
	g_appid = getenv("FAKEWX_APPID");
	if (g_appid == NULL || *g_appid == '\0')
		g_appid = "wxdev";
	g_secret = getenv("FAKEWX_SECRET");
	if (g_secret == NULL || *g_secret == '\0')
		g_secret = "devsecret";
	if (getenv("FAKEWX_SEND_DELAY_MS") != NULL)
		g_send_delay_ms = strtol(getenv("FAKEWX_SEND_DELAY_MS"), NULL, 10);

	/* Blocked here so that every worker inherits the mask; only main sigwait()s. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0) {
		fprintf(stderr, "fakewx: pthread_sigmask failed\n");
		goto out;
	}
	sigaction(SIGPIPE, &ignore, NULL);

	if (FCGX_Init() != 0) {
		fprintf(stderr, "fakewx: FCGX_Init failed\n");
		goto out;
	}
	if (remove_stale_socket(path) != 0)
		goto out;
	g_listen_fd = FCGX_OpenSocket(path, FAKEWX_BACKLOG);
	if (g_listen_fd < 0) {
		fprintf(stderr, "fakewx: FCGX_OpenSocket %s failed\n", path);
		goto out;
	}
	socket_created = true;
	/* nginx workers run as www-data, not as whoever started fakewx. */
	if (chmod(path, 0666) != 0) {
		fprintf(stderr, "fakewx: chmod %s: %s\n", path, strerror(errno));
		goto out_stop;
	}

	for (; started < FAKEWX_WORKERS; started++) {
		int err = pthread_create(&workers[started], NULL, worker_main, NULL);

		if (err != 0) {
			fprintf(stderr, "fakewx: pthread_create: %s\n", strerror(err));
			goto out_stop;
		}
	}
	fprintf(stderr, "fakewx: listening on %s (appid %s, %d workers)\n", path,
		g_appid, FAKEWX_WORKERS);

	while (sigwait(&stop_signals, &sig) != 0)
		;
	fprintf(stderr, "fakewx: signal %d, shutting down\n", sig);
	rc = EXIT_SUCCESS;

out_stop:
	atomic_store(&g_stopping, true);
	FCGX_ShutdownPending();
	/* On Linux this makes accept() in every worker fail with EINVAL. */
	shutdown(g_listen_fd, SHUT_RDWR);
	/*
	 * One shared deadline, well inside the 2 s a supervisor allows: a worker
	 * stuck on a kept-alive nginx connection must not stall the exit.
	 */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 500 * 1000 * 1000;
	deadline.tv_sec += 1 + deadline.tv_nsec / (1000 * 1000 * 1000);
	deadline.tv_nsec %= 1000 * 1000 * 1000;
	for (int i = 0; i < started; i++) {
		int err = pthread_timedjoin_np(workers[i], NULL, &deadline);

		if (err != 0)
			fprintf(stderr, "fakewx: worker %d did not stop: %s\n", i,
				strerror(err));
	}
	close(g_listen_fd);
out:
	if (socket_created && unlink(path) != 0)
		fprintf(stderr, "fakewx: unlink %s: %s\n", path, strerror(errno));
	return rc;
}
