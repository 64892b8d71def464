/* Unit tests for the reply builders (http/request.h): a NULL body (a json_pack misuse in a
 * handler) answers 500 for that request only instead of aborting the process; json_pack
 * misuse is logged; reals carry no float noise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http/request.h"
#include "util/status.h"

static ss_req *new_req(void)
{
    ss_req *req = calloc(1, sizeof *req);
    req->arena = ss_arena_create(4096);
    return req;
}

static void free_req(ss_req *req)
{
    ss_arena_free(req->arena);
    free(req);
}

static void test_null_body_is_500_not_abort(void **state)
{
    (void)state;
    int strict = ss_json_strict;
    ss_json_strict = 0;   /* the production path (strict builds abort on purpose) */
    ss_req *req = new_req();
    assert_int_equal(ss_reply_json(req, 200, NULL), SS_EINTERNAL);
    assert_int_equal(req->status, 0);   /* nothing was replied: the pipeline renders the 500 */
    /* a misused json_pack ("o" given NULL) is NULL, logged, and the same 500 */
    json_t *bad = json_pack("{s:o}", "x", (json_t *)NULL);
    assert_null(bad);
    assert_int_equal(ss_reply_json(req, 200, bad), SS_EINTERNAL);
    /* and the error reply itself still renders */
    ss_reply_render_error(req, SS_EINTERNAL);
    assert_int_equal(req->status, 500);
    assert_non_null(strstr(req->reply_body, "\"internal\""));
    ss_json_strict = strict;
    free_req(req);
}

static void test_reals_without_noise(void **state)
{
    (void)state;
    ss_req *req = new_req();
    assert_int_equal(ss_reply_json(req, 200, json_pack("{s:f, s:f}", "lat", 30.6598, "lng", 104.123457)), SS_OK);
    assert_string_equal(req->reply_body, "{\"lat\":30.6598,\"lng\":104.123457}");
    free_req(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_body_is_500_not_abort),
        cmocka_unit_test(test_reals_without_noise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
